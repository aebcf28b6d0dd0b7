// Growth: tenants onboarding over time, cells added at a time or when utilization is high.
#include <algorithm>

#include "sim/world.h"

namespace cellkit::sim {

void World::add_cells(std::uint32_t count, double utilization) {
  if (count == 0) return;
  const auto first = static_cast<std::uint32_t>(cells_.size());
  for (std::uint32_t i = 0; i < count; ++i)
    install_cell();
  note({.kind = EventKind::kCellsAdded,
        .cell = CellId{first},
        .error_rate = utilization,
        .count = count});
}

// New tenants are placed by the control plane, so while it is down they wait for it.
void World::onboard(std::uint32_t count) {
  if (count == 0) return;
  if (!control_plane_up_) {
    pending_onboarding_ += count;
    return;
  }
  const auto first = static_cast<std::uint32_t>(tenants_.size());
  std::uint32_t placed = 0;
  for (; placed < count; ++placed) {
    Result<TenantId> id = control_.add_tenant({}, scenario_.tenants.shard_size);
    if (!id.is_ok()) break;  // not enough healthy cells: the rest are not onboarded
    TenantRuntime t{.since = now_};
    const Shard& shard = control_.tenants().mapping().shard(*id);
    t.shard_size = static_cast<std::uint16_t>(shard.size());
    for (CellId c : shard)
      tenants_on_cell_[raw(c)].push_back(raw(*id));
    tenants_.push_back(t);
  }
  rate_ = scenario_.workload.rate * static_cast<double>(tenants_.size()) /
          static_cast<double>(scenario_.tenants.count);
  rebuild_tenant_choice();
  note({.kind = EventKind::kTenantsOnboarded, .tenant = TenantId{first}, .count = placed});
}

void World::rebuild_tenant_choice() {
  const auto n = static_cast<std::uint32_t>(tenants_.size());
  const TenantsSpec& spec = scenario_.tenants;
  const std::vector<double> weights = spec.weights == Weights::kZipf
                                          ? zipf_weights(n, spec.zipf_exponent)
                                          : std::vector<double>(n, 1.0);
  tenant_choice_ = AliasTable(weights);
}

void World::maybe_auto_scale(double utilization) {
  const AutoScale& a = scenario_.growth.auto_scale;
  if (a.utilization_above <= 0 || utilization <= a.utilization_above) return;
  if (scaled_out_ && now_ - last_scale_out_ < a.cooldown) return;
  std::uint32_t add = a.add;
  if (a.max_cells > 0) {
    if (cells_.size() >= a.max_cells) return;
    add = std::min<std::uint32_t>(add, a.max_cells - static_cast<std::uint32_t>(cells_.size()));
  }
  add_cells(add, utilization);
  last_scale_out_ = now_;
  scaled_out_ = true;
}

}  // namespace cellkit::sim

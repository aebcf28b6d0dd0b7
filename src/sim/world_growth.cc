// Growth: tenants onboarding over time, cells added at a time or when utilization is high.
#include <algorithm>

#include "cellkit/core/rebalance.h"

#include "sim/world.h"

namespace cellkit::sim {

void World::add_cells(std::uint32_t count, double utilization) {
  if (count == 0) return;
  const bool rebalance = scenario_.growth.rebalance && control_loop_.up();
  const Placement before = rebalance ? current_placement() : Placement{};
  const auto first = static_cast<std::uint32_t>(cells_.size());
  for (std::uint32_t i = 0; i < count; ++i)
    install_cell();
  note(timeline::CellsAdded{.first = CellId{first}, .count = count, .utilization = utilization});
  if (rebalance) rebalance_onto_new_cells(before, CellId{first});
}

Placement World::current_placement() const {
  const std::span<const Tenant> tenants = control_.tenants().tenants();
  return Placement{.fleet = control_.cells().fleet(),
                   .tenants = std::vector<Tenant>(tenants.begin(), tenants.end()),
                   .mapping = control_.tenants().mapping(),
                   .options = placement_options(scenario_.tenants, placement_seed_)};
}

// The core planner decides the moves; each commits in the control plane as one
// reassignment, and the router follows at the next published snapshot.
// A plan that cannot be made, or a move the control plane refuses, is recorded (timeline
// and Refusals) rather than dropped: the run goes on without it.
void World::rebalance_onto_new_cells(const Placement& before, CellId first_new) {
  Result<RebalancePlan> plan = plan_rebalance(before, control_.cells().fleet());
  if (!plan.is_ok()) {
    ++result_.refusals.rebalances_not_planned;
    return note(timeline::RebalanceNotPlanned{first_new});
  }
  std::uint32_t committed = 0;
  for (const Move& m : plan->moves) {
    Shard shard = control_.tenants().mapping().shard(m.tenant);
    std::replace(shard.begin(), shard.end(), m.from, m.to);
    if (control_.reassign(m.tenant, shard).is_ok()) {
      ++committed;
    } else {
      ++result_.refusals.moves_refused;
      note(timeline::MoveRefused{.tenant = m.tenant, .onto = m.to});
    }
  }
  ledger_.refile(control_.tenants().mapping(), now_);
  note(timeline::TenantsRebalanced{committed});
}

// New tenants are placed by the control plane, so while it is down they wait for it.
void World::onboard(std::uint32_t count) {
  if (count == 0) return;
  if (control_loop_.hold_onboarding(count)) return;
  const auto first = static_cast<std::uint32_t>(traffic_.size());
  std::uint32_t placed = 0;
  for (; placed < count; ++placed) {
    Result<TenantId> id = control_.add_tenant({}, scenario_.tenants.shard_size);
    if (!id.is_ok()) break;  // not enough healthy cells: the rest are not onboarded
    ledger_.add_tenant(*id, control_.tenants().mapping().shard(*id), now_);
    traffic_.emplace_back();
  }
  set_rate(scenario_.workload.rate * static_cast<double>(traffic_.size()) /
           static_cast<double>(scenario_.tenants.count));
  rebuild_tenant_choice();
  note(timeline::TenantsOnboarded{.first = TenantId{first}, .count = placed});
}

void World::rebuild_tenant_choice() {
  const auto n = static_cast<std::uint32_t>(traffic_.size());
  const TenantsSpec& spec = scenario_.tenants;
  const std::vector<double> weights = spec.weights == Weights::kZipf
                                          ? zipf_weights(n, spec.zipf_exponent)
                                          : std::vector<double>(n, 1.0);
  tenant_choice_ = AliasTable(weights);
}

void World::maybe_auto_scale(double utilization) {
  add_cells(control_loop_.cells_to_add(utilization, now_, cells_.size()), utilization);
}

}  // namespace cellkit::sim

// Downtime accounting: tenants' health from their cells, integrated interval by interval.
#include "sim/downtime_ledger.h"

#include <cassert>
#include <utility>

namespace cellkit::sim {

void DowntimeLedger::start(std::uint32_t count, const Mapping& mapping) {
  tenants_.assign(count, TenantHealth{});
  for (const auto& [id, shard] : mapping)
    file(id, shard, tenants_[raw(id)]);
}

// New tenants on down cells join the counts only after the time before them is added.
void DowntimeLedger::add_tenant(TenantId id, const Shard& shard, TimePoint now) {
  assert(raw(id) == tenants_.size());
  integrate(now);
  TenantHealth& tenant = tenants_.emplace_back(TenantHealth{.since = now});
  file(id, shard, tenant);
  if (tenant.fully_down()) timeline_.note(now, timeline::TenantDown{id});
}

void DowntimeLedger::refile(const Mapping& mapping, TimePoint now) {
  integrate(now);
  for (std::vector<TenantId>& list : tenants_on_cell_)
    list.clear();
  tenants_down_now_ = 0;
  tenants_degraded_now_ = 0;
  for (const auto& [id, shard] : mapping) {
    TenantHealth& tenant = tenants_[raw(id)];
    settle(tenant, now);
    file(id, shard, tenant);
  }
}

void DowntimeLedger::cell_changed(CellId cell, bool down, TimePoint now) {
  integrate(now);
  cells_down_now_ = down ? cells_down_now_ + 1 : cells_down_now_ - 1;
  for (TenantId id : tenants_on_cell_[raw(cell)]) {
    TenantHealth& tenant = tenants_[raw(id)];
    const bool was_down = tenant.fully_down();
    const bool was_degraded = tenant.degraded();
    settle(tenant, now);
    tenant.down_cells = static_cast<std::uint16_t>(tenant.down_cells + (down ? 1 : -1));
    const bool is_down = tenant.fully_down();
    const bool is_degraded = tenant.degraded();
    tenants_down_now_ = tenants_down_now_ - (was_down ? 1 : 0) + (is_down ? 1 : 0);
    tenants_degraded_now_ = tenants_degraded_now_ - (was_degraded ? 1 : 0) + (is_degraded ? 1 : 0);
    tenant.ever_down |= is_down;
    tenant.ever_degraded |= is_degraded;
    if (is_down && !was_down) timeline_.note(now, timeline::TenantDown{id});
    if (was_down && !is_down) timeline_.note(now, timeline::TenantRecovered{id});
  }
}

void DowntimeLedger::close_interval(TimePoint now, IntervalResult& into) {
  integrate(now);
  into.cell_down += std::exchange(cell_down_, Duration{});
  into.tenant_down += std::exchange(tenant_down_, Duration{});
  into.tenant_degraded += std::exchange(tenant_degraded_, Duration{});
}

void DowntimeLedger::close_run() {
  integrate(end_);
  for (TenantHealth& tenant : tenants_)
    settle(tenant, end_);
}

// Adds the time since the last call, at the current counts of down cells and of down and
// degraded tenants, to the open interval.
void DowntimeLedger::integrate(TimePoint to) {
  const Duration spent = clamp(to) - clamp(integrated_to_);
  cell_down_ += spent * static_cast<std::int64_t>(cells_down_now_);
  tenant_down_ += spent * static_cast<std::int64_t>(tenants_down_now_);
  tenant_degraded_ += spent * static_cast<std::int64_t>(tenants_degraded_now_);
  integrated_to_ = to;
}

// Adds the time since the tenant's last change to the status it was in.
void DowntimeLedger::settle(TenantHealth& tenant, TimePoint at) const {
  const Duration spent = clamp(at) - clamp(tenant.since);
  if (tenant.fully_down()) {
    tenant.down_for += spent;
  } else if (tenant.degraded()) {
    tenant.degraded_for += spent;
  }
  tenant.since = at;
}

// Files the tenant under its shard's cells and counts it from its cells' true state: the
// control plane learns of a crash only at the next health check, so a shard may include a
// cell that is already down.
void DowntimeLedger::file(TenantId id, const Shard& shard, TenantHealth& tenant) {
  tenant.down_cells = 0;
  tenant.shard_size = static_cast<std::uint16_t>(shard.size());
  for (CellId c : shard) {
    tenants_on_cell_[raw(c)].push_back(id);
    if (!cells_[raw(c)].up) ++tenant.down_cells;
  }
  tenants_down_now_ += tenant.fully_down() ? 1 : 0;
  tenants_degraded_now_ += tenant.degraded() ? 1 : 0;
  tenant.ever_down |= tenant.fully_down();
  tenant.ever_degraded |= tenant.degraded();
}

}  // namespace cellkit::sim

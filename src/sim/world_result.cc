// Turning a finished world into a RunResult.
#include <algorithm>

#include "sim/world.h"

namespace cellkit::sim {

void World::close_run() {
  ledger_.close_run();
  for (const TenantTraffic& t : traffic_) {
    result_.arrivals += t.arrivals;
    for (std::size_t i = 0; i < kOutcomeCount; ++i)
      result_.outcomes[i] += t.outcomes[i];
  }
  for (CellRuntime& c : cells_) {
    if (!c.up) c.down_for += end_ - clamp(c.down_since);
  }
  // Requests that ended while draining after the last sample belong to the last interval, and
  // so does downtime after it (none: it is counted up to the run's end, the last sample).
  if (!intervals_.empty()) {
    IntervalResult& last = intervals_.back();
    for (std::size_t i = 0; i < kOutcomeCount; ++i)
      last.outcomes[i] += current_.outcomes[i];
    last.arrivals += current_.arrivals;
    ledger_.close_interval(end_, last);
    last_interval_latency_.merge(interval_latency_);
    last.latency_p50 = last_interval_latency_.percentile(0.5);
    last.latency_p99 = last_interval_latency_.percentile(0.99);
  }
  result_.latency.merge(interval_latency_);
}

TenantResult World::tenant_result(TenantId id) const {
  const TenantTraffic& t = traffic_[raw(id)];
  const TenantHealth& health = ledger_.tenants()[raw(id)];
  TenantResult r{.id = id,
                 .name = control_.tenants().find_tenant(id)->name,
                 .shard = control_.tenants().mapping().shard(id),
                 .arrivals = t.arrivals,
                 .outcomes = t.outcomes,
                 .degraded_for = health.degraded_for,
                 .down_for = health.down_for};
  r.poison = std::any_of(poison_.begin(), poison_.end(),
                         [&](const PoisonRuntime& p) { return p.tenant == id; });
  return r;
}

CellResult World::cell_result(CellId id) const {
  const CellRuntime& c = cells_[raw(id)];
  const double capacity = static_cast<double>(scenario_.until.count()) * scenario_.cells.servers;
  return CellResult{.id = id,
                    .name = control_.cells().fleet().cell(id).name,
                    .zone = c.zone,
                    .zone_name = zone_name(scenario_.cells, c.zone),
                    .served = c.served,
                    .shed = c.shed,
                    .crashes = c.crashes,
                    .utilization = capacity > 0 ? static_cast<double>(c.busy_area) / capacity : 0,
                    .down_for = c.down_for};
}

BlastRadius World::blast_radius() const {
  BlastRadius b;
  for (const CellRuntime& c : cells_) {
    b.cells_crashed += c.crashes > 0 ? 1 : 0;
    b.crashes += c.crashes;
  }
  for (const TenantHealth& t : ledger_.tenants()) {
    if (t.ever_down) {
      ++b.tenants_down;
    } else if (t.ever_degraded) {
      ++b.tenants_degraded;
    } else {
      ++b.tenants_untouched;
    }
    b.down_time += t.down_for;
    b.degraded_time += t.degraded_for;
    b.longest_down = std::max(b.longest_down, t.down_for);
  }
  return b;
}

RunResult World::finish() {
  for (CellRuntime& c : cells_)
    update_busy(c);
  close_run();
  RunResult r = std::move(result_);
  r.refusals.snapshots_refused = faults_.snapshots_refused();
  r.scenario = scenario_.name;
  r.seed = seed_;
  r.until = scenario_.until;
  r.interval = scenario_.interval;
  r.servers_per_cell = scenario_.cells.servers;
  for (std::uint32_t i = 0; i < traffic_.size(); ++i)
    r.tenants.push_back(tenant_result(TenantId{i}));
  for (std::uint32_t i = 0; i < cells_.size(); ++i)
    r.cells.push_back(cell_result(CellId{i}));
  r.intervals = std::move(intervals_);
  r.blast = blast_radius();
  r.router_version = router_.version();
  r.event_queue_bytes = queue_.capacity_bytes();
  timeline_.move_into(r);
  r.peak_in_flight = slots_.peak_in_flight();
  r.request_bytes = slots_.capacity_bytes();
  return r;
}

}  // namespace cellkit::sim

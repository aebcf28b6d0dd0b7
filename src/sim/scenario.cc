// Scenario validation: one message per bad field, naming it as scenario files do.
#include "cellkit/sim/scenario.h"

#include "cellkit/base/cut.h"
#include "cellkit/base/limits.h"
#include "cellkit/sim/scenario_file.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace cellkit::sim {
namespace {

constexpr std::uint32_t kMaxShard = kMaxCandidates;  // a request tracks tried cells in 16 bits
constexpr std::int64_t kMaxIntervals = 100'000;      // each keeps a utilization per cell
// About two and a half minutes at the simulator's measured speed (docs/limits.md).
constexpr std::uint64_t kMaxExpectedEvents = 2'000'000'000;

Status at_most_the_longest(const char* field, Duration d) {
  if (d <= kMaxDuration) return Status::ok();
  return invalid_argument(
      fmt::format("{} ({}us) must be at most {}h", field, d.count(), kMaxDurationHours));
}

Status positive(const char* field, Duration d) {
  if (d <= Duration::zero()) {
    return invalid_argument(fmt::format("{} ({}us) must be positive", field, d.count()));
  }
  return at_most_the_longest(field, d);
}

Status not_negative(const char* field, Duration d) {
  if (d < Duration::zero()) {
    return invalid_argument(fmt::format("{} ({}us) must not be negative", field, d.count()));
  }
  return at_most_the_longest(field, d);
}

Status at_least_one(const char* field, std::uint64_t v) {
  if (v >= 1) return Status::ok();
  return invalid_argument(fmt::format("{} ({}) must be at least 1", field, v));
}

// The per-cell lists: each empty or one entry per cell, zones that exist, names unique.
Status check_named_cells(const CellsSpec& c) {
  const auto sized = [&](const char* field, std::size_t size) {
    if (size == 0 || size == c.count) return Status::ok();
    return invalid_argument(
        fmt::format("cells.{} has {} entries; cells.count is {}", field, size, c.count));
  };
  if (Status s = sized("names", c.names.size()); !s.is_ok()) return s;
  if (Status s = sized("zone_of", c.zone_of.size()); !s.is_ok()) return s;
  if (Status s = sized("capacity", c.capacity.size()); !s.is_ok()) return s;
  for (std::size_t i = 0; i < c.zone_of.size(); ++i) {
    if (raw(c.zone_of[i]) >= c.zones) {
      return invalid_argument(fmt::format("cell {} is in zone {}; zones run 0..{}",
                                          cut(cell_name(c, static_cast<std::uint32_t>(i))),
                                          raw(c.zone_of[i]), c.zones - 1));
    }
  }
  std::set<std::string_view> seen;
  for (const std::string& name : c.names) {
    if (name.empty() || !seen.insert(name).second) {
      return invalid_argument(fmt::format("cells.names: '{}' is empty or given twice", cut(name)));
    }
  }
  return Status::ok();
}

Status check_cells(const CellsSpec& c) {
  if (Status s = at_least_one("cells.count", c.count); !s.is_ok()) return s;
  if (Status s = at_least_one("cells.servers", c.servers); !s.is_ok()) return s;
  if (c.zones < 1 || c.zones > c.count || c.zones > kMaxZones) {
    return invalid_argument(
        fmt::format("cells.zones ({}) must be between 1 and cells.count ({})", c.zones, c.count));
  }
  if (Status s = check_named_cells(c); !s.is_ok()) return s;
  if (Status s = c.service.validate(); !s.is_ok()) {
    return invalid_argument("cells." + s.message());
  }
  if (Status s = positive("cells.restart_after", c.restart_after); !s.is_ok()) return s;
  if (Status s = not_negative("cells.mtbf", c.mtbf); !s.is_ok()) return s;
  if (c.mtbf > Duration::zero()) return positive("cells.mttr", c.mttr);
  return Status::ok();
}

Status check_shard(std::size_t tenant, const Shard& shard, std::uint32_t cells) {
  if (shard.empty() || shard.size() > kMaxShard) {
    return invalid_argument(fmt::format("tenants.shards[{}] has {} cells; 1 to {} are allowed",
                                        tenant, shard.size(), kMaxShard));
  }
  for (std::size_t i = 0; i < shard.size(); ++i) {
    if (raw(shard[i]) >= cells) {
      return invalid_argument(fmt::format("tenants.shards[{}] names cell {}; cells run 0..{}",
                                          tenant, raw(shard[i]), cells - 1));
    }
    if (std::find(shard.begin(), shard.begin() + static_cast<std::ptrdiff_t>(i), shard[i]) !=
        shard.begin() + static_cast<std::ptrdiff_t>(i)) {
      return invalid_argument(
          fmt::format("tenants.shards[{}] repeats cell {}", tenant, raw(shard[i])));
    }
  }
  return Status::ok();
}

Status check_tenant_names(const TenantsSpec& t) {
  if (!t.names.empty() && t.names.size() != t.count) {
    return invalid_argument(
        fmt::format("tenants.names has {} entries; tenants.count is {}", t.names.size(), t.count));
  }
  std::set<std::string_view> seen;
  for (const std::string& name : t.names) {
    if (name.empty() || !seen.insert(name).second) {
      return invalid_argument(
          fmt::format("tenants.names: '{}' is empty or given twice", cut(name)));
    }
  }
  return Status::ok();
}

Status check_tenants(const TenantsSpec& t, std::uint32_t cells) {
  if (Status s = at_least_one("tenants.count", t.count); !s.is_ok()) return s;
  if (Status s = check_tenant_names(t); !s.is_ok()) return s;
  if (!(t.zipf_exponent >= 0.0 && t.zipf_exponent <= 10.0)) {
    return invalid_argument(
        fmt::format("tenants.zipf_exponent ({}) must be between 0 and 10", t.zipf_exponent));
  }
  if (t.placement == kExplicitShards) {
    if (t.shards.size() != t.count) {
      return invalid_argument(fmt::format("tenants.shards lists {} shards; tenants.count is {}",
                                          t.shards.size(), t.count));
    }
    for (std::size_t i = 0; i < t.shards.size(); ++i) {
      if (Status s = check_shard(i, t.shards[i], cells); !s.is_ok()) return s;
    }
    return Status::ok();
  }
  if (Status s = validate(placement_options(t, 0)); !s.is_ok()) {
    return invalid_argument("tenants: " + s.message() + " (or explicit)");
  }
  if (t.shard_size < 1 || t.shard_size > std::min(cells, kMaxShard)) {
    return invalid_argument(fmt::format("tenants.shard_size ({}) must be between 1 and {}",
                                        t.shard_size, std::min(cells, kMaxShard)));
  }
  return Status::ok();
}

Status check_script(const WorkloadSpec& w, const Scenario& s) {
  for (std::size_t i = 0; i < w.script.size(); ++i) {
    const ScriptedRequest& r = w.script[i];
    if (r.tenant >= s.tenants.count || r.at < Duration::zero() || r.at >= s.until ||
        (i > 0 && r.at < w.script[i - 1].at)) {
      return invalid_argument(fmt::format(
          "workload.script[{}] (tenant {} at {}us) must name a tenant, lie in [0, until) and "
          "keep time order",
          i, r.tenant, r.at.count()));
    }
  }
  return Status::ok();
}

Status check_workload(const WorkloadSpec& w) {
  if (!(w.rate >= 0.0 && std::isfinite(w.rate))) {
    return invalid_argument(fmt::format("workload.rate ({}) must be a finite number >= 0", w.rate));
  }
  return not_negative("workload.timeout", w.timeout);
}

Status check_router(const RouterSpec& r) {
  if (Status s = r.policy.validate(); !s.is_ok()) return invalid_argument("router." + s.message());
  return positive("router.health_check_interval", r.health_check_interval);
}

// A fault the run would never reach: its time is at or after until.
Status before_until(std::string_view fault, std::size_t i, std::string_view what, Duration at,
                    const Scenario& s) {
  if (at < s.until) return Status::ok();
  return invalid_argument(fmt::format(
      "faults.{}[{}]{} at {} is at or after until ({}); a fault must start before the run ends",
      fault, i, what, format_scenario_duration(at), format_scenario_duration(s.until)));
}

// Every fault starts inside the run, [0, until).
Status check_fault_times(const FaultsSpec& f, const Scenario& s) {
  for (std::size_t i = 0; i < f.cell_crashes.size(); ++i) {
    const CellCrash& c = f.cell_crashes[i];
    const std::string what = fmt::format(" (cell {})", c.cell);
    if (Status st = before_until("cell_crashes", i, what, c.at, s); !st.is_ok()) return st;
  }
  for (std::size_t i = 0; i < f.zone_outages.size(); ++i) {
    const ZoneOutage& z = f.zone_outages[i];
    const std::string what = fmt::format(" (zone {})", z.zone);
    if (Status st = before_until("zone_outages", i, what, z.at, s); !st.is_ok()) return st;
  }
  for (std::size_t i = 0; i < f.control_plane_outages.size(); ++i) {
    const Duration at = f.control_plane_outages[i].at;
    if (Status st = before_until("control_plane_outages", i, "", at, s); !st.is_ok()) return st;
  }
  for (std::size_t i = 0; i < f.router_restarts.size(); ++i) {
    const Duration at = f.router_restarts[i];
    if (Status st = before_until("router_restarts", i, "", at, s); !st.is_ok()) return st;
  }
  return Status::ok();
}

Status check_faults(const FaultsSpec& f, const Scenario& s) {
  for (const PoisonTenant& p : f.poison) {
    if (p.tenant >= s.tenants.count) {
      return invalid_argument(
          fmt::format("faults.poison tenant {} does not exist; tenants run 0..{}", p.tenant,
                      s.tenants.count - 1));
    }
    if (!(p.probability >= 0.0 && p.probability <= 1.0)) {
      return invalid_argument(
          fmt::format("faults.poison probability ({}) must be between 0 and 1", p.probability));
    }
  }
  for (const CellCrash& c : f.cell_crashes) {
    if (c.cell >= s.cells.count) {
      return invalid_argument(
          fmt::format("faults.cell_crashes cell {} does not exist; cells run 0..{}", c.cell,
                      s.cells.count - 1));
    }
    if (Status st = not_negative("faults.cell_crashes at", c.at); !st.is_ok()) return st;
    if (Status st = not_negative("faults.cell_crashes duration", c.duration); !st.is_ok())
      return st;
  }
  for (const ZoneOutage& z : f.zone_outages) {
    if (z.zone >= s.cells.zones) {
      return invalid_argument(
          fmt::format("faults.zone_outages zone {} does not exist; zones run 0..{}", z.zone,
                      s.cells.zones - 1));
    }
    if (Status st = not_negative("faults.zone_outages at", z.at); !st.is_ok()) return st;
    if (Status st = positive("faults.zone_outages duration", z.duration); !st.is_ok()) return st;
  }
  for (const Window& w : f.control_plane_outages) {
    if (Status st = not_negative("faults.control_plane_outages at", w.at); !st.is_ok()) return st;
    if (Status st = positive("faults.control_plane_outages duration", w.duration); !st.is_ok()) {
      return st;
    }
  }
  for (Duration at : f.router_restarts) {
    if (Status st = not_negative("faults.router_restarts", at); !st.is_ok()) return st;
  }
  return check_fault_times(f, s);
}

// The events a run is expected to process: each arrival and its completion, each publish
// and health check, each random crash and restart. Estimated before the run so that a
// scenario asking for 10^12 events is refused at once instead of running for days.
double expected_events(const Scenario& s) {
  const auto count = [&](Duration every) {
    return static_cast<double>(s.until.count()) / static_cast<double>(every.count());
  };
  double events = 2.0 * s.workload.rate * static_cast<double>(s.until.count()) / 1e6;
  events += count(s.control_plane.publish_interval) + count(s.router.health_check_interval);
  if (s.cells.mtbf > Duration::zero()) events += 2.0 * s.cells.count * count(s.cells.mtbf);
  return events;
}

Status check_counts(const Scenario& s) {
  std::uint64_t cells = s.cells.count;
  for (const ScaleOut& o : s.growth.scale_out)
    cells += o.cells;
  std::uint64_t tenants = s.tenants.count;
  for (const Onboarding& o : s.growth.onboarding)
    tenants += o.count;
  if (cells > kMaxRunCells) {
    return invalid_argument(
        fmt::format("cells.count with growth.scale_out comes to {} cells; at most {} are allowed",
                    cells, kMaxRunCells));
  }
  if (tenants > kMaxTenants) {
    return invalid_argument(fmt::format(
        "tenants.count with growth.onboarding comes to {} tenants; at most {} are allowed", tenants,
        kMaxTenants));
  }
  return Status::ok();
}

Status check_event_count(const Scenario& s) {
  const double events = expected_events(s);
  if (events <= static_cast<double>(kMaxExpectedEvents)) return Status::ok();
  return invalid_argument(fmt::format(
      "the run would process about {:.3g} events (from until, workload.rate, "
      "control_plane.publish_interval, router.health_check_interval and cells.mtbf), more than "
      "the {} allowed: shorten until or make the run less busy",
      events, kMaxExpectedEvents));
}

Status check_probability(const char* field, std::size_t i, double p) {
  if (p >= 0.0 && p <= 1.0) return Status::ok();
  return invalid_argument(
      fmt::format("deployments[{}].{} ({}) must be between 0 and 1", i, field, p));
}

Status check_deployment(std::size_t i, const Deployment& d, const Scenario& s) {
  if (d.waves.empty()) return invalid_argument(fmt::format("deployments[{}].waves is empty", i));
  for (std::size_t w = 0; w < d.waves.size(); ++w) {
    if (d.waves[w].empty()) {
      return invalid_argument(fmt::format("deployments[{}].waves[{}] names no cell", i, w));
    }
    for (std::uint32_t cell : d.waves[w]) {
      if (cell >= s.cells.count) {
        return invalid_argument(
            fmt::format("deployments[{}].waves[{}] names cell {}; cells run 0..{}", i, w, cell,
                        s.cells.count - 1));
      }
    }
  }
  if (Status st = not_negative("deployments at", d.at); !st.is_ok()) return st;
  if (Status st = positive("deployments bake", d.bake); !st.is_ok()) return st;
  if (Status st = check_probability("error_probability", i, d.error_probability); !st.is_ok())
    return st;
  if (Status st = check_probability("crash_probability", i, d.crash_probability); !st.is_ok())
    return st;
  return check_probability("alarm_error_rate", i, d.alarm_error_rate);
}

Status check_growth(const GrowthSpec& g, const Scenario& s) {
  if (g.rebalance && s.tenants.placement == kExplicitShards) {
    return invalid_argument("growth.rebalance needs a placement strategy, not explicit shards");
  }
  if (!g.onboarding.empty() && s.tenants.placement == kExplicitShards) {
    return invalid_argument(
        "growth.onboarding needs tenants.placement random: explicit shards "
        "cover only the first tenants.count tenants");
  }
  for (const Onboarding& o : g.onboarding) {
    if (Status st = at_least_one("growth.onboarding count", o.count); !st.is_ok()) return st;
    if (Status st = not_negative("growth.onboarding at", o.at); !st.is_ok()) return st;
  }
  for (const ScaleOut& o : g.scale_out) {
    if (Status st = at_least_one("growth.scale_out cells", o.cells); !st.is_ok()) return st;
    if (Status st = not_negative("growth.scale_out at", o.at); !st.is_ok()) return st;
  }
  const AutoScale& a = g.auto_scale;
  if (!(a.utilization_above >= 0.0 && a.utilization_above < 1.0)) {
    return invalid_argument(
        fmt::format("growth.auto_scale.utilization_above ({}) must be in [0, 1); 0 turns it off",
                    a.utilization_above));
  }
  if (Status st = at_least_one("growth.auto_scale.add", a.add); !st.is_ok()) return st;
  return not_negative("growth.auto_scale.cooldown", a.cooldown);
}

}  // namespace

std::string zone_name(const CellsSpec& cells, ZoneId zone) {
  return raw(zone) < cells.zone_names.size() ? cells.zone_names[raw(zone)]
                                             : fmt::format("zone-{}", raw(zone));
}

std::string cell_name(const CellsSpec& cells, std::uint32_t index) {
  return index < cells.names.size() ? cells.names[index] : fmt::format("cell-{}", index);
}

PlacementOptions placement_options(const TenantsSpec& tenants, std::uint64_t seed) {
  return PlacementOptions{.strategy = tenants.placement.value_or(Strategy::kRandom),
                          .max_overlap = tenants.max_overlap,
                          .zone_aware = tenants.zone_aware,
                          .seed = seed};
}

Status Scenario::validate() const {
  if (Status s = positive("until", until); !s.is_ok()) return s;
  if (Status s = positive("interval", interval); !s.is_ok()) return s;
  if (until / interval > kMaxIntervals) {
    return invalid_argument(
        fmt::format("until / interval ({} intervals) must not exceed {}: make interval longer",
                    until / interval, kMaxIntervals));
  }
  if (Status s = check_counts(*this); !s.is_ok()) return s;
  if (Status s = check_cells(cells); !s.is_ok()) return s;
  if (Status s = check_tenants(tenants, cells.count); !s.is_ok()) return s;
  if (Status s = check_workload(workload); !s.is_ok()) return s;
  if (Status s = check_script(workload, *this); !s.is_ok()) return s;
  if (Status s = check_router(router); !s.is_ok()) return s;
  if (Status s = positive("control_plane.publish_interval", control_plane.publish_interval);
      !s.is_ok()) {
    return s;
  }
  if (Status s = check_faults(faults, *this); !s.is_ok()) return s;
  if (Status s = check_growth(growth, *this); !s.is_ok()) return s;
  for (std::size_t i = 0; i < deployments.size(); ++i) {
    if (Status s = check_deployment(i, deployments[i], *this); !s.is_ok()) return s;
  }
  return check_event_count(*this);
}

}  // namespace cellkit::sim

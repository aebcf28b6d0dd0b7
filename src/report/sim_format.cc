// Formatting helpers for simulation reports.
#include "report/sim_format.h"

#include <variant>

#include <fmt/format.h>

#include "cellkit/report/number_style.h"

namespace cellkit {
namespace {

namespace timeline = sim::timeline;

// The zone's name as the cells table shows it ("zone-1", or the mapping's own name).
std::string zone_label(const sim::RunResult& r, ZoneId zone) {
  for (const sim::CellResult& c : r.cells)
    if (c.zone == zone) return c.zone_name;
  return fmt::format("zone-{}", raw(zone));
}

// One line per payload type, naming cells and tenants as the run's tables do.
struct Describe {
  const sim::RunResult& r;

  std::string cell(CellId id) const { return r.cells[raw(id)].name; }
  std::string tenant(TenantId id) const { return r.tenants[raw(id)].name; }

  std::string operator()(const timeline::CellCrashed& e) const {
    return fmt::format("{} crashed ({})", cell(e.cell), cause(e));
  }
  std::string operator()(const timeline::CellRestarted& e) const {
    return fmt::format("{} restarted", cell(e.cell));
  }
  std::string operator()(const timeline::FingerprintQuarantined& e) const {
    return fmt::format("poison fingerprint of {} quarantined for {}", tenant(e.tenant),
                       format_duration(e.duration));
  }
  std::string operator()(const timeline::ZoneDown& e) const {
    return fmt::format("{} down: its cells crash", zone_label(r, e.zone));
  }
  std::string operator()(const timeline::ZoneUp& e) const {
    return fmt::format("{} back", zone_label(r, e.zone));
  }
  std::string operator()(const timeline::ControlPlaneDown& e) const {
    return fmt::format("control plane down (last published version {})", e.version);
  }
  std::string operator()(const timeline::ControlPlaneUp&) const {
    return "control plane back: publishing again";
  }
  std::string operator()(const timeline::RouterRestarted& e) const {
    if (e.version == 0) return "router restarted with an empty table (no persisted snapshot)";
    return fmt::format("router restarted: serving persisted snapshot version {}", e.version);
  }
  std::string operator()(const timeline::TenantDown& e) const {
    return fmt::format("{} fully down: all its cells are down", tenant(e.tenant));
  }
  std::string operator()(const timeline::TenantRecovered& e) const {
    return fmt::format("{} has a live cell again", tenant(e.tenant));
  }
  std::string operator()(const timeline::WaveDeployed& e) const {
    return fmt::format("rollout wave {} deployed{}", e.wave, e.wave == 0 ? " (canary)" : "");
  }
  std::string operator()(const timeline::RolloutStopped& e) const {
    return fmt::format(
        "alarm after wave {}: error rate {:.2f}% over the bake; rollout stopped, "
        "updated cells rolled back",
        e.wave, 100.0 * e.error_rate);
  }
  std::string operator()(const timeline::RolloutCompleted& e) const {
    return fmt::format("rollout completed: {} waves baked without an alarm", e.last_wave + 1);
  }
  std::string operator()(const timeline::CellsAdded& e) const {
    return fmt::format("{} cell(s) added from {} on{}", e.count, cell(e.first),
                       e.utilization > 0 ? fmt::format(" (utilization {:.1f}% above the threshold)",
                                                       100.0 * e.utilization)
                                         : std::string(" (scheduled scale-out)"));
  }
  std::string operator()(const timeline::TenantsOnboarded& e) const {
    return fmt::format("{} tenant(s) onboarded from {} on", e.count, tenant(e.first));
  }
  std::string operator()(const timeline::TenantsRebalanced& e) const {
    return fmt::format("rebalance: {} move(s) onto the new cells committed", e.moves);
  }
  std::string operator()(const timeline::RebalanceNotPlanned& e) const {
    return fmt::format("rebalance onto the cells from {} on: no plan found; nothing moved",
                       cell(e.first_new));
  }
  std::string operator()(const timeline::MoveRefused& e) const {
    return fmt::format("rebalance: moving {} onto {} refused by the control plane",
                       tenant(e.tenant), cell(e.onto));
  }
  std::string operator()(const timeline::HealthNotRecorded& e) const {
    return fmt::format("control plane refused the health of {}", cell(e.cell));
  }
  std::string operator()(const timeline::SnapshotRefused& e) const {
    if (e.version == 0) return "restarted router could not decode its persisted snapshot";
    return fmt::format("restarted router refused its persisted snapshot version {}", e.version);
  }

  std::string cause(const timeline::CellCrashed& e) const {
    switch (e.cause) {
      case sim::CrashCause::kPoison:
        return fmt::format("poison request from {}", tenant(e.by));
      case sim::CrashCause::kScheduled:
        return "scheduled fault";
      case sim::CrashCause::kRandom:
        return "random failure";
      case sim::CrashCause::kZone:
        return fmt::format("{} outage", r.cells[raw(e.cell)].zone_name);
      case sim::CrashCause::kBadBuild:
        return "bad build";
      case sim::CrashCause::kNone:
        break;
    }
    return "unknown cause";
  }
};

}  // namespace

std::string format_ms(Duration d) {
  return fmt::format("{:.3f} ms", static_cast<double>(d.count()) / 1000.0);
}

std::string format_duration(Duration d) {
  const std::int64_t us = d.count();
  if (us == 0) return "0s";
  if (us < 1'000'000) return fmt::format("{:.1f}ms", static_cast<double>(us) / 1e3);
  if (us < 120'000'000) return fmt::format("{:.1f}s", static_cast<double>(us) / 1e6);
  const std::int64_t s = us / 1'000'000;
  if (s < 3600) return fmt::format("{}m {:02}s", s / 60, s % 60);
  return fmt::format("{}h {:02}m {:02}s", s / 3600, (s / 60) % 60, s % 60);
}

std::string format_clock(TimePoint t) {
  const std::int64_t ms = t.time_since_epoch().count() / 1000;
  return fmt::format("{:02}:{:02}:{:02}.{:03}", ms / 3'600'000, (ms / 60'000) % 60,
                     (ms / 1000) % 60, ms % 1000);
}

std::string shard_ids(const Shard& shard) {
  // Appended piece by piece: `"," + std::to_string(...)` made GCC 12's -O3 report a false
  // -Wrestrict in the release build.
  std::string s;
  for (CellId c : shard) {
    if (!s.empty()) s += ',';
    s += std::to_string(raw(c));
  }
  return s;
}

std::string describe(const sim::RunResult& r, const sim::TimelineEntry& e) {
  return std::visit(Describe{r}, e.what);
}

constexpr MetricText kMetricTexts[] = {
    {"availability", "availability", "Requests (share of arrivals)", MetricText::kShare},
    {"shed_share", "shed", "Requests (share of arrivals)", MetricText::kShare},
    {"no_healthy_cell_share", "no healthy cell", "Requests (share of arrivals)",
     MetricText::kShare},
    {"cell_crashed_share", "cell crashed", "Requests (share of arrivals)", MetricText::kShare},
    {"unknown_tenant_share", "unknown tenant", "Requests (share of arrivals)", MetricText::kShare},
    {"quarantined_share", "quarantined", "Requests (share of arrivals)", MetricText::kShare},
    {"timed_out_share", "timed out", "Requests (share of arrivals)", MetricText::kShare},
    {"cell_error_share", "cell error", "Requests (share of arrivals)", MetricText::kShare},
    {"latency_p50_ms", "p50 latency", "Latency of served requests", MetricText::kMs},
    {"latency_p99_ms", "p99 latency", "Latency of served requests", MetricText::kMs},
    {"latency_p999_ms", "p99.9 latency", "Latency of served requests", MetricText::kMs},
    {"mean_wait_ms", "mean queue wait", "Latency of served requests", MetricText::kMs},
    {"utilization", "mean utilisation", "Cells", MetricText::kShare},
    {"cells_crashed", "cells crashed", "Blast radius", MetricText::kCount},
    {"tenants_down", "tenants fully down", "Blast radius", MetricText::kCount},
    {"tenants_degraded", "tenants degraded", "Blast radius", MetricText::kCount},
};

MetricText metric_text(std::string_view name) {
  for (const MetricText& m : kMetricTexts)
    if (m.name == name) return m;
  return {name, name, "Other", MetricText::kCount};
}

std::pair<std::string, std::string> estimate_text(MetricText::Kind kind, const sim::Estimate& e) {
  switch (kind) {
    case MetricText::kShare:
      return {format_percent(e.mean), "± " + format_fixed(100.0 * e.half_width, 3)};
    case MetricText::kMs:
      return {format_fixed(e.mean, 3) + " ms", "± " + format_fixed(e.half_width, 3)};
    case MetricText::kCount:
      break;
  }
  return {format_measure(e.mean), "± " + format_measure(e.half_width)};
}

}  // namespace cellkit

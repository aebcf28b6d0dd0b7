// RunResult: what one simulation run measured, as a value the report module renders.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cellkit/base/ids.h"
#include "cellkit/base/time.h"
#include "cellkit/core/mapping.h"
#include "cellkit/core/request_attempts.h"
#include "cellkit/sim/latency_histogram.h"

namespace cellkit::sim {

// Every request ends in exactly one outcome: the core's (a bad build's errors are
// cell_error; the timeout is the workload's).
using Outcome = RequestOutcome;
inline constexpr std::size_t kOutcomeCount = kRequestOutcomeCount;

using OutcomeCounts = std::array<std::uint64_t, kOutcomeCount>;
std::uint64_t total(const OutcomeCounts& counts);

struct TenantResult {
  TenantId id{};
  std::string name;
  Shard shard;  // its cells when the run ended
  std::uint64_t arrivals = 0;
  OutcomeCounts outcomes{};
  Duration degraded_for{};  // time some but not all of its cells were down
  Duration down_for{};      // time all of its cells were down
  bool poison = false;      // sends poison requests

  std::uint64_t count(Outcome o) const { return outcomes[static_cast<std::size_t>(o)]; }
  // served / arrivals; 1 when it sent nothing.
  double availability() const;

  bool operator==(const TenantResult&) const = default;
};

struct CellResult {
  CellId id{};
  std::string name;
  ZoneId zone{};
  std::string zone_name;  // the scenario's name for the zone ("zone-<id>" unless named)
  std::uint64_t served = 0;
  std::uint64_t shed = 0;
  std::uint32_t crashes = 0;
  double utilization = 0;  // busy server time / (servers × run length)
  Duration down_for{};

  bool operator==(const CellResult&) const = default;
};

struct IntervalResult {
  TimePoint end{};
  std::uint64_t arrivals = 0;
  OutcomeCounts outcomes{};            // requests that ended in this interval
  std::uint32_t healthy_cells = 0;     // at the interval's end
  std::uint32_t tenants_down = 0;      // at the interval's end: all cells down
  std::uint32_t tenants_degraded = 0;  // at the interval's end: some cells down
  // Integrated over the interval, so an outage that starts and ends inside it still shows.
  // Summed over intervals they equal the run's totals: CellResult::down_for summed over
  // cells, BlastRadius::down_time and BlastRadius::degraded_time.
  Duration cell_down{};                  // summed over cells: time each cell was down
  Duration tenant_down{};                // summed over tenants: time all of its cells were down
  Duration tenant_degraded{};            // summed over tenants: time some but not all were down
  std::vector<double> cell_utilization;  // per cell in id order, over this interval
  // Arrival to answer of the requests served in this interval (0 when none was). Every served
  // request counts in exactly one interval, so the intervals' histograms make the run's.
  Duration latency_p50{};
  Duration latency_p99{};

  bool operator==(const IntervalResult&) const = default;
};

struct BlastRadius {
  std::uint32_t cells_crashed = 0;     // distinct cells that crashed at least once
  std::uint64_t crashes = 0;           // crashes in total
  std::uint32_t tenants_down = 0;      // tenants whose cells were all down at some time
  std::uint32_t tenants_degraded = 0;  // tenants that lost some cells but never all
  std::uint32_t tenants_untouched = 0;
  Duration down_time{};      // summed over tenants
  Duration degraded_time{};  // summed over tenants
  Duration longest_down{};   // the longest any one tenant was fully down (in total)

  bool operator==(const BlastRadius&) const = default;
};

enum class EventKind : std::uint8_t {
  kCellCrashed,  // `cell` crashed; `tenant` is the poison tenant when one did it
  kCellRestarted,
  kFingerprintQuarantined,  // `tenant`'s poison fingerprint, for `duration`
  kZoneDown,
  kZoneUp,
  kControlPlaneDown,
  kControlPlaneUp,
  kRouterRestarted,   // `version` is the table it serves after the restart (0: empty)
  kTenantDown,        // every cell of `tenant` is down
  kTenantRecovered,   // `tenant` has a live cell again
  kWaveDeployed,      // wave `wave` of a rollout reached its cells
  kRolloutStopped,    // the alarm fired after wave `wave` (`error_rate`); rolled back
  kRolloutCompleted,  // every wave baked without an alarm
  kCellsAdded,        // `count` cells from `cell` on joined the fleet (`error_rate`: utilization if
                      // automatic)
  kTenantsOnboarded,  // `count` tenants from `tenant` on were placed
  kTenantsRebalanced,  // `count` moves of the rebalance plan (a tenant's cell onto a new cell)
  // Expected failures, kept as data (each also counted in RunResult::refusals):
  kRebalanceNotPlanned,  // the planner found no plan onto the cells added from `cell` on
  kMoveRefused,          // the control plane refused to move `tenant` onto `cell`
  kHealthNotRecorded,    // the control plane refused the health of `cell`
  kSnapshotRefused,      // the restarted router refused its persisted snapshot (`version`; 0:
                         // unreadable)
};
std::string_view to_string(EventKind kind);

enum class CrashCause : std::uint8_t { kNone, kPoison, kScheduled, kRandom, kZone, kBadBuild };
std::string_view to_string(CrashCause cause);

// A notable moment of the run, for the timeline.
struct TimelineEntry {
  TimePoint time{};
  EventKind kind = EventKind::kCellCrashed;
  CellId cell{};
  TenantId tenant{};
  ZoneId zone{};
  CrashCause cause = CrashCause::kNone;
  std::uint64_t version = 0;
  Duration duration{};
  std::uint32_t wave = 0;
  double error_rate = 0;
  std::uint32_t count = 0;

  bool operator==(const TimelineEntry&) const = default;
};

// How often each expected failure happened (the timeline shows them when it has room).
struct Refusals {
  std::uint64_t rebalances_not_planned = 0;
  std::uint64_t moves_refused = 0;
  std::uint64_t health_not_recorded = 0;
  std::uint64_t snapshots_refused = 0;

  bool operator==(const Refusals&) const = default;
};

struct RunResult {
  std::string scenario;
  std::uint64_t seed = 0;
  Duration until{};
  Duration interval{};
  std::uint32_t servers_per_cell = 0;
  std::uint64_t arrivals = 0;
  OutcomeCounts outcomes{};
  std::uint64_t poison_requests = 0;  // poison requests sent
  LatencyHistogram latency;           // arrival to answer, served requests
  LatencyHistogram wait;              // time queued in the cell that served it
  std::vector<TenantResult> tenants;  // by id
  std::vector<CellResult> cells;      // by id
  std::vector<IntervalResult> intervals;
  BlastRadius blast;
  std::vector<TimelineEntry> timeline;  // in time order, at most kTimelineLimit
  std::uint64_t timeline_dropped = 0;   // entries beyond the limit
  Refusals refusals;                    // expected failures, counted
  std::uint64_t router_version = 0;     // the table version the router served at the end
  std::uint64_t events = 0;             // events processed
  std::uint64_t peak_pending_events = 0;
  std::uint64_t peak_in_flight = 0;     // requests in flight at once, at most
  std::uint64_t event_queue_bytes = 0;  // the event queue's storage at its largest
  std::uint64_t request_bytes = 0;      // in-flight request state at its largest

  std::uint64_t count(Outcome o) const { return outcomes[static_cast<std::size_t>(o)]; }
  double availability() const;  // served / arrivals; 1 when nothing arrived
  double mean_utilization() const;

  bool operator==(const RunResult&) const = default;
};

inline constexpr std::size_t kTimelineLimit = 2000;

}  // namespace cellkit::sim

// RunResult: what one simulation run measured, as a value the report module renders.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
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
  kCellCrashed,
  kCellRestarted,
  kFingerprintQuarantined,
  kZoneDown,
  kZoneUp,
  kControlPlaneDown,
  kControlPlaneUp,
  kRouterRestarted,
  kTenantDown,
  kTenantRecovered,
  kWaveDeployed,
  kRolloutStopped,
  kRolloutCompleted,
  kCellsAdded,
  kTenantsOnboarded,
  kTenantsRebalanced,
  // Expected failures, kept as data (each also counted in RunResult::refusals):
  kRebalanceNotPlanned,
  kMoveRefused,
  kHealthNotRecorded,
  kSnapshotRefused,
};
inline constexpr std::size_t kEventKindCount =
    static_cast<std::size_t>(EventKind::kSnapshotRefused) + 1;
std::string_view to_string(EventKind kind);

enum class CrashCause : std::uint8_t { kNone, kPoison, kScheduled, kRandom, kZone, kBadBuild };
std::string_view to_string(CrashCause cause);

// What each kind of timeline entry carries, one type per EventKind.
namespace timeline {
struct CellCrashed {
  CellId cell{};
  CrashCause cause = CrashCause::kNone;
  TenantId by{};  // the poison tenant, when one did it
  bool operator==(const CellCrashed&) const = default;
};
struct CellRestarted {
  CellId cell{};
  bool operator==(const CellRestarted&) const = default;
};
struct FingerprintQuarantined {
  TenantId tenant{};  // its poison fingerprint
  Duration duration{};
  bool operator==(const FingerprintQuarantined&) const = default;
};
struct ZoneDown {
  ZoneId zone{};
  bool operator==(const ZoneDown&) const = default;
};
struct ZoneUp {
  ZoneId zone{};
  bool operator==(const ZoneUp&) const = default;
};
struct ControlPlaneDown {
  std::uint64_t version = 0;  // the last version it published
  bool operator==(const ControlPlaneDown&) const = default;
};
struct ControlPlaneUp {
  bool operator==(const ControlPlaneUp&) const = default;
};
struct RouterRestarted {
  std::uint64_t version = 0;  // the table it serves after the restart; 0: empty
  bool operator==(const RouterRestarted&) const = default;
};
struct TenantDown {  // every cell of the tenant is down
  TenantId tenant{};
  bool operator==(const TenantDown&) const = default;
};
struct TenantRecovered {  // the tenant has a live cell again
  TenantId tenant{};
  bool operator==(const TenantRecovered&) const = default;
};
struct WaveDeployed {  // a rollout's wave reached its cells
  std::uint32_t wave = 0;
  bool operator==(const WaveDeployed&) const = default;
};
struct RolloutStopped {  // the alarm fired after `wave`; updated cells rolled back
  std::uint32_t wave = 0;
  double error_rate = 0;  // failed requests over those the wave's cells took in the bake
  bool operator==(const RolloutStopped&) const = default;
};
struct RolloutCompleted {  // every wave baked without an alarm
  std::uint32_t last_wave = 0;
  bool operator==(const RolloutCompleted&) const = default;
};
struct CellsAdded {  // `count` cells from `first` on joined the fleet
  CellId first{};
  std::uint32_t count = 0;
  double utilization = 0;  // the mean utilization that set off automatic scale-out; 0: scheduled
  bool operator==(const CellsAdded&) const = default;
};
struct TenantsOnboarded {  // `count` tenants from `first` on were placed
  TenantId first{};
  std::uint32_t count = 0;
  bool operator==(const TenantsOnboarded&) const = default;
};
struct TenantsRebalanced {
  std::uint32_t moves = 0;  // moves of the plan the control plane accepted
  bool operator==(const TenantsRebalanced&) const = default;
};
struct RebalanceNotPlanned {  // no plan onto the cells added from `first_new` on
  CellId first_new{};
  bool operator==(const RebalanceNotPlanned&) const = default;
};
struct MoveRefused {  // the control plane refused to move `tenant` onto `onto`
  TenantId tenant{};
  CellId onto{};
  bool operator==(const MoveRefused&) const = default;
};
struct HealthNotRecorded {  // the control plane refused the health of `cell`
  CellId cell{};
  bool operator==(const HealthNotRecorded&) const = default;
};
struct SnapshotRefused {      // the restarted router refused its persisted snapshot
  std::uint64_t version = 0;  // 0: it could not be decoded
  bool operator==(const SnapshotRefused&) const = default;
};
}  // namespace timeline

// In EventKind's order: an entry's kind is the index of its payload.
using TimelinePayload =
    std::variant<timeline::CellCrashed, timeline::CellRestarted, timeline::FingerprintQuarantined,
                 timeline::ZoneDown, timeline::ZoneUp, timeline::ControlPlaneDown,
                 timeline::ControlPlaneUp, timeline::RouterRestarted, timeline::TenantDown,
                 timeline::TenantRecovered, timeline::WaveDeployed, timeline::RolloutStopped,
                 timeline::RolloutCompleted, timeline::CellsAdded, timeline::TenantsOnboarded,
                 timeline::TenantsRebalanced, timeline::RebalanceNotPlanned, timeline::MoveRefused,
                 timeline::HealthNotRecorded, timeline::SnapshotRefused>;
static_assert(std::variant_size_v<TimelinePayload> == kEventKindCount);
namespace detail {
template <EventKind kind, class Payload>
inline constexpr bool kCarries =
    std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(kind), TimelinePayload>,
                   Payload>;
}  // namespace detail
static_assert(
    detail::kCarries<EventKind::kCellCrashed, timeline::CellCrashed> &&
        detail::kCarries<EventKind::kCellRestarted, timeline::CellRestarted> &&
        detail::kCarries<EventKind::kFingerprintQuarantined, timeline::FingerprintQuarantined> &&
        detail::kCarries<EventKind::kZoneDown, timeline::ZoneDown> &&
        detail::kCarries<EventKind::kZoneUp, timeline::ZoneUp> &&
        detail::kCarries<EventKind::kControlPlaneDown, timeline::ControlPlaneDown> &&
        detail::kCarries<EventKind::kControlPlaneUp, timeline::ControlPlaneUp> &&
        detail::kCarries<EventKind::kRouterRestarted, timeline::RouterRestarted> &&
        detail::kCarries<EventKind::kTenantDown, timeline::TenantDown> &&
        detail::kCarries<EventKind::kTenantRecovered, timeline::TenantRecovered> &&
        detail::kCarries<EventKind::kWaveDeployed, timeline::WaveDeployed> &&
        detail::kCarries<EventKind::kRolloutStopped, timeline::RolloutStopped> &&
        detail::kCarries<EventKind::kRolloutCompleted, timeline::RolloutCompleted> &&
        detail::kCarries<EventKind::kCellsAdded, timeline::CellsAdded> &&
        detail::kCarries<EventKind::kTenantsOnboarded, timeline::TenantsOnboarded> &&
        detail::kCarries<EventKind::kTenantsRebalanced, timeline::TenantsRebalanced> &&
        detail::kCarries<EventKind::kRebalanceNotPlanned, timeline::RebalanceNotPlanned> &&
        detail::kCarries<EventKind::kMoveRefused, timeline::MoveRefused> &&
        detail::kCarries<EventKind::kHealthNotRecorded, timeline::HealthNotRecorded> &&
        detail::kCarries<EventKind::kSnapshotRefused, timeline::SnapshotRefused>,
    "TimelinePayload lists one payload per EventKind, in the enum's order");

// A notable moment of the run, for the timeline.
struct TimelineEntry {
  TimePoint time{};
  TimelinePayload what;

  EventKind kind() const { return static_cast<EventKind>(what.index()); }
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

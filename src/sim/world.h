// The simulator's private state and event handlers (one World per run).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "cellkit/core/cell_names.h"
#include "cellkit/core/control_plane.h"
#include "cellkit/core/placement_ops.h"
#include "cellkit/core/request_attempts.h"
#include "cellkit/core/router_policy.h"
#include "cellkit/sim/distributions.h"
#include "cellkit/sim/event_queue.h"
#include "cellkit/sim/simulator.h"
#include "sim/cell_runtime.h"
#include "sim/control_loop.h"
#include "sim/downtime_ledger.h"
#include "sim/event_kinds.h"
#include "sim/faults.h"
#include "sim/request_slots.h"
#include "sim/rollouts.h"
#include "sim/timeline.h"

namespace cellkit::sim {

// What a tenant sent and what became of it (its health is the DowntimeLedger's).
struct TenantTraffic {
  std::uint64_t arrivals = 0;
  OutcomeCounts outcomes{};
};

struct PoisonRuntime {
  TenantId tenant{};
  double probability = 0;
  std::uint64_t limit = 0;
  std::uint64_t sent = 0;
  Random random;
};

// Delivers snapshots to the router and, like a router's disk, keeps the bytes of the last
// one it accepted.
class PersistingPublisher final : public SnapshotPublisher {
 public:
  PersistingPublisher(Router& router, bool persist) : router_(router), persist_(persist) {}
  void publish(const RoutingSnapshot& snapshot) override;
  const std::vector<std::byte>& persisted() const { return bytes_; }

 private:
  Router& router_;
  bool persist_;
  std::vector<std::byte> bytes_;
};

class World {
 public:
  World(const Scenario& scenario, std::uint64_t seed, const RunOptions& options);
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Status set_up();  // places the tenants, installs the cells, schedules the faults
  void run();
  RunResult finish();

 private:
  // Setting up: placement, cells, tenant index, scripted faults.
  Status place_tenants();
  void set_up_cells();
  void install_cell();
  void index_tenants();
  void schedule_faults();
  // The request path: arrivals, routing through the request-attempt seam, service.
  void on_arrival();
  void on_scripted_arrival(std::uint32_t index);
  SlotId admit(TenantId tenant, bool poison);
  bool draw_poison(TenantId tenant);
  void dispatch(SlotId slot);
  bool deliver(SlotId slot);
  void start_service(CellId cell, SlotId slot);
  void on_service_done(const Event& e);
  void pull_next(CellId cell);
  void crash_under(SlotId slot, CrashCause cause);
  void lose_request(SlotId slot);
  void after_crash(SlotId slot, const Verdict& verdict);
  void end_attempt(SlotId slot, AttemptResult result);
  void end_request(SlotId slot, Outcome outcome);
  std::uint64_t fingerprint(const Slot& slot) const;
  // What requests decide with: the router's table and health view, the quarantine, the
  // policy. Built at each use (references only) so the inlined request path reads the
  // members directly instead of through a stored context.
  [[gnu::always_inline]] auto decider() { return router_context(router_, quarantine_, policy_); }
  void update_busy(CellRuntime& cell) { cell.update_busy(now_, end_); }
  // Events other than a request's two: faults (to faults_), the control loop, health
  // checks, publishing, samples, deployments, growth.
  void handle(const Event& e);
  void on_health_check();
  void on_publish();
  void on_sample();
  void close_interval_latency(IntervalResult& sample);
  void note(const TimelinePayload& what) { timeline_.note(now_, what); }
  // Growth: new cells, onboarding, automatic scaling, rebalancing onto new cells.
  void add_cells(std::uint32_t count, double utilization);
  void onboard(std::uint32_t count);
  void rebuild_tenant_choice();
  void maybe_auto_scale(double utilization);
  Placement current_placement() const;
  void rebalance_onto_new_cells(const Placement& before, CellId first_new);
  // The result: per-tenant and per-cell figures and the blast radius.
  void close_run();
  TenantResult tenant_result(TenantId id) const;
  CellResult cell_result(CellId id) const;
  BlastRadius blast_radius() const;

  TimePoint clamp(TimePoint t) const { return t < end_ ? t : end_; }
  void set_rate(double rate) {
    rate_ = rate;
    mean_gap_us_ = rate > 0 ? 1e6 / rate : 0;
  }

  const Scenario& scenario_;
  const RunOptions& options_;
  const RouterPolicy policy_;
  const TimePoint end_;
  std::uint64_t seed_;
  std::uint64_t placement_seed_;
  Random root_;
  Random workload_;
  Router router_;
  PersistingPublisher publisher_;
  ControlPlane control_;
  PoisonQuarantine quarantine_;
  EventQueue queue_;
  AliasTable tenant_choice_;
  std::vector<CellRuntime> cells_;
  // Names for cells past the scenario's names, kept up to date cell by cell (built from the
  // fleet for each added cell, naming n cells cost O(n²)).
  std::optional<AddedCellNames> added_names_;
  std::vector<TenantTraffic> traffic_;  // by tenant id
  std::vector<PoisonRuntime> poison_;
  RequestSlots slots_;
  std::vector<IntervalResult> intervals_;
  IntervalResult current_;
  // Served latency of the current interval and of the last one closed (for requests that end
  // while draining after the last sample); both go into result_.latency when closed.
  LatencyHistogram interval_latency_;
  LatencyHistogram last_interval_latency_;
  Timeline timeline_;
  DowntimeLedger ledger_;
  Rollouts rollouts_;
  ControlLoop control_loop_;
  Faults faults_;
  RunResult result_;
  TimePoint now_{};
  // The arrival clock, in microseconds as a double: the exponential gaps (a few microseconds
  // at high rates) add up unrounded, and only the event time is rounded. Rounding each gap
  // instead would bias the arrival rate by up to half a microsecond a gap.
  double next_arrival_us_ = 0;
  double rate_ = 0;         // requests per second now (grows with onboarding)
  double mean_gap_us_ = 0;  // 1e6 / rate_: the mean time between arrivals
};

}  // namespace cellkit::sim

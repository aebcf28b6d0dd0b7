// Faults in a run: cells crashing (at random, on schedule, with their zone, or under a
// request) and restarting, and the router restarting from the snapshot it persisted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "cellkit/base/ids.h"
#include "cellkit/base/time.h"
#include "cellkit/core/router.h"
#include "cellkit/sim/event_queue.h"
#include "cellkit/sim/run_result.h"
#include "cellkit/sim/scenario.h"
#include "sim/cell_runtime.h"
#include "sim/downtime_ledger.h"
#include "sim/request_slots.h"
#include "sim/timeline.h"

namespace cellkit::sim {

// Takes cells down and brings them back: their servers and queues, the downtime ledger, the
// timeline and the restart events. A crash decides nothing about the requests it takes down:
// it hands each to `lose_request`, the request path's (a bystander the router did not see
// die), and goes on with the next only when that returns.
class Faults {
 public:
  using LoseRequest = std::function<void(SlotId)>;

  // Reads the scenario's `cells` and `faults`; changes `cells`, pushes restarts and random
  // crashes onto `queue`, reads `slots` to find the requests in service at a cell, notes on
  // `timeline` and `ledger`. All of them must outlive this; `end` is the run's end.
  Faults(const CellsSpec& spec, const FaultsSpec& faults, TimePoint end,
         std::vector<CellRuntime>& cells, EventQueue& queue, const RequestSlots& slots,
         Timeline& timeline, DowntimeLedger& ledger, LoseRequest lose_request);

  // `cell` crashes at `now` for `down` (`by`: the poison tenant, when one did it). A cell
  // already down stays down until the later of its two restarts.
  void crash(CellId cell, Duration down, CrashCause cause, TenantId by, TimePoint now);
  // The scenario's crash number `index` strikes at `now`.
  void scheduled_crash(std::uint32_t index, TimePoint now);
  // `cell`'s random crash at `now`: down for an exponential repair time when it is up; the
  // next random crash an exponential time after it is back.
  void random_crash(CellId cell, TimePoint now);
  // `cell`'s restart event at `now`; ignored when a later crash extended its downtime.
  void restart(CellId cell, TimePoint now);
  // The scenario's zone outage number `index` begins (every cell of the zone crashes for
  // its duration) or ends at `now`.
  void zone_down(std::uint32_t index, TimePoint now);
  void zone_up(std::uint32_t index, TimePoint now);
  // The router restarts at `now` with nothing but `persisted` (a snapshot's bytes, or none):
  // it serves that snapshot when it decodes and validates, and assumes every cell healthy.
  void restart_router(Router& router, std::span<const std::byte> persisted, TimePoint now);

  // Persisted snapshots a restarted router refused.
  std::uint64_t snapshots_refused() const { return snapshots_refused_; }

 private:
  std::vector<SlotId> in_service_at(CellId cell) const;

  const CellsSpec& spec_;
  const FaultsSpec& faults_;
  TimePoint end_;
  std::vector<CellRuntime>& cells_;
  EventQueue& queue_;
  const RequestSlots& slots_;
  Timeline& timeline_;
  DowntimeLedger& ledger_;
  LoseRequest lose_request_;
  std::uint64_t snapshots_refused_ = 0;
};

}  // namespace cellkit::sim

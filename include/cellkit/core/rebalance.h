// Rebalance planner: an ordered plan of single-cell moves from a placement to a changed fleet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/placement_ops.h"

namespace cellkit {

// Tenant `tenant` stops using cell `from` and uses `to` instead, in the same shard position.
struct Move {
  TenantId tenant{};
  CellId from{};
  CellId to{};

  bool operator==(const Move&) const = default;
};

struct RebalanceOptions {
  // Plan at most this many moves: the plan's best prefix (required moves come first).
  std::size_t max_moves = std::numeric_limits<std::size_t>::max();
  // Told the share of planning done in steps of one tenant, 3 per tenant (index the
  // shards, empty the cells that must empty, fill the new cells; rendezvous: every tenant's
  // new shard counts 3). No effect on the plan.
  Progress progress;
};

// A new cell that the plan leaves below its fair share, and why no further move was found.
struct Shortfall {
  CellId cell{};
  std::uint64_t load = 0;        // its load after the plan
  std::uint64_t fair_share = 0;  // what it was filled toward
  std::string reason;            // e.g. "every tenant that could move there would break ..."

  bool operator==(const Shortfall&) const = default;
};

struct RebalancePlan {
  std::vector<Move> moves;
  std::size_t required = 0;  // moves off cells that must empty (drained, removed, over capacity)
  std::uint64_t unfinished = 0;       // load still on such cells when the plan stops (max_moves)
  std::vector<Shortfall> shortfalls;  // new cells below their fair share, by cell id
  // Of `required`: moves of tenants aside, off cells that stay, to clear the way for a tenant
  // leaving a cell that must empty (chains of moves under an overlap limit). The other
  // required − clearing moves take tenants off the cells that must empty.
  std::size_t clearing = 0;

  bool operator==(const RebalancePlan&) const = default;
};

// Plans the moves from `current` to the fleet `target`: the same cells with some added,
// removed (absent), set draining or disabled, or with changed capacity.
//  1. Cells absent from `target`, not active there, or above their capacity shed tenants to
//     the least-loaded active cells that fit (same zone first when zone-aware).
//  2. Cells new in `target` take tenants from the most-loaded cells until they reach the
//     fair share (floor of load / cells, per zone when zone-aware). Old cells only shed.
//     A new cell left below its share (no tenant could move there) is listed in
//     `shortfalls` with the reason.
// Every move keeps capacity and, under `shuffle`, the overlap limit: the plan may be stopped
// after any move. Fails with kResourceExhausted, naming the tenant and cell, when a tenant
// on a cell that must empty fits nowhere.
Result<RebalancePlan> plan_rebalance(const Placement& current, const Fleet& target,
                                     const RebalanceOptions& options = {});

// Applies the first `count` moves of the plan (all by default). The result's fleet is
// `target`, plus any absent cell still named by a shard, kept as draining.
Result<Placement> apply_plan(const Placement& current, const Fleet& target,
                             const RebalancePlan& plan,
                             std::size_t count = std::numeric_limits<std::size_t>::max());

// What replaying a plan move by move found. A plan from plan_rebalance has zeros in every
// violation count; this re-checks it independently (and checks plans from elsewhere).
struct PlanCheck {
  std::size_t moves = 0;
  std::size_t invalid_moves = 0;         // tenant without `from`, or `to` already in its shard
  std::size_t tenants_moved_twice = 0;   // moves of a tenant already moved by the plan
  std::size_t tenants_moving_again = 0;  // distinct tenants with more than one move
  std::size_t capacity_violations = 0;   // moves after which `to` exceeds its capacity
  std::size_t overlap_violations = 0;    // moves after which (under shuffle) two tenants share
                                         // more than max_overlap cells
  std::size_t moves_into_old_cells = 0;  // moves into cells that `current` already had

  bool operator==(const PlanCheck&) const = default;
};

PlanCheck check_plan(const Placement& current, const Fleet& target, const RebalancePlan& plan);

}  // namespace cellkit

// The planner's fill of new cells against a scan-based model of the rule rebalance.h states.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cellkit/core/rebalance.h"
#include "cellkit/core/strategies.h"
#include "core/placement_test_support.h"
#include "core/rebalance_test_support.h"

namespace cellkit {
namespace {

using namespace testing_support;

// The fill, by scanning everything at every step: rounds over the new placeable cells (by id)
// until a round moves nothing or `room` moves are made. A receiver below its group's fair
// share (floor of the placeable cells' load over their count, per zone when zone-aware,
// taken when the fill starts) tries the old placeable cells of its group above the share,
// most loaded first, the lowest id among equals, except those that failed it before. The
// first with a tenant that can move there (tenants not moved yet first, then the others, by
// id) gives it; a donor with none has failed the receiver for the rest of the plan.
class FillModel {
 public:
  FillModel(const Placement& before, const Fleet& target, const Mapping& after_shed,
            std::set<TenantId> moved)
      : before_(before), target_(target), moved_(std::move(moved)) {
    for (const Tenant& t : before.tenants)
      weight_[t.id] = t.weight;
    for (const auto& [tenant, shard] : after_shed)
      shards_[tenant] = shard;
    for (CellId c : target.placeable_cells()) {
      sum_[group(c)] += load(c);
      ++count_[group(c)];
    }
  }

  void fill(std::size_t room) {
    std::vector<CellId> receivers;
    for (CellId c : target_.placeable_cells()) {
      if (!before_.fleet.contains(c)) receivers.push_back(c);
    }
    std::map<CellId, std::set<CellId>> failed;
    bool progress = true;
    while (progress && moves.size() < room) {
      progress = false;
      for (CellId r : receivers) {
        if (moves.size() >= room) break;
        if (load(r) >= share(r)) continue;
        for (CellId d : donors(r)) {
          if (failed[r].count(d) > 0) continue;
          if (move_one(d, r)) {
            progress = true;
            break;
          }
          failed[r].insert(d);
          ++failures;
        }
      }
    }
    for (CellId r : receivers) {
      if (load(r) < share(r)) short_cells.emplace_back(r, load(r), share(r));
    }
  }

  std::vector<Move> moves;
  std::vector<std::tuple<CellId, std::uint64_t, std::uint64_t>> short_cells;
  std::size_t failures = 0;  // (receiver, donor) pairs that failed

 private:
  std::uint16_t group(CellId c) const {
    return before_.options.zone_aware ? raw(target_.cell(c).zone) : 0;
  }
  std::uint64_t share(CellId c) { return sum_[group(c)] / count_[group(c)]; }
  std::uint32_t cap(CellId c) const {
    const std::uint32_t own = target_.cell(c).capacity;
    return own != 0 ? own : before_.options.capacity;
  }
  std::uint64_t load(CellId c) const {
    std::uint64_t sum = 0;
    for (const auto& [tenant, shard] : shards_)
      sum += std::count(shard.begin(), shard.end(), c) * weight_.at(tenant);
    return sum;
  }

  std::vector<CellId> donors(CellId r) {
    std::vector<CellId> found;
    for (CellId d : target_.placeable_cells()) {
      if (before_.fleet.contains(d) && group(d) == group(r) && load(d) > share(r))
        found.push_back(d);
    }
    std::stable_sort(found.begin(), found.end(),
                     [&](CellId a, CellId b) { return load(a) > load(b); });
    return found;
  }

  // Tenant t leaving d for r keeps r at or below its share and capacity and, under an
  // overlap limit, shares at most m cells with every other tenant.
  bool fits(TenantId t, CellId d, CellId r) {
    Shard wanted = shards_.at(t);
    if (std::find(wanted.begin(), wanted.end(), r) != wanted.end()) return false;
    const std::uint64_t w = weight_.at(t);
    if (load(r) + w > share(r)) return false;
    if (cap(r) != 0 && load(r) + w > cap(r)) return false;
    if (!limits_overlap(before_.options)) return true;
    std::replace(wanted.begin(), wanted.end(), d, r);
    return !another_shares_more(shards_, t, wanted, before_.options.max_overlap);
  }

  bool move_one(CellId d, CellId r) {
    for (const bool allow_moved : {false, true}) {
      for (auto& [t, shard] : shards_) {
        if (std::find(shard.begin(), shard.end(), d) == shard.end()) continue;
        if (moved_.count(t) > 0 && !allow_moved) continue;
        if (!fits(t, d, r)) continue;
        std::replace(shard.begin(), shard.end(), d, r);
        moved_.insert(t);
        moves.push_back({t, d, r});
        return true;
      }
    }
    return false;
  }

  const Placement& before_;
  const Fleet& target_;
  std::set<TenantId> moved_;
  std::map<TenantId, std::uint32_t> weight_;
  std::map<TenantId, Shard> shards_;
  std::map<std::uint16_t, std::uint64_t> sum_, count_;
};

// The inputs of one case: a placement, the fleet grown by `new_cells` and changed, max_moves.
struct FillCase {
  std::uint16_t zones = 1;
  std::uint32_t cells = 2;
  std::uint32_t shard_size = 2;
  PlacementOptions options;
  std::vector<std::uint32_t> weights;  // one tenant each
  std::uint32_t new_cells = 1;
  std::map<std::uint32_t, std::uint32_t> capacity;  // by raw cell id, old and new cells
  std::optional<std::uint32_t> drained;
  std::size_t max_moves = std::numeric_limits<std::size_t>::max();
};

// The moves after the required ones (those of the cells that must empty, replayed first)
// are the model's, and so are the new cells left short.
void check_fill(const FillCase& f) {
  std::vector<Tenant> tenants =
      tenants_of(static_cast<std::uint32_t>(f.weights.size()), f.shard_size);
  for (std::size_t i = 0; i < tenants.size(); ++i)
    tenants[i].weight = f.weights[i];
  PlaceReport report;
  const Result<Placement> placed = place(fleet_of(f.cells, f.zones), tenants, f.options, &report);
  RC_PRE(placed.is_ok());
  const Placement& p = *placed;
  Fleet target = with_new_cells(p.fleet, f.new_cells, f.zones);
  for (const auto& [cell, capacity] : f.capacity)
    target.cell(CellId{cell}).capacity = capacity;
  if (f.drained) target.cell(CellId{*f.drained}).state = CellState::kDraining;
  const Result<RebalancePlan> plan = plan_rebalance(p, target, {.max_moves = f.max_moves});
  RC_PRE(plan.is_ok());

  const Placement after_shed = *apply_plan(p, target, *plan, plan->required);
  std::set<TenantId> moved;
  for (std::size_t i = 0; i < plan->required; ++i)
    moved.insert(plan->moves[i].tenant);
  FillModel model(p, target, after_shed.mapping, moved);
  const std::size_t room = f.max_moves > plan->required ? f.max_moves - plan->required : 0;
  model.fill(room);
  const std::vector<Move> fill(plan->moves.begin() + static_cast<std::ptrdiff_t>(plan->required),
                               plan->moves.end());
  RC_ASSERT(fill == model.moves);
  std::vector<std::tuple<CellId, std::uint64_t, std::uint64_t>> short_cells;
  for (const Shortfall& s : plan->shortfalls) {
    short_cells.emplace_back(s.cell, s.load, s.fair_share);
    RC_ASSERT((s.reason == "the plan stopped at max_moves") == (model.moves.size() >= room));
  }
  RC_ASSERT(short_cells == model.short_cells);
  RC_CLASSIFY(model.failures > 0, "a donor failed a receiver");
  RC_CLASSIFY(!model.short_cells.empty(), "a new cell short");
  RC_CLASSIFY(plan->required > 0, "required moves first");
  RC_CLASSIFY(limits_overlap(f.options) && f.options.max_overlap > 1, "max_overlap > 1");
}

// Random fleets (zoned or not), shard sizes 2-4, weights, default and per-cell capacities,
// overlap limits 0-2, a drained cell and a max_moves now and then, grown by a few cells.
RC_GTEST_PROP(RebalanceFill, TheFillIsTheScanOfTheDonorsInOrder, ()) {
  FillCase f;
  f.zones = *rc::gen::inRange<std::uint16_t>(1, 4);
  f.cells = *rc::gen::inRange<std::uint32_t>(f.zones * 2, 14);
  f.shard_size = *rc::gen::inRange<std::uint32_t>(2, 5);
  f.options = {
      .strategy = *rc::gen::element(Strategy::kRandom, Strategy::kLeastLoaded, Strategy::kShuffle,
                                    Strategy::kShuffle),
      .max_overlap = std::min(*rc::gen::element<std::uint32_t>(0, 1, 2, 2), f.shard_size - 1),
      .zone_aware = f.zones > 1 && *rc::gen::arbitrary<bool>(),
      .seed = *rc::gen::arbitrary<std::uint64_t>(),
      .capacity = *rc::gen::element<std::uint32_t>(0, 0, 12, 30)};
  f.weights.resize(*rc::gen::inRange<std::size_t>(1, 50));
  for (std::uint32_t& w : f.weights)
    w = *rc::gen::element<std::uint32_t>(1, 1, 1, 2, 3, 7);
  f.new_cells = *rc::gen::inRange<std::uint32_t>(1, 5);
  for (std::uint32_t c = 0; c < f.cells; ++c) {
    if (*rc::gen::inRange(0, 5) == 0) f.capacity[c] = *rc::gen::element<std::uint32_t>(6, 15, 40);
  }
  for (std::uint32_t c = f.cells; c < f.cells + f.new_cells; ++c) {
    if (*rc::gen::inRange(0, 3) == 0) f.capacity[c] = *rc::gen::element<std::uint32_t>(2, 5, 9);
  }
  if (*rc::gen::inRange(0, 4) == 0) f.drained = *rc::gen::inRange<std::uint32_t>(0, f.cells);
  if (*rc::gen::inRange(0, 5) == 0) f.max_moves = *rc::gen::inRange<std::size_t>(1, 30);
  check_fill(f);
}

// A case the property finds about once in a thousand: a donor fails a new cell under the
// overlap limit, other moves then clear the way, and the planner still does not try that
// donor again for that cell (it did so before the donor queue, and the model does).
RC_GTEST_PROP(RebalanceFill, ADonorThatFailedANewCellIsNotTriedForItAgain, ()) {
  check_fill({.zones = 2,
              .cells = 9,
              .shard_size = 3,
              .options = {.strategy = Strategy::kShuffle,
                          .max_overlap = 2,
                          .zone_aware = true,
                          .seed = 6202011255,
                          .capacity = 30},
              .weights = {1, 7, 1, 1, 1, 1, 2, 1, 1, 1, 2, 3, 3},
              .new_cells = 3,
              .capacity = {{0, 40}, {5, 6}, {10, 9}, {11, 5}},
              .max_moves = 6});
}

}  // namespace
}  // namespace cellkit

// The rebalance planner: shed tenants from cells that must empty, then fill new cells.
#include "cellkit/core/rebalance.h"
#include "cellkit/base/cut.h"

#include <algorithm>
#include <cassert>
#include <optional>
#include <unordered_set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/donor_queue.h"
#include "core/placement_state.h"
#include "core/pooled_strategy.h"

namespace cellkit {
namespace {

constexpr std::uint64_t kNoCell = ~std::uint64_t{0};
// Bound the chains of moves a drain may try: levels of tenants moved aside, and cells tried
// over the whole plan.
constexpr int kChainDepth = 3;
constexpr std::size_t kChainTries = 200'000;

std::optional<std::uint32_t> overlap_limit(const PlacementOptions& o) {
  return limits_overlap(o) ? std::optional<std::uint32_t>(o.max_overlap) : std::nullopt;
}

// The planner's mutable view: shards by tenant position, holders by cell, live loads.
class Planner {
 public:
  Planner(const Placement& current, const Fleet& target, std::size_t max_moves)
      : current_(current),
        target_(target),
        pools_(CellPools::build(target, current.options.capacity)),
        state_(overlap_limit(current.options)),
        max_moves_(max_moves) {
    for (const Tenant& t : current.tenants) {
      const Shard& shard = current.mapping.shard(t.id);
      const auto pos = static_cast<std::uint32_t>(tenants_.size());
      tenants_.push_back(&t);
      shards_.push_back(shard);
      if (!broken_ && !fits_recorded(shard)) broken_ = pos;
      state_.add(t.id, shard, t.weight);
      for (CellId c : shard)
        holders_of(c).push_back(pos);
    }
    moved_.assign(tenants_.size(), false);
    for (CellId c : pools_.all) {
      if (raw(c) >= new_cells_.size()) new_cells_.resize(raw(c) + 1, false);
      new_cells_[raw(c)] = !current_.fleet.contains(c);
    }
  }

  // An error naming two tenants that share more cells than the mapping's recorded
  // max_overlap allows (the planner would keep a limit the mapping already breaks).
  Status check_recorded_overlap() const {
    if (!broken_) return Status::ok();
    const std::uint32_t b = *broken_;
    const std::uint32_t m = current_.options.max_overlap;
    for (std::uint32_t a = 0; a < b; ++a) {
      std::vector<std::string> shared;
      for (CellId c : shards_[a]) {
        const Shard& other = shards_[b];
        if (std::find(other.begin(), other.end(), c) != other.end())
          shared.push_back(fmt::format("'{}'", cut(current_.fleet.cell(c).name)));
      }
      if (shared.size() <= m) continue;
      return invalid_argument(fmt::format(
          "tenants '{}' and '{}' share {} cells ({}), more than the mapping's max_overlap {}: "
          "the mapping already breaks the overlap limit it records, so no plan can keep it",
          cut(tenants_[a]->name), cut(tenants_[b]->name), shared.size(), fmt::join(shared, ", "),
          m));
    }
    return Status::ok();
  }

  Status shed_all() {
    for (const Cell& c : current_.fleet.cells()) {
      if (Status s = shed(c.id); !s.is_ok()) return s;
    }
    for (const Cell& c : current_.fleet.cells())
      unfinished_ += excess(c.id);
    return Status::ok();
  }

  void fill_new_cells() {
    compute_shares();
    queue_donors();
    std::vector<CellId> receivers;
    for (CellId c : pools_.all) {
      if (is_new(c)) receivers.push_back(c);
    }
    std::vector<std::vector<bool>> exhausted(receivers.size());
    bool progress = true;
    while (progress && !full()) {
      progress = false;
      for (std::size_t i = 0; i < receivers.size() && !full(); ++i) {
        progress = fill_one(receivers[i], exhausted[i]) || progress;
      }
    }
    for (CellId r : receivers) {
      const std::uint64_t share = fair_share(r);
      if (state_.load(r) < share) {
        shortfalls_.push_back({r, state_.load(r), share,
                               full() ? "the plan stopped at max_moves" : why_short(r, share)});
      }
    }
  }

  RebalancePlan plan() && {
    return {std::move(moves_), required_, unfinished_, std::move(shortfalls_), clearing_};
  }

 private:
  bool full() const { return moves_.size() >= max_moves_; }
  // Placeable in the target and absent from the current fleet. Requires a pool cell.
  bool is_new(CellId c) const { return new_cells_[raw(c)]; }

  // Under an overlap limit: true when the shard shares at most m cells with every shard
  // recorded so far (each (m+1)-subset is checked once, through its last cell).
  bool fits_recorded(const Shard& shard) const {
    if (!state_.bounded()) return true;
    for (std::size_t i = 1; i < shard.size(); ++i) {
      if (!state_.fits_with(std::span<const CellId>(shard.data(), i), shard[i])) return false;
    }
    return true;
  }

  std::vector<std::uint32_t>& holders_of(CellId c) {
    if (raw(c) >= holders_.size()) holders_.resize(raw(c) + 1);
    return holders_[raw(c)];
  }

  // How much load the cell must lose: all of it when it leaves or stops taking tenants,
  // else what exceeds its capacity in the target fleet.
  std::uint64_t excess(CellId c) const {
    const Cell* t = target_.find_cell(c);
    if (t == nullptr || t->state != CellState::kActive) return state_.load(c);
    const std::uint32_t cap = pools_.cap(c);
    return (cap != 0 && state_.load(c) > cap) ? state_.load(c) - cap : 0;
  }

  // Moves tenants off `c` until its excess is gone. A tenant that fits nowhere is passed
  // over (a cell above capacity may shed others instead); the first one is named when the
  // excess cannot be shed.
  Status shed(CellId c) {
    const std::vector<std::uint32_t> holders = holders_of(c);
    std::optional<std::uint32_t> first_stuck;
    for (std::uint32_t pos : holders) {
      if (excess(c) == 0 || full()) return Status::ok();
      const std::uint64_t to = destination(pos, c);
      if (to == kNoCell) {
        if (chain(pos, c)) continue;
        if (!first_stuck) first_stuck = pos;
        continue;
      }
      move(pos, c, CellId{static_cast<std::uint32_t>(to)});
      ++required_;
    }
    if (excess(c) > 0 && !full() && first_stuck) return stuck(*first_stuck, c);
    return Status::ok();
  }

  // Moves in steps when no cell takes the tenant directly (relocate, kChainDepth levels).
  bool chain(std::uint32_t pos, CellId from) {
    if (!state_.bounded()) return false;
    const std::size_t mark = moves_.size();
    if (!relocate(pos, from, {}, kChainDepth)) return false;
    required_ += moves_.size() - mark;
    clearing_ += moves_.size() - mark - 1;  // all but the tenant's own last move
    return true;
  }

  // Moves the tenant off `from` to a cell x outside `avoid`. When tenants are in the way
  // (each sharing exactly m + 1 cells with the new shard, none on a cell it must leave;
  // they may have moved already, so a chain may move a tenant again), each is first
  // relocated the same way, `depth` levels down, off one of those cells and outside the new
  // shard; every single move keeps capacity and the limit. Moves that lead nowhere are undone;
  // kChainTries bounds the cells tried over the whole plan.
  bool relocate(std::uint32_t pos, CellId from, const Shard& avoid, int depth) {
    const Shard rest = without(shards_[pos], from);
    for (CellId x : pools_.all) {
      if (chain_tries_ >= kChainTries) return false;
      if (std::find(avoid.begin(), avoid.end(), x) != avoid.end()) continue;
      if (!can_take(pos, rest, from, x)) continue;
      ++chain_tries_;
      if (!fits(pos, rest, x) && (depth == 0 || !clear_way(pos, rest, x, avoid, depth))) continue;
      was_moved_.resize(moves_.size() + 1);
      was_moved_[moves_.size()] = moved_[pos];
      move(pos, from, x);
      return true;
    }
    return false;
  }

  // Relocates every tenant in the way of rest ∪ {x}; on failure undoes what it moved.
  bool clear_way(std::uint32_t pos, const Shard& rest, CellId x, const Shard& avoid, int depth) {
    Shard wanted = rest;
    wanted.push_back(x);
    const std::optional<std::vector<std::uint32_t>> blockers = blockers_of(pos, wanted, x);
    if (!blockers) return false;
    Shard keep_out = avoid;
    keep_out.insert(keep_out.end(), wanted.begin(), wanted.end());
    const std::size_t mark = moves_.size();
    for (std::uint32_t b : *blockers) {
      if (step_aside(b, wanted, keep_out, depth - 1)) continue;
      undo_to(mark);
      return false;
    }
    if (fits(pos, rest, x)) return true;
    undo_to(mark);
    return false;
  }

  // Relocates tenant b off one of its cells in `wanted`.
  bool step_aside(std::uint32_t b, const Shard& wanted, const Shard& keep_out, int depth) {
    for (CellId y : Shard(shards_[b])) {
      if (std::find(wanted.begin(), wanted.end(), y) == wanted.end()) continue;
      if (relocate(b, y, keep_out, depth)) return true;
    }
    return false;
  }

  // Takes back the moves after the first `mark` (chain moves: each undone by the move back,
  // both then dropped, and the tenant's moved flag restored).
  void undo_to(std::size_t mark) {
    while (moves_.size() > mark) {
      const Move m = moves_.back();
      const bool was_moved = was_moved_[moves_.size() - 1];
      const auto pos = position_of(m.tenant);
      move(pos, m.to, m.from);
      moves_.resize(moves_.size() - 2);
      moved_[pos] = was_moved;
    }
  }

  std::uint32_t position_of(TenantId id) const {
    auto it = std::lower_bound(tenants_.begin(), tenants_.end(), id,
                               [](const Tenant* t, TenantId i) { return t->id < i; });
    return static_cast<std::uint32_t>(it - tenants_.begin());
  }

  // Room and zone balance for the tenant at `pos` taking x in place of `from` (the overlap
  // limit aside).
  bool can_take(std::uint32_t pos, const Shard& rest, CellId from, CellId x) const {
    const Shard& shard = shards_[pos];
    if (std::find(shard.begin(), shard.end(), x) != shard.end()) return false;
    if (!state_.has_room(x, pools_.cap(x), tenants_[pos]->weight)) return false;
    const bool other_zone =
        current_.options.zone_aware && pools_.zone_of[raw(x)] != zone_index(from);
    return !other_zone || balanced(rest, x);
  }

  // The tenants other than `pos` sharing more than m cells with `wanted`, or nothing when
  // one shares more than m + 1 or must leave a cell in this plan (moving it aside would not
  // empty that cell). Only
  // holders of x can: `wanted` without x is the tenant's own shard less a cell.
  std::optional<std::vector<std::uint32_t>> blockers_of(std::uint32_t pos, const Shard& wanted,
                                                        CellId x) {
    const std::uint32_t m = current_.options.max_overlap;
    std::vector<std::uint32_t> found;
    for (std::uint32_t other : holders_of(x)) {
      std::uint32_t shared = 0;
      for (CellId c : shards_[other])
        shared += std::find(wanted.begin(), wanted.end(), c) != wanted.end();
      if (shared <= m) continue;
      if (other == pos || shared != m + 1 || must_leave(other)) {
        return std::nullopt;
      }
      found.push_back(other);
    }
    return found;
  }

  // True when the tenant holds a cell it must leave in this plan: moving it aside now would
  // move it twice.
  bool must_leave(std::uint32_t pos) const {
    for (CellId c : shards_[pos]) {
      const Cell* t = target_.find_cell(c);
      if (t == nullptr || t->state != CellState::kActive) return true;
    }
    return false;
  }

  Status stuck(std::uint32_t pos, CellId c) const {
    const std::string limit =
        state_.bounded() ? fmt::format(", keeps overlap <= {}", current_.options.max_overlap) : "";
    const std::string chains =
        state_.bounded() ? fmt::format(
                               "; no chain of moves (the tenants in the way moved aside first, "
                               "{} levels deep) was found in {} cells tried",
                               kChainDepth, chain_tries_)
                         : "";
    return resource_exhausted(fmt::format(
        "cannot move tenant '{}' off cell '{}': no active cell outside its shard has room{}{}{}",
        cut(tenants_[pos]->name), cut(current_.fleet.cell(c).name), limit,
        current_.options.zone_aware ? " and keeps its zones balanced" : "", chains));
  }

  // The least-loaded placeable cell that can replace `from` in the tenant's shard (same
  // zone first when zone-aware), or kNoCell.
  std::uint64_t destination(std::uint32_t pos, CellId from) const {
    const Shard rest = without(shards_[pos], from);
    const std::uint16_t zone = zone_index(from);
    std::tuple<bool, std::uint64_t, std::uint32_t> best{true, kNoCell, 0};
    std::uint64_t found = kNoCell;
    for (CellId c : pools_.all) {
      if (!fits(pos, rest, c)) continue;
      const bool other_zone = current_.options.zone_aware && pools_.zone_of[raw(c)] != zone;
      if (other_zone && !balanced(rest, c)) continue;
      const std::tuple<bool, std::uint64_t, std::uint32_t> key{other_zone, state_.load(c), raw(c)};
      if (found == kNoCell || key < best) {
        best = key;
        found = raw(c);
      }
    }
    return found;
  }

  bool fits(std::uint32_t pos, const Shard& rest, CellId c) const {
    const Shard& shard = shards_[pos];
    return std::find(shard.begin(), shard.end(), c) == shard.end() &&
           state_.has_room(c, pools_.cap(c), tenants_[pos]->weight) && state_.fits_with(rest, c);
  }

  // The zone index of a cell in the target's pools; cells outside them get an index no
  // pool zone has, so every placeable cell counts as another zone.
  std::uint16_t zone_index(CellId c) const {
    const Cell* cell = current_.fleet.find_cell(c);
    if (cell == nullptr) return 0xffff;
    auto it = std::lower_bound(pools_.zones.begin(), pools_.zones.end(), cell->zone);
    return (it != pools_.zones.end() && *it == cell->zone)
               ? static_cast<std::uint16_t>(it - pools_.zones.begin())
               : 0xffff;
  }

  // Zone counts of rest ∪ {c} over the pools' zones differ by at most one.
  bool balanced(const Shard& rest, CellId c) const {
    std::vector<std::uint32_t> count(pools_.zones.size(), 0);
    for (CellId x : rest) {
      const std::uint16_t z = zone_index(x);
      if (z < count.size()) ++count[z];
    }
    ++count[pools_.zone_of[raw(c)]];
    const auto [lo, hi] = std::minmax_element(count.begin(), count.end());
    return *hi - *lo <= 1;
  }

  static Shard without(const Shard& shard, CellId c) {
    Shard rest;
    for (CellId x : shard) {
      if (x != c) rest.push_back(x);
    }
    return rest;
  }

  // One move into receiver `r` from the most-loaded donor above r's fair share (the lowest
  // id among equals) that has not failed r before. `failed`: a bit per donor slot of r's
  // group, set when that donor failed r (empty until one does), so receivers × donors bits
  // at most, whatever the cell ids. A failed try moves nothing, so the queue stays as it is
  // while one walk tries its donors in order: the donor a first() per try would give (that
  // re-skipped, each time, every donor that had failed r, quadratic in them).
  bool fill_one(CellId r, std::vector<bool>& failed) {
    const std::uint64_t share = fair_share(r);
    if (state_.load(r) >= share) return false;
    const std::optional<CellId> d = donors_->first(group_of(r), [&](CellId c) {
      const std::uint32_t slot = donor_slot_[raw(c)];
      if (slot < failed.size() && failed[slot]) return true;
      if (move_one(c, r, share)) return false;
      if (failed.empty()) failed.resize(donor_count_[group_of(r)], false);
      failed[slot] = true;
      return true;
    });
    if (!d) return false;
    donors_->set(*d, group_of(*d), state_.load(*d));  // the move's only old cell
    return true;
  }

  // The group of a pool cell while filling: its zone's index when zone-aware, else 0.
  std::uint32_t group_of(CellId c) const {
    return current_.options.zone_aware ? pools_.zone_of[raw(c)] : 0;
  }

  std::uint64_t fair_share(CellId r) const { return shares_[group_of(r)]; }

  // The pools' load over their cells, by zone when zone-aware. Every move while filling goes
  // from one pool cell to another of its zone, so the shares stay as computed here (computing
  // them per receiver made adding n cells O(n²)).
  void compute_shares() {
    const std::size_t zones = current_.options.zone_aware ? pools_.zones.size() : 1;
    std::vector<std::uint64_t> load(zones, 0), cells(zones, 0);
    for (CellId c : pools_.all) {
      load[group_of(c)] += state_.load(c);
      ++cells[group_of(c)];
    }
    shares_.assign(zones, 0);
    for (std::size_t z = 0; z < zones; ++z)
      shares_[z] = cells[z] == 0 ? 0 : load[z] / cells[z];
  }

  // The donors while filling: every old pool cell above its group's share. Only they lose
  // load while filling (each move goes from one of them to a new cell), and fill_one tells
  // the queue each loss, so the queue picks as a scan of every pool cell did (a scan per
  // pick made filling n new cells from n old ones O(n²) picks' worth of cells).
  // Each donor also gets a slot, dense within its group: no cell joins the queue later (old
  // cells only lose load while filling).
  void queue_donors() {
    donors_.emplace(shares_);
    donor_count_.assign(shares_.size(), 0);
    for (CellId c : pools_.all) {
      if (is_new(c)) continue;
      const std::uint32_t g = group_of(c);
      donors_->set(c, g, state_.load(c));
      if (state_.load(c) <= shares_[g]) continue;
      if (raw(c) >= donor_slot_.size()) donor_slot_.resize(raw(c) + 1, 0);
      donor_slot_[raw(c)] = donor_count_[g]++;
    }
  }

  // Why no tenant on a donor cell above `share` (same zone when zone-aware) can move to
  // `r`: counts of the checks each candidate fails, first failing check per tenant. The
  // donor queue holds exactly those cells (old, above their group's share, r's group), so
  // only they are visited, not every pool cell per short receiver.
  std::string why_short(CellId r, std::uint64_t share) const {
    std::uint64_t holds = 0, past_share = 0, capacity = 0, overlap = 0, donors = 0;
    donors_->for_each(group_of(r), [&](CellId d) {
      assert(!is_new(d) && state_.load(d) > share);
      ++donors;
      if (raw(d) >= holders_.size()) return;
      for (std::uint32_t pos : holders_[raw(d)]) {
        const Shard& shard = shards_[pos];
        const std::uint32_t w = tenants_[pos]->weight;
        if (std::find(shard.begin(), shard.end(), r) != shard.end()) {
          ++holds;
        } else if (state_.load(r) + w > share) {
          ++past_share;
        } else if (!state_.has_room(r, pools_.cap(r), w)) {
          ++capacity;
        } else if (!state_.fits_with(without(shard, d), r)) {
          ++overlap;
        }
      }
    });
    const std::string where = current_.options.zone_aware ? " in its zone" : "";
    if (donors == 0) return fmt::format("no old cell{} is above the fair share", where);
    std::vector<std::string> parts;
    if (overlap > 0) parts.push_back(fmt::format("{} would break the overlap limit", overlap));
    if (capacity > 0) parts.push_back(fmt::format("{} would pass its capacity", capacity));
    if (past_share > 0)
      parts.push_back(fmt::format("{} weigh more than the room left", past_share));
    if (holds > 0) parts.push_back(fmt::format("{} already use it", holds));
    if (parts.empty()) parts.emplace_back("none could move there");
    return fmt::format("of the tenants on the {} cell{}{} above it, {}", donors,
                       donors == 1 ? "" : "s", where, fmt::join(parts, ", "));
  }

  // Tenants not yet moved go first, so a tenant changes more than one cell only when
  // several cells are added and nothing else fits.
  bool move_one(CellId d, CellId r, std::uint64_t share) {
    for (const bool allow_moved : {false, true}) {
      for (std::uint32_t pos : holders_of(d)) {
        if (moved_[pos] && !allow_moved) continue;
        const std::uint32_t w = tenants_[pos]->weight;
        if (state_.load(r) + w > share) continue;
        if (!fits(pos, without(shards_[pos], d), r)) continue;
        move(pos, d, r);
        return true;
      }
    }
    return false;
  }

  void move(std::uint32_t pos, CellId from, CellId to) {
    const TenantId id = tenants_[pos]->id;
    state_.remove(id, shards_[pos]);
    std::replace(shards_[pos].begin(), shards_[pos].end(), from, to);
    state_.add(id, shards_[pos], tenants_[pos]->weight);
    auto& out = holders_of(from);
    out.erase(std::find(out.begin(), out.end(), pos));
    auto& in = holders_of(to);
    in.insert(std::lower_bound(in.begin(), in.end(), pos), pos);
    moves_.push_back({id, from, to});
    moved_[pos] = true;
  }

  const Placement& current_;
  const Fleet& target_;
  CellPools pools_;
  PlacementState state_;
  std::vector<const Tenant*> tenants_;               // by position (tenant id order)
  std::vector<Shard> shards_;                        // by position
  std::vector<std::vector<std::uint32_t>> holders_;  // by raw cell id: positions, increasing
  std::vector<Move> moves_;
  std::vector<Shortfall> shortfalls_;
  std::vector<bool> moved_;                 // by position
  std::vector<bool> new_cells_;             // by raw cell id, for pool cells
  std::vector<std::uint64_t> shares_;       // fill_new_cells: fair share by zone index (or one)
  std::optional<DonorQueue> donors_;        // fill_new_cells: old cells above their share
  std::vector<std::uint32_t> donor_slot_;   // fill_new_cells: by raw cell id, for donors
  std::vector<std::uint32_t> donor_count_;  // fill_new_cells: donors by group
  std::size_t max_moves_;
  std::size_t required_ = 0;
  std::size_t clearing_ = 0;  // of required_: moves aside that clear the way (chains)
  std::size_t unfinished_ = 0;
  std::size_t chain_tries_ = 0;          // cells tried by relocate(), over the plan
  std::optional<std::uint32_t> broken_;  // first position overlapping an earlier shard > m
  std::vector<bool> was_moved_;  // by move index, for chain moves: the tenant had moved before
};

// The moves turning `old` into `fresh`: each cell left (in the old order) to a cell gained
// (in the new preference order). Shards of equal size give as many of one as of the other.
std::vector<Move> moves_between(TenantId tenant, const Shard& old, const Shard& fresh) {
  std::vector<CellId> gained;
  for (CellId c : fresh) {
    if (std::find(old.begin(), old.end(), c) == old.end()) gained.push_back(c);
  }
  std::vector<Move> moves;
  for (CellId c : old) {
    if (moves.size() == gained.size()) break;
    if (std::find(fresh.begin(), fresh.end(), c) == fresh.end()) {
      moves.push_back({tenant, c, gained[moves.size()]});
    }
  }
  return moves;
}

// Rendezvous is stateless: the plan is what placing every tenant afresh on the target gives.
// A tenant whose top k did not change does not move; the others move from each cell they
// lose to one they gain. Moves off cells that must empty come first, so a prefix
// (max_moves) empties those first.
Result<RebalancePlan> plan_rendezvous(const Placement& current, const Fleet& target,
                                      const RebalanceOptions& options) {
  std::unique_ptr<PooledStrategy> strategy = make_pooled_strategy(current.options);
  const CellPools pools = CellPools::build(target, current.options.capacity);
  Random random(current.options.seed);
  std::vector<std::pair<Move, std::uint32_t>> moves;  // with the tenant's weight
  const std::uint64_t total = 3 * current.tenants.size();
  std::uint64_t done = 0;
  for (const Tenant& t : current.tenants) {
    options.progress.step(done, total);
    done += 3;
    Result<Shard> fresh = strategy->choose_from(pools, t, random);
    if (!fresh.is_ok()) return fresh.status();
    const Shard& old = current.mapping.shard(t.id);
    if (old.size() != fresh->size()) {
      return failed_precondition(
          fmt::format("tenant '{}' holds {} cells but asks for {}; rendezvous rebalancing "
                      "keeps shard sizes",
                      cut(t.name), old.size(), fresh->size()));
    }
    for (const Move& m : moves_between(t.id, old, *fresh))
      moves.emplace_back(m, t.weight);
  }
  options.progress.tell(total, total);
  const auto must_empty = [&](const auto& m) {
    const Cell* c = target.find_cell(m.first.from);
    return c == nullptr || c->state != CellState::kActive;
  };
  const auto first_optional = std::stable_partition(moves.begin(), moves.end(), must_empty);
  RebalancePlan plan;
  plan.required = static_cast<std::size_t>(first_optional - moves.begin());
  for (std::size_t i = 0; i < moves.size(); ++i) {
    if (i < options.max_moves) {
      plan.moves.push_back(moves[i].first);
    } else if (i < plan.required) {
      plan.unfinished += moves[i].second;
    }
  }
  plan.required = std::min(plan.required, plan.moves.size());
  return plan;
}

}  // namespace

Result<RebalancePlan> plan_rebalance(const Placement& current, const Fleet& target,
                                     const RebalanceOptions& options) {
  if (Status s = check_placement(current); !s.is_ok()) return s;
  if (Status s = validate(current.options); !s.is_ok()) return s;
  if (current.options.strategy == Strategy::kRendezvous)
    return plan_rendezvous(current, target, options);
  if (Status s = check_subset_work(current); !s.is_ok()) return s;
  const std::uint64_t tenants = current.tenants.size();
  Planner planner(current, target, options.max_moves);
  if (Status s = planner.check_recorded_overlap(); !s.is_ok()) return s;
  options.progress.tell(tenants, 3 * tenants);
  if (Status s = planner.shed_all(); !s.is_ok()) return s;
  options.progress.tell(2 * tenants, 3 * tenants);
  planner.fill_new_cells();
  options.progress.tell(3 * tenants, 3 * tenants);
  return std::move(planner).plan();
}

Result<Placement> apply_plan(const Placement& current, const Fleet& target,
                             const RebalancePlan& plan, std::size_t count) {
  Placement next = current;
  next.fleet = target;
  count = std::min(count, plan.moves.size());
  for (std::size_t i = 0; i < count; ++i) {
    const Move& m = plan.moves[i];
    const Shard* shard = next.mapping.find_shard(m.tenant);
    if (shard == nullptr || std::find(shard->begin(), shard->end(), m.from) == shard->end() ||
        std::find(shard->begin(), shard->end(), m.to) != shard->end() || !target.contains(m.to)) {
      return invalid_argument(fmt::format("move {} (tenant {}, cell {} -> {}) does not apply",
                                          i + 1, raw(m.tenant), raw(m.from), raw(m.to)));
    }
    Shard moved = *shard;
    std::replace(moved.begin(), moved.end(), m.from, m.to);
    next.mapping.assign(m.tenant, std::move(moved));
  }
  for (const Cell& c : current.fleet.cells()) {
    if (target.contains(c.id) || next.mapping.tenants_on(c.id).empty()) continue;
    Cell kept = c;
    kept.state = CellState::kDraining;
    (void)next.fleet.add(std::move(kept));
  }
  return next;
}

PlanCheck check_plan(const Placement& current, const Fleet& target, const RebalancePlan& plan) {
  PlanCheck check;
  // Options or shards the subset table cannot hold are checked without the overlap limit.
  const bool checkable = validate(current.options).is_ok() && check_subset_work(current).is_ok();
  PlacementState state(checkable ? overlap_limit(current.options) : std::nullopt);
  Mapping mapping = current.mapping;
  state.add_mapping(mapping, current.tenants);
  const CellPools pools = CellPools::build(target, current.options.capacity);
  std::unordered_set<std::uint32_t> moved;  // raw tenant ids: sparse, up to 2^32-1
  std::unordered_set<std::uint32_t> moved_again;
  for (const Move& m : plan.moves) {
    ++check.moves;
    const Shard* shard = mapping.find_shard(m.tenant);
    if (shard == nullptr || std::find(shard->begin(), shard->end(), m.from) == shard->end() ||
        std::find(shard->begin(), shard->end(), m.to) != shard->end()) {
      ++check.invalid_moves;
      continue;
    }
    const bool again = !moved.insert(raw(m.tenant)).second;
    check.tenants_moved_twice += again ? 1 : 0;
    if (again) moved_again.insert(raw(m.tenant));
    check.moves_into_old_cells += current.fleet.contains(m.to) ? 1 : 0;
    Shard rest = *shard;
    rest.erase(std::find(rest.begin(), rest.end(), m.from));
    check.overlap_violations += state.fits_with(rest, m.to) ? 0 : 1;
    Shard next = *shard;
    std::replace(next.begin(), next.end(), m.from, m.to);
    state.remove(m.tenant, *shard);
    state.add(m.tenant, next, state.weight(m.tenant));
    mapping.assign(m.tenant, std::move(next));
    const std::uint32_t cap = pools.cap(m.to);
    check.capacity_violations += (cap != 0 && state.load(m.to) > cap) ? 1 : 0;
  }
  check.tenants_moving_again = moved_again.size();
  return check;
}

}  // namespace cellkit

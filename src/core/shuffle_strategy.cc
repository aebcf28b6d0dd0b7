// Bounded-overlap shuffle sharding: a design's next codeword when the fleet admits one, else
// (packing) the least-blocking shard, else a randomized depth-first search for a shard none
// of whose (m+1)-subsets is in use.
#include <algorithm>
#include "cellkit/base/cut.h"

#include <fmt/format.h>

#include "core/blocking_index.h"
#include "core/design_picker.h"
#include "core/lazy_permutation.h"
#include "core/pooled_strategy.h"

namespace cellkit {
namespace {

// Candidates of one group in random order, two at a time with the lighter first ("power of
// two choices"): loads stay close to even while every cell is still tried.
class Candidates {
 public:
  Candidates(std::span<const CellId> group, const PlacementState& state)
      : perm_(group), state_(state) {}

  bool next(Random& random, CellId* out) {
    if (has_pending_) {
      has_pending_ = false;
      *out = pending_;
      return true;
    }
    if (perm_.done()) return false;
    const CellId a = perm_.next(random);
    if (perm_.done()) {
      *out = a;
      return true;
    }
    const CellId b = perm_.next(random);
    const bool b_first = state_.load(b) < state_.load(a);
    *out = b_first ? b : a;
    pending_ = b_first ? a : b;
    has_pending_ = true;
    return true;
  }

 private:
  LazyPermutation perm_;
  const PlacementState& state_;
  CellId pending_{};
  bool has_pending_ = false;
};

// One tenant's search. Each slot takes a cell from its quota's group; a cell is tried only
// when it has room and forms no used (m+1)-subset with the cells chosen before it.
class Search {
 public:
  Search(const SelectRequest& r, const PlacementState& state, std::uint64_t budget)
      : r_(r), state_(state), budget_(budget) {
    for (const Quota& q : r.quotas) {
      for (std::uint32_t i = 0; i < q.count; ++i)
        slots_.push_back(&q);
    }
  }

  // Randomized: candidates two at a time, lighter first, so loads stay even.
  bool run() { return fill(0); }
  // Exhaustive within the budget: every combination once (cells of a group in id order, each
  // slot after the previous slot of its group), so on small fleets a refusal is proof that
  // no shard fits. Resets the count of tries.
  bool run_exhaustive() {
    chosen_.clear();
    positions_.assign(slots_.size(), 0);
    tried_ = 0;
    out_of_budget_ = false;
    return fill_in_order(0);
  }
  const Shard& shard() const { return chosen_; }
  bool out_of_budget() const { return out_of_budget_; }
  std::uint64_t tried() const { return tried_; }

 private:
  bool fill(std::size_t slot) {
    if (slot == slots_.size()) return true;
    Candidates candidates(r_.group(*slots_[slot]), state_);
    CellId c;
    while (candidates.next(r_.random, &c)) {
      if (tried_ == budget_) {
        out_of_budget_ = true;
        return false;
      }
      ++tried_;
      if (!acceptable(c)) continue;
      chosen_.push_back(c);
      if (fill(slot + 1)) return true;
      chosen_.pop_back();
      if (out_of_budget_) return false;
    }
    return false;
  }

  bool fill_in_order(std::size_t slot) {
    if (slot == slots_.size()) return true;
    const std::span<const CellId> group = r_.group(*slots_[slot]);
    const bool same_group = slot > 0 && slots_[slot - 1] == slots_[slot];
    for (std::size_t i = same_group ? positions_[slot - 1] + 1 : 0; i < group.size(); ++i) {
      if (tried_ == budget_) {
        out_of_budget_ = true;
        return false;
      }
      ++tried_;
      if (!acceptable(group[i])) continue;
      chosen_.push_back(group[i]);
      positions_[slot] = i;
      if (fill_in_order(slot + 1)) return true;
      chosen_.pop_back();
      if (out_of_budget_) return false;
    }
    return false;
  }

  bool acceptable(CellId c) const {
    return std::find(chosen_.begin(), chosen_.end(), c) == chosen_.end() &&
           state_.has_room(c, r_.pools.cap(c), r_.tenant.weight) && state_.fits_with(chosen_, c);
  }

  const SelectRequest& r_;
  const PlacementState& state_;
  std::vector<const Quota*> slots_;
  std::vector<std::size_t> positions_;  // run_exhaustive: index in its group of each slot's cell
  Shard chosen_;
  std::uint64_t budget_;
  std::uint64_t tried_ = 0;
  bool out_of_budget_ = false;
};

// Serves "shuffle", "design" and "packing": they differ only in the search used when no
// design applies or none of its codewords fits.
class ShuffleStrategy final : public PooledStrategy {
 public:
  using PooledStrategy::PooledStrategy;
  std::string_view name() const override { return to_string(options_.strategy); }
  void forget(TenantId tenant, const Shard& shard) override {
    PooledStrategy::forget(tenant, shard);
    designs_.forget(tenant);
    blocking_.remove(shard);
  }
  void remember(const Tenant& tenant, const Shard& shard) override {
    PooledStrategy::remember(tenant, shard);
    blocking_.add(shard);
  }

 protected:
  // A codeword goes in without its subsets while the state holds only codewords.
  void record(const Tenant& t, const Shard& shard) override {
    if (codeword_) {
      state_.add_codeword(t.id, shard, t.weight, designs_.key());
    } else {
      PooledStrategy::record(t, shard);
    }
    blocking_.add(shard);
  }

  Status check_tenant(const Tenant& t) const override {
    const std::uint32_t m = options_.max_overlap;
    if (!overlap_fits(options_, t.shard_size)) {
      return invalid_argument(
          fmt::format("max_overlap ({}) must be less than the shard size ({}) of tenant '{}'", m,
                      t.shard_size, cut(t.name)));
    }
    if (t.shard_size > 63 || binomial(t.shard_size, m + 1) > kMaxSubsetsPerShard) {
      return invalid_argument(fmt::format(
          "shard size {} with max_overlap {} needs C({},{}) subsets per tenant; at most {} "
          "are supported",
          t.shard_size, m, t.shard_size, m + 1, kMaxSubsetsPerShard));
    }
    return Status::ok();
  }

  Result<Shard> select(const SelectRequest& r) override {
    codeword_ = false;
    if (std::optional<Shard> shard =
            designs_.pick(r, state_, options_.max_overlap,
                          /*restricted=*/options_.strategy == Strategy::kDesign)) {
      codeword_ = true;
      return std::move(*shard);
    }
    state_.record_deferred();
    if (std::optional<Shard> shard = least_blocking(r)) return std::move(*shard);
    Search search(r, state_, budget(r.pools));
    if (search.run() || search.run_exhaustive()) return search.shard();
    return refusal(r, search);
  }

 private:
  DesignPicker designs_;
  bool codeword_ = false;            // the last select() gave a codeword of designs_.design()
  BlockingIndex blocking_;           // packing: built on the first pools it applies to
  std::vector<CellId> unindexable_;  // packing: pools found too large to index

  // packing, on one pool (or one zone) with k ≥ m + 2 and an index within its limits: the
  // least-blocking shard, checked against the used subsets; else nothing (the search runs).
  std::optional<Shard> least_blocking(const SelectRequest& r) {
    const std::uint32_t m = options_.max_overlap;
    if (options_.strategy != Strategy::kPacking || r.tenant.shard_size < m + 2 ||
        (r.zoned && r.pools.groups.size() > 1) || !index_for(r.pools.all))
      return std::nullopt;
    std::optional<Shard> shard =
        blocking_.least_blocking(r.tenant.shard_size, state_, r.pools, r.tenant.weight, r.random);
    if (!shard) return std::nullopt;
    for (std::size_t i = 1; i < shard->size(); ++i) {
      if (!state_.fits_with(std::span<const CellId>(shard->data(), i), (*shard)[i]))
        return std::nullopt;  // never taken: the index mirrors the used subsets
    }
    return shard;
  }

  // True when blocking_ indexes exactly `cells`, building it from the state when it does not.
  bool index_for(std::span<const CellId> cells) {
    if (blocking_.built() && std::ranges::equal(blocking_.cells(), cells)) return true;
    if (std::ranges::equal(unindexable_, cells)) return false;
    if (blocking_.build(cells, options_.max_overlap, state_)) return true;
    unindexable_.assign(cells.begin(), cells.end());
    return false;
  }

  std::uint64_t budget(const CellPools& pools) const {
    if (options_.search_budget != 0) return options_.search_budget;
    return std::max<std::uint64_t>(4096, 64 * pools.all.size());
  }

  // Stripes and other zoned shards hold fewer (m+1)-subsets than one pool would allow.
  std::string zoned_bound(const SelectRequest& r) const {
    std::vector<std::uint32_t> sizes;
    for (const auto& g : r.pools.groups)
      sizes.push_back(static_cast<std::uint32_t>(g.size()));
    const std::uint64_t bound = overlap_bound(static_cast<std::uint32_t>(r.pools.all.size()), sizes,
                                              r.tenant.shard_size, options_.max_overlap);
    return fmt::format("at most {} tenants fit {} cells in {} zones", bound, r.pools.all.size(),
                       sizes.size());
  }

  Status refusal(const SelectRequest& r, const Search& search) const {
    const std::uint64_t n = r.pools.all.size();
    const std::uint64_t k = r.tenant.shard_size;
    const std::uint64_t m = options_.max_overlap;
    const std::uint64_t per_shard = binomial(k, m + 1);
    std::string bound = fmt::format("at most C({},{})/C({},{}) = {} tenants fit {} cells", n, m + 1,
                                    k, m + 1, binomial(n, m + 1) / per_shard, n);
    if (r.zoned && r.pools.groups.size() > 1) bound = zoned_bound(r);
    if (search.out_of_budget()) {
      return resource_exhausted(fmt::format(
          "{} cannot place tenant '{}': no shard of {} cells sharing at most {} cells with "
          "each of the {} tenants placed was found in {} random and {} ordered tries ({})",
          to_string(options_.strategy), cut(r.tenant.name), k, m, state_.tenants(), budget(r.pools),
          search.tried(), bound));
    }
    return resource_exhausted(fmt::format(
        "{} cannot place tenant '{}': every shard of {} cells would share more than {} "
        "cells with one of the {} tenants placed or exceed a cell's capacity ({})",
        to_string(options_.strategy), cut(r.tenant.name), k, m, state_.tenants(), bound));
  }
};

}  // namespace

std::unique_ptr<PooledStrategy> make_shuffle_strategy(const PlacementOptions& options) {
  return std::make_unique<ShuffleStrategy>(options);
}

}  // namespace cellkit

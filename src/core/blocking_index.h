// BlockingIndex: under an overlap limit m, which (m+1)-subsets of a pool's cells are in use
// and, for each free one, its free degree: how many (m+2)-sets of pool cells contain it and
// have every (m+1)-subset free. A shard's subsets all become used when it is placed, so the
// free (m+2)-sets it blocks number Σ (degree − 1) over its (m+1)-subsets when k = m + 2;
// the search that takes the shard of least such sum is strategy `packing`.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "cellkit/base/random.h"
#include "core/placement_state.h"

namespace cellkit {

class BlockingIndex {
 public:
  // Pools with more (m+1)-subsets than this, or more work than kMaxBuildWork to rebuild the
  // degrees, are not indexed (build returns false): the arrays hold 12 bytes per subset.
  static constexpr std::uint64_t kMaxSubsets = std::uint64_t{1} << 21;
  static constexpr std::uint64_t kMaxBuildWork = std::uint64_t{1} << 26;
  // Subsets drawn from the buckets of least degree per shard before least_blocking gives up.
  static constexpr std::uint32_t kPicks = 32;

  // Indexes the (m+1)-subsets of `cells` (distinct ids) and marks those `state` uses
  // (requires no codeword held back in `state`: PlacementState::record_deferred). False, and
  // nothing indexed, when the pool is too large (above) or has fewer than m + 2 cells.
  bool build(std::span<const CellId> cells, std::uint32_t max_overlap, const PlacementState& state);
  bool built() const { return !cells_.empty(); }
  void clear();
  // The indexed cells, as given to build().
  std::span<const CellId> cells() const { return cells_; }

  // A shard now uses (add) or no longer uses (remove) its (m+1)-subsets; cells outside the
  // index are ignored. Uses are counted, so a subset used twice stays used after one remove.
  void add(std::span<const CellId> shard);
  void remove(std::span<const CellId> shard);

  // A shard of `size` (≥ m + 2) cells with room for `weight`, no (m+1)-subset in use, built
  // from a free subset of least positive degree (seeded draw among the ties) and extended one
  // cell at a time by the cell whose new subsets have the least degree sum (then the least
  // loaded, then a seeded draw). Nothing when kPicks subsets led nowhere. Cost per call:
  // O(kPicks · size · N · C(size, m)) rank computations.
  std::optional<Shard> least_blocking(std::uint32_t size, const PlacementState& state,
                                      const CellPools& pools, std::uint32_t weight,
                                      Random& random) const;

  // Free degree of the subset of these cells (requires indexed cells, m + 1 of them, distinct);
  // nullopt when the subset is in use.
  std::optional<std::uint32_t> degree(std::span<const CellId> subset) const;

 private:
  using Positions = std::vector<std::uint32_t>;  // sorted positions in cells_

  std::uint64_t rank(std::span<const std::uint32_t> sorted) const;
  Positions unrank(std::uint64_t rank) const;
  void use(std::uint64_t at, const Positions& subset);
  void release(std::uint64_t at, const Positions& subset);
  bool free_set(const Positions& s, std::uint32_t x) const;  // every subset of s ∪ {x} free
  void move(std::uint64_t at, std::uint32_t degree);         // into bucket `degree`
  void unlink(std::uint64_t at);                             // out of its bucket
  void for_each_subset(std::span<const CellId> shard, bool adding);
  bool extend(Positions& chosen, std::uint32_t size, const PlacementState& state,
              const CellPools& pools, std::uint32_t weight, Random& random) const;

  static constexpr std::uint32_t kNone = UINT32_MAX;
  std::uint32_t r_ = 0;  // m + 1
  std::vector<CellId> cells_;
  std::vector<std::int32_t> position_;  // raw cell id -> position in cells_, or -1
  std::vector<std::uint64_t> binom_;    // binom_[j * (N + 1) + n] = C(n, j), j ≤ r_
  std::vector<std::uint32_t> used_;     // by rank: shards using the subset
  std::vector<std::uint32_t> degree_;   // by rank: free degree (stale while used)
  std::vector<std::uint32_t> slot_;     // by rank: index in its bucket, kNone when used
  std::vector<std::vector<std::uint32_t>> buckets_;  // by degree: free subsets' ranks
};

}  // namespace cellkit

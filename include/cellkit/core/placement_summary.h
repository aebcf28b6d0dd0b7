// A short summary of a placement: load spread over cells and the pair-overlap histogram.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "cellkit/core/designs.h"
#include "cellkit/core/placement_ops.h"

namespace cellkit {

struct LoadSpread {
  std::size_t cells = 0;  // cells of the fleet counted (every cell, empty ones too)
  std::uint64_t min = 0;  // least load (sum of tenant weights) on a cell
  std::uint64_t max = 0;
  double mean = 0;
  double stddev = 0;  // population standard deviation

  bool operator==(const LoadSpread&) const = default;
};

struct PlacementSummary {
  std::size_t tenants = 0;
  LoadSpread load;
  // pairs_by_overlap[o]: unordered pairs of tenants sharing exactly o cells, counted from
  // exact subset keys. Empty when counting would take more than the work limit given to
  // summarize(), or when a shard's cell indices need more than 128 bits (shard size above
  // 128 / bit_width(cells - 1); `cellkit place` refuses such sizes).
  std::vector<std::uint64_t> pairs_by_overlap;

  bool operator==(const PlacementSummary&) const = default;
};

LoadSpread load_spread(const Placement& placement);

// The design the placement's placeable cells admit for shards of `shard_size` under its
// overlap limit (zones when zone-aware), with the bound over the actual zone sizes. Only
// meaningful for strategies that limit overlap (limits_overlap).
DesignFit design_fit(const Placement& placement, std::uint32_t shard_size);

// How full a placement under an overlap limit is: its tenants beside the bound for their
// shard size (design_fit's). fraction() = placed / bound.
struct PlacementFill {
  std::uint64_t placed = 0;
  std::uint64_t bound = 0;  // never 0

  double fraction() const { return static_cast<double>(placed) / static_cast<double>(bound); }
  bool operator==(const PlacementFill&) const = default;
};
// None when the strategy does not limit overlap, when tenants ask for different shard sizes
// (no single bound applies) or when the bound is 0 (too few cells for one shard).
std::optional<PlacementFill> placement_fill(const Placement& placement);

// Counts overlaps from subset counts (S_j = Σ_o C(o,j)·n_o, inverted from the top), in
// O(T·2^k) work rather than O(T²); skipped when T·(2^k − 1) exceeds `max_subset_work`.
PlacementSummary summarize(const Placement& placement, std::uint64_t max_subset_work = 40'000'000);

// Tenants with the very same cells: a poison pill of one takes the rest of its group fully
// down. Beside what placing the same shard sizes uniformly at random over the placement's
// cells would give: C(T_s, 2) / C(N, s) identical pairs expected, summed over shard sizes s
// (zones ignored, which only makes that expectation smaller).
struct IdenticalGroups {
  std::size_t largest = 0;              // tenants in the largest group (1: none identical)
  std::size_t groups = 0;               // groups of 2 or more tenants
  std::uint64_t pairs = 0;              // unordered pairs of tenants with identical cells
  double expected_pairs_if_random = 0;  // the same under random placement
  // More identical pairs than random placement plausibly gives (beyond its mean plus three
  // standard deviations of a Poisson count, plus one).
  bool worse_than_random() const;
};
IdenticalGroups identical_groups(const Placement& placement);

}  // namespace cellkit

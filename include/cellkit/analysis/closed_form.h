// Closed-form blast-radius mathematics for random shuffle sharding (`cellkit math`).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "cellkit/analysis/exact.h"
#include "cellkit/base/status.h"
#include "cellkit/core/designs.h"

namespace cellkit {

// N cells, shard size k, optionally split into z equal zones with k/z cells of every shard in
// each zone (z = k: one cell per zone, Route 53's "stripes").
struct MathOptions {
  std::uint32_t cells = 0;                   // N, at least 1
  std::uint32_t shard_size = 0;              // k, 1..N
  std::uint32_t zones = 0;                   // z; 0 = no zones; else z divides N and k
  std::uint64_t tenants = 0;                 // T; 0 = no tenant counts
  std::optional<std::uint32_t> max_overlap;  // m, 0..k-1; none = no limit asked about

  // What errors call each field: the field's own name unless a front end maps its fields
  // to its own words (the CLI: "--shard-size").
  struct Names {
    std::string_view cells = "cells", shard_size = "shard_size", zones = "zones",
                     max_overlap = "max_overlap";
    bool operator==(const Names&) const = default;
  } names;

  bool operator==(const MathOptions&) const = default;
};

// Names the first bad field (as options.names says), its value and what is allowed:
// "shard_size 5 is not allowed: it must not exceed cells (4)".
Status validate(const MathOptions& options);

// How many shards of size b overlap a fixed shard of size a in exactly o cells, o = 0..a,
// out of `total` shards of size b; per zone when zones > 0 (a, b and n divisible by zones).
// Nothing when a number does not fit in 128 bits.
struct OverlapCounts {
  std::vector<UInt128> counts;  // index o
  UInt128 total = 0;            // sum of counts: the number of distinct shards of size b
};
std::optional<OverlapCounts> overlap_counts(std::uint32_t cells, std::uint32_t a, std::uint32_t b,
                                            std::uint32_t zones);

struct OverlapLine {
  std::uint32_t overlap = 0;  // o
  UInt128 shards = 0;         // shards sharing exactly o cells with a fixed one
  double probability = 0;     // P(o) = shards / distinct shards
  double expected_pairs = 0;  // C(T,2)·P(o); 0 when T = 0
};

struct MathResult {
  MathOptions options;
  UInt128 distinct_shards = 0;       // C(N,k), or C(N/z, k/z)^z with zones
  std::vector<OverlapLine> overlap;  // o = 0..k
  double mean_overlap = 0;           // k²/N
  UInt128 tenant_pairs = 0;          // C(T,2)
  double cell_load_mean = 0;         // T·k/N tenants per cell
  double cell_load_sd = 0;           // sd of Binomial(T, k/N)
  double add_cell_moves = 0;         // T·k/(N+1): least tenant slots a new cell takes
  // Only with max_overlap:
  double probability_over_limit = 0;     // Σ_{o>m} P(o)
  double expected_pairs_over_limit = 0;  // C(T,2)·Σ_{o>m} P(o)
  UInt128 capacity_bound = 0;            // most tenants with no two sharing more than m cells
  DesignFit design;                      // the construction that reaches it, if any
  // Poison pill: the chance a random other tenant's shard is exactly the poisoned one.
  double fully_inside_probability = 0;  // 1 / distinct shards
  double plain_probability = 0;         // k/N: the same chance with disjoint groups of k
  double ratio_to_plain = 0;            // plain_probability / fully_inside_probability
};

// Fails with kInvalidArgument on bad options (see validate) and when an exact value does
// not fit in 128 bits.
Result<MathResult> compute_math(const MathOptions& options);

}  // namespace cellkit

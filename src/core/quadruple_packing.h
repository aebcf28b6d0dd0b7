// Improving a packing of quadruples (k = 4, m = 2: every triple of points in at most one
// block) by a seeded local search, for fleets no Steiner quadruple system fits exactly.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/steiner_quadruples.h"

namespace cellkit {

// Johnson's bound on a packing of quadruples on n ≥ 4 points (every triple in at most one
// block), from the triple packing number D₃ (max_triple_packing): ⌊n·D₃(n−1)/4⌋ blocks, as the
// blocks through a point are a triple packing on the other n − 1 and each block has 4 points.
// It is ⌊n/4 ⌊(n−1)/3 ⌊(n−2)/2⌋⌋⌋ except for n ≡ 0 (mod 6), where D₃(n−1) is one less than
// Schönheim's bound (Spencer) and the limit n(n²−3n−6)/24 is lower (30: 1,005, not 1,012). An
// SQS(n+1) less a point meets it (n ≡ 1, 3 mod 6).
std::uint64_t quadruple_packing_limit(std::uint32_t n);

// Starting from `blocks` (quadruples on points 0..n−1 sharing no triple; n ≤ 256), repeatedly
// draws a free triple t and a point x and looks at the blocks holding the other three triples
// of t ∪ {x}: none — the block is added; one — it is swapped for t ∪ {x}; two — both are
// swapped for it, with a chance that starts near 1/786 and falls to zero over the first 11
// of 16 phases (annealing). Returns the largest block set seen; never fewer blocks than given.
// Stops early when that set meets quadruple_packing_limit(n) (no packing has more) or holds
// `stop_at` blocks (what this search is known to reach: the same set, found sooner).
// Deterministic for the same arguments on every platform (cellkit::Random, integer odds).
// Cost: O(steps) with O(n³) memory; `steps` in the result says how many were taken (0 when
// the given blocks meet the limit or no triple is free).
struct ImprovedPacking {
  std::vector<Quad> blocks;  // the largest block set seen
  std::uint64_t steps = 0;   // steps taken, at most the `steps` asked for
};
ImprovedPacking improve_quadruple_packing(std::span<const Quad> blocks, std::uint32_t n,
                                          std::uint64_t seed, std::uint64_t steps,
                                          std::uint64_t stop_at = UINT64_MAX);

// Orders blocks so that loads stay close: each next block is the one whose most loaded
// point is least loaded (then the least load sum, then the earliest). O(blocks²).
std::vector<Quad> balance_order(std::vector<Quad> blocks, std::uint32_t n);

}  // namespace cellkit

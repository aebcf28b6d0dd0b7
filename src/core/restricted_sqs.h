// The two steps of restricted_sqs (cellkit/core/designs.h), apart so that tests can run the
// local search with fewer steps than the cached design uses.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "cellkit/core/designs.h"
#include "core/steiner_quadruples.h"

namespace cellkit {

// The SQS on the smallest admissible N' from N + 1 to 2N built here (at most 250,000 blocks)
// with N' − N points left out, not searched further; nothing when no such system is built.
std::optional<RestrictedDesign> restrict_larger_sqs(std::uint32_t cells);

// For N ≡ 0 (mod 4), N ≥ 8, h = N/2: the doubling construction (double_sqs) over the most blocks
// built here on h points sharing no triple (an SQS(h), else restricted_sqs(h)), as a design on
// the N points (none absent), not searched further: 2·(blocks on h) + (h − 1)·h²/4 blocks.
// Nothing for other N, when no packing on h is built, or when C(N,3)/4 exceeds 250,000.
std::optional<RestrictedDesign> doubled_packing(std::uint32_t cells);

// For N ≢ 0 (mod 4) and N' the next multiple of 4 with no SQS(N') built and C(N',3)/4 at most
// 250,000: restricted_sqs(N') (a searched or doubled packing on N' points, none absent) with
// N' − N points absent, not searched further: for one point, its point in the fewest blocks
// (the lowest such point; N = 11, 23, 35, 47, 59, ...); for two or three, those
// points_to_leave_out picks (the points of its first block). Nothing for other N, or when
// restricted_sqs(N') has points absent.
std::optional<RestrictedDesign> packing_less_points(std::uint32_t cells);

// A stored packing on exactly N points as a design on them (none absent), in the stored order,
// not searched further: the cyclic packing on Z_N (cyclic_packing in core/steiner_quadruples.h;
// N = 29: 870 blocks, 41: 2,542, 53: 5,618), else the stored SQS(N + 1) (rotational_sqs) without
// the blocks through its last point (N = 37, 45, 49, 57: Johnson's bound, e.g. 3,465 for 45).
// Nothing for other N. (The stored systems themselves are designs: SQS(38), SQS(46), SQS(50),
// SQS(58) serve 38, 46, 50, 58 cells and their doubles through make_design.)
std::optional<RestrictedDesign> stored_packing(std::uint32_t cells);

// The blocks of `d` that avoid its absent points, relabelled onto the `cells` present points
// in order, improved by improve_quadruple_packing (`steps` steps, fixed seed, stopping at
// `stop_at` blocks) and put in balance_order: a design on `cells` points with none absent.
// Deterministic.
RestrictedDesign improve_restricted(const RestrictedDesign& d, std::uint32_t cells,
                                    std::uint64_t steps, std::uint64_t stop_at = UINT64_MAX);

// The start restricted_sqs searches from: the largest of restrict_larger_sqs, doubled_packing,
// packing_less_points and stored_packing (of equal sizes the first, but the stored one over a
// start of more than 3,000 blocks, which is not searched nor reordered), and whether it is the
// stored one. No design when none applies.
struct RestrictedStart {
  std::optional<RestrictedDesign> design;
  bool stored = false;  // from stored_packing
};
RestrictedStart restricted_start(std::uint32_t cells);

// FNV-1a (64 bits) over the blocks' points in order, each point as two bytes, low first: the
// fingerprint of a search start that known_search_reach compares.
std::uint64_t start_hash(std::span<const Quad> blocks);

// How many blocks restricted_sqs's search reaches from `start` (its blocks avoiding the absent
// points, relabelled) on `cells` points with `seed` and `steps`, where that was measured and
// stays below the packing limit (N = 17, 18, 23, 29, 30, 35, 36, 41, each from
// restricted_start(N) with seed 1 and 10,000,000 steps). UINT64_MAX — no early stop — when N,
// the start's block count, its start_hash, the seed or the step count differs from the measured.
std::uint64_t known_search_reach(std::uint32_t cells, const RestrictedDesign& start,
                                 std::uint64_t seed, std::uint64_t steps);

// Where search_restricted stops: at known_search_reach (restricted_sqs), or only after every
// step or at the packing limit (to check the known reach).
enum class SearchStop : std::uint8_t { kAtKnownReach, kEveryStep };

// restricted_sqs without its cache. A start of at most 3,000 blocks is searched (10,000,000 steps,
// seed 1, stopping as `stop` says), a larger stored one only put in balance_order.
std::optional<RestrictedDesign> search_restricted(std::uint32_t cells, SearchStop stop);

}  // namespace cellkit

// The two steps of restricted_sqs (cellkit/core/designs.h), apart so that tests can run the
// local search with fewer steps than the cached design uses.
#pragma once

#include <cstdint>
#include <optional>

#include "cellkit/core/designs.h"

namespace cellkit {

// The SQS on the smallest admissible N' from N + 1 to 2N built here (at most 250,000 blocks)
// with N' − N points left out, not searched further; nothing when no such system is built.
std::optional<RestrictedDesign> restrict_larger_sqs(std::uint32_t cells);

// For N ≡ 0 (mod 4), N ≥ 8, h = N/2: the doubling construction (double_sqs) over the most blocks
// built here on h points sharing no triple (an SQS(h), else restricted_sqs(h)), as a design on
// the N points (none absent), not searched further: 2·(blocks on h) + (h − 1)·h²/4 blocks.
// Nothing for other N, when no packing on h is built, or when C(N,3)/4 exceeds 250,000.
std::optional<RestrictedDesign> doubled_packing(std::uint32_t cells);

// For N + 1 ≡ 0 (mod 4), N + 1 ≤ 40 with no SQS(N+1) built (N = 11, 23, 35): restricted_sqs(N+1)
// (a searched packing on N + 1 points, none absent) with its point in the fewest blocks absent
// (the lowest such point), not searched further. Nothing for other N.
std::optional<RestrictedDesign> packing_less_a_point(std::uint32_t cells);

// The stored cyclic packing on Z_N (cyclic_packing in core/steiner_quadruples.h; N = 29: 870
// blocks) as a design on the N points (none absent), not searched further. Nothing for other N.
std::optional<RestrictedDesign> stored_cyclic_packing(std::uint32_t cells);

// The blocks of `d` that avoid its absent points, relabelled onto the `cells` present points
// in order, improved by improve_quadruple_packing (`steps` steps, fixed seed) and put in
// balance_order: a design on `cells` points with none absent. Deterministic.
RestrictedDesign improve_restricted(const RestrictedDesign& d, std::uint32_t cells,
                                    std::uint64_t steps);

}  // namespace cellkit

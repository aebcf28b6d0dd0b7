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

// The blocks of `d` that avoid its absent points, relabelled onto the `cells` present points
// in order, improved by improve_quadruple_packing (`steps` steps, fixed seed) and put in
// balance_order: a design on `cells` points with none absent. Deterministic.
RestrictedDesign improve_restricted(const RestrictedDesign& d, std::uint32_t cells,
                                    std::uint64_t steps);

}  // namespace cellkit

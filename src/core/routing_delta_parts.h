// Parts of apply_delta (routing_delta.cc) that RoutingTable's O(change) application of a
// delta (routing_table_patch.cc) shares, so both check and digest a delta the same way.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "cellkit/base/status.h"
#include "cellkit/core/routing_delta.h"

namespace cellkit::detail {

// The digest's term of one entry (routing_digest is their wrapping sum).
std::uint64_t shard_term(TenantId tenant, std::span<const CellId> cells);
std::uint64_t pin_term(TenantId tenant, std::span<const CellId> cells);
std::uint64_t name_term(TenantId tenant, std::string_view name);

// What apply_delta checks of the delta alone: lists sorted by key with distinct keys, no key
// both changed and removed, offsets framing their cells and names, no empty shard or pin.
Status check_delta_form(const RoutingDelta& delta);

// `base`'s cells (its cells, disabled and addresses; the tenant lists are not read) changed
// by the delta, into `out`; `digest` moves by the cells' part of the change.
Status merge_cells(const FlatSnapshot& base, const RoutingDelta& delta, FlatSnapshot& out,
                   std::uint64_t& digest);

}  // namespace cellkit::detail

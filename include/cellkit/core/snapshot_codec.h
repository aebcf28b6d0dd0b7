// A byte encoding of RoutingSnapshot, so a router can persist its last table and serve it
// after a restart while the control plane is down.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/routing_table.h"

namespace cellkit {

// Little-endian, versioned ("CKSNAP02": version, cells, disabled cells, shards, overrides,
// flags (allow_empty), cell addresses, tenant names), ending with the xxHash64 of all
// preceding bytes. The same snapshot always encodes to the same bytes.
std::vector<std::byte> encode_snapshot(const RoutingSnapshot& snapshot);
// The same layout from the flat form (the same snapshot encodes to the same bytes).
std::vector<std::byte> encode_snapshot(const FlatSnapshot& snapshot);

// Reverses encode_snapshot; also reads the older "CKSNAP01" layout (no flags, addresses or
// names). Truncated, corrupt (checksum mismatch) or foreign bytes fail
// with kDataLoss and a message saying what was wrong; nothing is half-decoded. The result
// still needs RoutingTable::build (Router::accept) to be validated as a table.
Result<RoutingSnapshot> decode_snapshot(std::span<const std::byte> bytes);
// The same into the flat form, without a vector or a string per tenant (what a router
// applies: RoutingTable::build(FlatSnapshot&&)).
Result<FlatSnapshot> decode_flat_snapshot(std::span<const std::byte> bytes);

}  // namespace cellkit

// A byte encoding of RoutingSnapshot, so a router can persist its last table and serve it
// after a restart while the control plane is down.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/routing_table.h"

namespace cellkit {

// Little-endian, versioned ("CKSNAP01"), ending with the xxHash64 of all preceding bytes.
// The same snapshot always encodes to the same bytes.
std::vector<std::byte> encode_snapshot(const RoutingSnapshot& snapshot);

// Reverses encode_snapshot. Truncated, corrupt (checksum mismatch) or foreign bytes fail
// with kDataLoss and a message saying what was wrong; nothing is half-decoded. The result
// still needs RoutingTable::build (Router::accept) to be validated as a table.
Result<RoutingSnapshot> decode_snapshot(std::span<const std::byte> bytes);

}  // namespace cellkit

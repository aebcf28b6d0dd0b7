// A byte encoding of RoutingDelta: what a control plane stores and sends per publication
// instead of the whole snapshot (decision 0009).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/routing_delta.h"

namespace cellkit {

// Little-endian, versioned ("CKDELT01": parent, version, flags (allow_empty, addressed),
// digest, shards, unsharded, pins, unpinned, names, unnamed, cells, removed cells), ending
// with the xxHash64 of all preceding bytes. The same delta always encodes to the same bytes.
std::vector<std::byte> encode_delta(const RoutingDelta& delta);

// Reverses encode_delta. Truncated, corrupt (checksum mismatch), foreign or inconsistent bytes
// fail with kDataLoss and a message naming the byte offset and the field that was wrong
// ("delta byte 52 (shards): ..."); nothing is half-decoded. The result still needs
// apply_delta to be checked against a snapshot.
Result<RoutingDelta> decode_delta(std::span<const std::byte> bytes);

// True when the bytes start with the delta magic "CKDELT" (rather than a snapshot's).
bool is_encoded_delta(std::span<const std::byte> bytes);

}  // namespace cellkit

// Routing snapshots in files: the binary codec (CKSNAP01/02) or a mapping JSON document.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "cellkit/base/status.h"
#include "cellkit/core/routing_table.h"

namespace cellkit::live {

// Decodes bytes that are either an encoded snapshot (they start with the codec's magic
// "CKSNAP") or a mapping JSON document (docs/mapping-format.md; its routing_version, default
// 1, is the snapshot's version). `name` says where the bytes came from in messages. The
// snapshot is not validated as a table (RoutingTable::build does that).
Result<RoutingSnapshot> parse_snapshot(std::string_view bytes, std::string_view name);

// The same from a file; errors name the path.
Result<RoutingSnapshot> load_snapshot_file(const std::string& path);

// The same into the flat form a router applies: an encoded snapshot is decoded straight
// into it, without a vector and a string per tenant.
Result<FlatSnapshot> parse_flat_snapshot(std::string_view bytes, std::string_view name);
Result<FlatSnapshot> load_flat_snapshot_file(const std::string& path);

// Encodes the snapshot (CKSNAP02) and writes it atomically and durably: a temporary file,
// fsync, rename over `path`, fsync of the directory.
Status save_snapshot_file(const std::string& path, const RoutingSnapshot& snapshot);
// The same for bytes already encoded.
Status save_snapshot_bytes(const std::string& path, std::span<const std::byte> bytes);

}  // namespace cellkit::live

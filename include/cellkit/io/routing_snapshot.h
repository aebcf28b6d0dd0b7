// A mapping document as the routing snapshot a router serves.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "cellkit/core/routing_table.h"
#include "cellkit/io/mapping_file.h"

namespace cellkit {

// Version = the document's routing_version (1 when it has none); every cell of the fleet
// listed, disabled ones as disabled, with its name and endpoint; every tenant's shard and
// name; allow_empty as the document says. Not validated: RoutingTable::build does that.
RoutingSnapshot routing_snapshot_of(const MappingDocument& doc);

// The same snapshot, in flat form, of a mapping JSON document read without building the
// document: flatten(routing_snapshot_of(*parse_mapping_json(text, name))) and the same
// located errors (one reader checks both), in tens of bytes per tenant instead of hundreds.
Result<FlatSnapshot> parse_routing_snapshot_json(std::string_view text, std::string_view name);

// Reads a mapping JSON document into the flat routing snapshot as its bytes arrive, holding
// the rows read so far and at most one tenant's unread bytes, never the text. It reads the
// documents cellkit writes: names and cell names in UTF-8, raw or as JSON escapes (\uXXXX and
// surrogate pairs too), no key repeated or escaped, fields other than "tenants" under 16 MB.
// On anything else (a repeated key, say), and on every error (bytes in a name that are not
// UTF-8, say), it gives up: the caller then reads the whole text with
// parse_routing_snapshot_json, which names the error and where it is. What finish() returns
// is what parse_routing_snapshot_json returns.
class RoutingSnapshotJsonStream {
 public:
  RoutingSnapshotJsonStream();
  ~RoutingSnapshotJsonStream();
  RoutingSnapshotJsonStream(RoutingSnapshotJsonStream&&) noexcept;
  RoutingSnapshotJsonStream& operator=(RoutingSnapshotJsonStream&&) noexcept;

  // Reads the next bytes of the text; false once it has given up (then more bytes are
  // ignored).
  bool feed(std::string_view bytes);
  // After the last bytes: the snapshot, or nothing when it gave up (call it once).
  std::optional<FlatSnapshot> finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace cellkit

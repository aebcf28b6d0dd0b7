// A mapping document as the routing snapshot a router serves.
#pragma once

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

}  // namespace cellkit

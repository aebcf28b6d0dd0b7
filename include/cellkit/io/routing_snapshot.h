// A mapping document as the routing snapshot a router serves.
#pragma once

#include "cellkit/core/routing_table.h"
#include "cellkit/io/mapping_file.h"

namespace cellkit {

// Version = the document's routing_version (1 when it has none); every cell of the fleet
// listed, disabled ones as disabled, with its name and endpoint; every tenant's shard and
// name; allow_empty as the document says. Not validated: RoutingTable::build does that.
RoutingSnapshot routing_snapshot_of(const MappingDocument& doc);

}  // namespace cellkit

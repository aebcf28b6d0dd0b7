// A scenario's fleet and tenants taken from a mapping file (tenants: {mapping: m.json}).
#pragma once

#include <string>
#include <string_view>

#include "cellkit/base/status.h"
#include "cellkit/io/mapping_file.h"
#include "cellkit/sim/scenario.h"

namespace cellkit::sim {

// The keys a scenario may not give beside tenants.mapping, since the mapping gives them:
// cells.count, cells.zones, cells.names and every tenants key that places or counts tenants.
inline constexpr std::string_view kCellsKeysFromMapping[] = {"count", "zones", "names"};
inline constexpr std::string_view kTenantsKeysFromMapping[] = {
    "count", "shard_size", "placement", "zone_aware", "max_overlap", "shards"};

// Where `mapping` (as the scenario wrote it) is: an absolute path as is, a relative one next
// to the scenario file named `scenario_source`.
std::string mapping_path(std::string_view scenario_source, std::string_view mapping);

// Sets the scenario's cells (count, names, zones, zone names, capacities) and tenants
// (count, names, explicit shards in the file's preference order) from `doc`, read from the
// file `name`. Cells keep the file's order; their states are not carried (every cell starts
// active). Fails, naming the file, on a mapping with no cells or no tenants, or a shard
// longer than the simulator takes.
Status apply_mapping(const MappingDocument& doc, std::string_view name, Scenario& scenario);

}  // namespace cellkit::sim

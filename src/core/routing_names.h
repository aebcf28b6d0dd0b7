// Validation of the names and endpoints a routing snapshot carries (RoutingTable::build).
#pragma once

#include <string_view>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/routing_table.h"

namespace cellkit::detail {

// Sorts the addresses by cell and checks them against the sorted listed cells: none at all,
// or exactly one per listed cell, with non-empty unique names and well-formed endpoints.
Status check_addresses(std::vector<CellAddress>& addresses, const std::vector<CellId>& cells);

}  // namespace cellkit::detail

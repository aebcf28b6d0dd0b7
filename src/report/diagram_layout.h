// The diagram's nodes after aggregation, shared by the Mermaid and SVG renderers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cellkit/report/diagram.h"

namespace cellkit::report_internal {

struct CellNode {
  std::string label;        // a cell's name, or "zone-a: 40 cells"
  std::string zone;         // the zone it belongs to (or is)
  std::uint32_t cells = 0;  // cells it stands for
  std::uint32_t unhealthy = 0, draining = 0;
};

struct TenantNode {
  std::string label;                 // a tenant's name, or "312 tenants (tenant-4, ...)"
  std::uint64_t tenants = 0;         // tenants it stands for
  std::vector<std::uint32_t> cells;  // indices into DiagramNodes::cells, ascending
};

struct DiagramNodes {
  std::vector<CellNode> cells;         // in zone order, then cell order
  std::vector<std::string> zones;      // distinct zones, in order of first cell
  std::vector<TenantNode> tenants;     // by tenant order (groups: largest first)
  std::uint64_t tenants_left_out = 0;  // tenants in groups not drawn
  std::string note;                    // what was aggregated; "" when nothing
};

DiagramNodes layout_nodes(const FleetDiagram& diagram, const DiagramLimits& limits);

// "healthy", "unhealthy", "partly unhealthy", "draining".
std::string health_class(const CellNode& node);

}  // namespace cellkit::report_internal

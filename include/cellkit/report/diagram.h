// The fleet as a diagram (control plane, router, cells by zone and health, tenants → cells),
// as Mermaid text or as SVG. Large fleets are aggregated so the picture stays readable:
// beyond `Limits::cells` cells, one node per zone; beyond `Limits::tenants` tenants, one node
// per group of tenants with the same cells (or the same zones, when cells are aggregated),
// the largest groups first. The diagram says what it aggregated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cellkit/core/fleet.h"
#include "cellkit/core/mapping.h"
#include "cellkit/core/tenant.h"

namespace cellkit {

enum class DiagramHealth : std::uint8_t { kHealthy, kUnhealthy, kDraining };

struct DiagramCell {
  std::string name;
  std::string zone;
  DiagramHealth health = DiagramHealth::kHealthy;
};

struct DiagramTenant {
  std::string name;
  std::vector<std::uint32_t> cells;  // indices into FleetDiagram::cells
};

struct FleetDiagram {
  std::vector<DiagramCell> cells;
  std::vector<DiagramTenant> tenants;
};

struct DiagramLimits {
  std::size_t cells = 50;     // more cells than this are drawn one node per zone
  std::size_t tenants = 100;  // more tenants than this are grouped; at most this many nodes
};

// The fleet's cells (zone names from `zone_names`, else "zone-<id>"; health from state and
// health checks) and every tenant of the mapping (named from `tenants`, else "tenant-<id>").
FleetDiagram diagram_of(const Fleet& fleet, const Mapping& mapping,
                        std::span<const Tenant> tenants = {},
                        std::span<const std::string> zone_names = {});

// Mermaid flowchart text (`graph LR`), under Mermaid's 50,000-character limit for any input
// within the limits' node counts; starts with a %% comment saying what was aggregated.
std::string render_diagram_mermaid(const FleetDiagram& diagram, const DiagramLimits& limits = {});

// One <svg class="diagram"> element; with `standalone`, an XML prolog too (a file of its own).
std::string render_diagram_svg(const FleetDiagram& diagram, const DiagramLimits& limits = {},
                               bool standalone = false);

// One sentence on what the diagram aggregated, or "" when it shows everything.
std::string diagram_note(const FleetDiagram& diagram, const DiagramLimits& limits = {});

}  // namespace cellkit

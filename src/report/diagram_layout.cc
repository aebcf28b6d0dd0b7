// Aggregates a fleet diagram into the nodes that are drawn: cells or zones, tenants or groups.
#include "report/diagram_layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "cellkit/report/svg_chart.h"

namespace cellkit::report_internal {
namespace {

std::vector<std::string> zones_in_order(const FleetDiagram& d) {
  std::vector<std::string> zones;
  for (const DiagramCell& c : d.cells) {
    if (std::find(zones.begin(), zones.end(), c.zone) == zones.end()) zones.push_back(c.zone);
  }
  return zones;
}

void count_health(const DiagramCell& c, CellNode& node) {
  ++node.cells;
  if (c.health == DiagramHealth::kUnhealthy) ++node.unhealthy;
  if (c.health == DiagramHealth::kDraining) ++node.draining;
}

// Cell nodes, and the node each cell of the diagram falls in.
std::vector<std::uint32_t> cell_nodes(const FleetDiagram& d, bool by_zone, DiagramNodes& out) {
  std::vector<std::uint32_t> node_of(d.cells.size());
  for (std::size_t z = 0; z < out.zones.size(); ++z) {
    if (by_zone) out.cells.push_back({.label = out.zones[z], .zone = out.zones[z]});
    for (std::size_t c = 0; c < d.cells.size(); ++c) {
      if (d.cells[c].zone != out.zones[z]) continue;
      if (!by_zone) out.cells.push_back({.label = d.cells[c].name, .zone = out.zones[z]});
      node_of[c] = static_cast<std::uint32_t>(out.cells.size() - 1);
      count_health(d.cells[c], out.cells.back());
    }
  }
  if (by_zone) {
    for (CellNode& n : out.cells)
      n.label = fmt::format("{}: {} cell{}", n.zone, n.cells, n.cells == 1 ? "" : "s");
  }
  return node_of;
}

std::vector<std::uint32_t> nodes_of(const DiagramTenant& t,
                                    const std::vector<std::uint32_t>& node_of) {
  std::vector<std::uint32_t> nodes;
  for (std::uint32_t c : t.cells) {
    if (c < node_of.size()) nodes.push_back(node_of[c]);
  }
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  return nodes;
}

std::string group_label(std::uint64_t tenants, const std::string& first) {
  if (tenants == 1) return first;
  return fmt::format("{} tenants ({}, ...)", chart::format_number(static_cast<double>(tenants)),
                     first);
}

// Tenants with the same nodes share one group; the largest groups (ties: first seen) are kept.
void tenant_groups(const FleetDiagram& d, const std::vector<std::uint32_t>& node_of,
                   std::size_t limit, DiagramNodes& out) {
  std::map<std::vector<std::uint32_t>, std::size_t> index;
  std::vector<TenantNode> groups;
  for (const DiagramTenant& t : d.tenants) {
    std::vector<std::uint32_t> nodes = nodes_of(t, node_of);
    const auto [it, fresh] = index.emplace(nodes, groups.size());
    if (fresh) groups.push_back({.label = t.name, .tenants = 0, .cells = std::move(nodes)});
    ++groups[it->second].tenants;
  }
  std::vector<std::size_t> order(groups.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return groups[a].tenants > groups[b].tenants;
  });
  const std::size_t kept = groups.size() > limit ? limit - 1 : groups.size();
  for (std::size_t i = 0; i < order.size(); ++i) {
    TenantNode& g = groups[order[i]];
    if (i >= kept) {
      out.tenants_left_out += g.tenants;
      continue;
    }
    g.label = group_label(g.tenants, g.label);
    out.tenants.push_back(std::move(g));
  }
}

std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string describe(const FleetDiagram& d, bool by_zone, bool grouped, const DiagramNodes& n,
                     const DiagramLimits& limits) {
  std::vector<std::string> parts;
  if (by_zone) {
    parts.push_back(fmt::format("{} cells are drawn as their {} (more than {} cells)",
                                d.cells.size(), plural(n.zones.size(), "zone"), limits.cells));
  }
  if (grouped) {
    parts.push_back(
        fmt::format("{} tenants are drawn as {} of tenants with the same {} (more than {} tenants)",
                    d.tenants.size(), plural(n.tenants.size(), "group"),
                    by_zone ? "zones" : "cells", limits.tenants));
  }
  if (n.tenants_left_out > 0) {
    parts.push_back(fmt::format("{} tenants in smaller groups are not drawn", n.tenants_left_out));
  }
  std::string note;
  for (const std::string& p : parts)
    note += (note.empty() ? "" : "; ") + p;
  return note.empty() ? note : note + ".";
}

}  // namespace

DiagramNodes layout_nodes(const FleetDiagram& d, const DiagramLimits& limits) {
  DiagramNodes out;
  out.zones = zones_in_order(d);
  const bool by_zone = d.cells.size() > limits.cells;
  const std::vector<std::uint32_t> node_of = cell_nodes(d, by_zone, out);
  const bool grouped = d.tenants.size() > limits.tenants;
  if (grouped) {
    tenant_groups(d, node_of, std::max<std::size_t>(limits.tenants, 2), out);
  } else {
    for (const DiagramTenant& t : d.tenants)
      out.tenants.push_back({.label = t.name, .tenants = 1, .cells = nodes_of(t, node_of)});
  }
  out.note = describe(d, by_zone, grouped, out, limits);
  return out;
}

std::string health_class(const CellNode& node) {
  if (node.unhealthy == node.cells && node.cells > 0) return "unhealthy";
  if (node.unhealthy > 0) return "partly unhealthy";
  if (node.draining > 0) return "draining";
  return "healthy";
}

}  // namespace cellkit::report_internal

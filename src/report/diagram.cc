// The fleet diagram: built from a fleet and mapping, rendered as Mermaid text or SVG.
#include "cellkit/report/diagram.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "cellkit/report/svg_chart.h"
#include "report/diagram_layout.h"

namespace cellkit {
namespace {

using report_internal::CellNode;
using report_internal::DiagramNodes;
using report_internal::health_class;
using report_internal::TenantNode;

DiagramHealth health_of(const Cell& c) {
  if (!c.healthy || c.state == CellState::kDisabled) return DiagramHealth::kUnhealthy;
  return c.state == CellState::kDraining ? DiagramHealth::kDraining : DiagramHealth::kHealthy;
}

// Labels are cut so that no name, however long, can push the text past Mermaid's limit.
std::string cut(std::string_view s, std::size_t most = 48) {
  return s.size() <= most ? std::string(s) : std::string(s.substr(0, most - 3)) + "...";
}

// Mermaid's quoted labels take any text but a double quote, written as an entity.
std::string mermaid_label(std::string_view s) {
  std::string out;
  for (char ch : cut(s))
    out += ch == '"' ? std::string("#quot;") : std::string(1, ch);
  return out;
}

std::string mermaid_class(const CellNode& n) {
  std::string c = health_class(n);
  std::replace(c.begin(), c.end(), ' ', '_');
  return c;
}

void mermaid_cells(const DiagramNodes& n, std::string& out) {
  out += "  subgraph cells[\"Cells\"]\n";
  if (n.cells.size() == n.zones.size() && n.cells.size() > 0 && n.cells.front().cells > 1) {
    for (std::size_t c = 0; c < n.cells.size(); ++c) {  // one node per zone: no zone boxes
      out += fmt::format("    c{}[\"{}\"]:::{}\n", c, mermaid_label(n.cells[c].label),
                         mermaid_class(n.cells[c]));
    }
    out += "  end\n";
    return;
  }
  for (std::size_t z = 0; z < n.zones.size(); ++z) {
    out += fmt::format("    subgraph z{}[\"{}\"]\n", z, mermaid_label(n.zones[z]));
    for (std::size_t c = 0; c < n.cells.size(); ++c) {
      if (n.cells[c].zone != n.zones[z]) continue;
      out += fmt::format("      c{}[\"{}\"]:::{}\n", c, mermaid_label(n.cells[c].label),
                         mermaid_class(n.cells[c]));
    }
    out += "    end\n";
  }
  out += "  end\n";
}

void mermaid_tenants(const DiagramNodes& n, std::string& out) {
  out += "  subgraph tenants[\"Tenants\"]\n";
  for (std::size_t t = 0; t < n.tenants.size(); ++t)
    out += fmt::format("    t{}[\"{}\"]\n", t, mermaid_label(n.tenants[t].label));
  if (n.tenants_left_out > 0)
    out += fmt::format("    rest[\"{} more tenants, not drawn\"]\n", n.tenants_left_out);
  out += "  end\n";
}

void mermaid_edges(const DiagramNodes& n, std::string& out) {
  for (std::size_t t = 0; t < n.tenants.size(); ++t) {
    for (std::uint32_t c : n.tenants[t].cells)
      out += fmt::format("  t{} -.-> c{}\n", t, c);
  }
}

// Fill and stroke per health class (SVG and Mermaid alike).
struct Colors {
  const char* fill;
  const char* stroke;
};

Colors colors_of(const std::string& health) {
  if (health == "unhealthy") return {"#ffccd5", "#c9184a"};
  if (health == "partly unhealthy") return {"#ffe5b4", "#d97706"};
  if (health == "draining") return {"#e9ecef", "#6c757d"};
  return {"#d8f3dc", "#2d6a4f"};
}

// SVG geometry: three columns (tenants, router, cells), one row per node.
constexpr double kRow = 24, kTop = 96, kWidth = 900;
constexpr double kTenantX = 20, kTenantW = 250, kRouterX = 345, kRouterW = 150, kCellX = 580,
                 kCellW = 230;

struct Rows {
  std::vector<double> cell_y, tenant_y;
  double height = 0;
};

Rows rows_of(const DiagramNodes& n) {
  Rows r;
  double y = kTop;
  for (std::size_t z = 0; z < n.zones.size(); ++z) {
    y += 22;  // the zone's heading
    for (const CellNode& c : n.cells) {
      if (c.zone != n.zones[z]) continue;
      r.cell_y.push_back(y);
      y += kRow;
    }
    y += 10;
  }
  double t = kTop + 22;
  for (std::size_t i = 0; i < n.tenants.size(); ++i, t += kRow)
    r.tenant_y.push_back(t);
  if (n.tenants_left_out > 0) t += kRow;
  r.height = std::max({y, t, kTop + 200}) + 40;
  return r;
}

std::string box(double x, double y, double w, double h, const char* fill, const char* stroke,
                const std::string& text, const char* cls) {
  return fmt::format(
      R"(<g class="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{}" stroke="{}"/>)"
      R"(<text x="{}" y="{}">{}</text></g>)",
      cls, x, y, w, h, fill, stroke, x + 8, y + h / 2 + 4, chart::escape_xml(text));
}

void svg_edges(const DiagramNodes& n, const Rows& r, std::string& out) {
  out += R"(<g class="edges" stroke="#7a8ca3" stroke-opacity=".45" fill="none">)";
  for (std::size_t t = 0; t < n.tenants.size(); ++t) {
    for (std::uint32_t c : n.tenants[t].cells) {
      const double y1 = r.tenant_y[t] + 9, y2 = r.cell_y[c] + 9;
      out += fmt::format(R"(<path d="M{},{} C{},{} {},{} {},{}"/>)", kTenantX + kTenantW, y1,
                         kRouterX + kRouterW / 2, y1, kRouterX + kRouterW / 2, y2, kCellX, y2);
    }
  }
  out += "</g>";
}

void svg_cells(const DiagramNodes& n, const Rows& r, std::string& out) {
  std::size_t row = 0;
  for (std::size_t z = 0; z < n.zones.size(); ++z) {
    const double first = r.cell_y[row];
    std::size_t count = 0;
    for (const CellNode& c : n.cells)
      count += c.zone == n.zones[z] ? 1 : 0;
    out += fmt::format(
        R"(<g class="zone"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="none" stroke="{}"/>)"
        R"(<text class="zone-name" x="{}" y="{}">{}</text></g>)",
        kCellX - 8, first - 20, kCellW + 16, static_cast<double>(count) * kRow + 22,
        chart::palette(z), kCellX - 2, first - 6, chart::escape_xml(cut(n.zones[z])));
    for (std::size_t i = 0; i < count; ++i, ++row) {
      const CellNode& c = n.cells[row];
      const std::string health = health_class(c);
      const Colors col = colors_of(health);
      const std::string text = c.cells > 1 || c.label != cut(c.label) ? cut(c.label, 30) : c.label;
      out += box(kCellX, r.cell_y[row], kCellW, 18, col.fill, col.stroke,
                 health == "healthy" ? text : text + " (" + health + ")", "cell");
    }
  }
}

void svg_tenants(const DiagramNodes& n, const Rows& r, std::string& out) {
  for (std::size_t t = 0; t < n.tenants.size(); ++t)
    out += box(kTenantX, r.tenant_y[t], kTenantW, 18, "#e7f0fb", "#0b5cad",
               cut(n.tenants[t].label, 36), "tenant");
  if (n.tenants_left_out > 0) {
    const double y = r.tenant_y.empty() ? kTop + 22 : r.tenant_y.back() + kRow;
    out += box(kTenantX, y, kTenantW, 18, "#f1f3f5", "#999",
               fmt::format("{} more tenants, not drawn", n.tenants_left_out), "tenant rest");
  }
}

void svg_planes(const Rows& r, std::string& out) {
  const double mid = (kTop + r.height - 40) / 2;
  out += box(kRouterX, 20, kRouterW, 40, "#fff3bf", "#b08900", "Control plane", "control-plane");
  out += fmt::format(
      R"svg(<path d="M{},60 V{}" stroke="#b08900" stroke-width="2" marker-end="url(#arrow)"/>)svg"
      R"(<text class="small" x="{}" y="80">routing table</text>)",
      kRouterX + kRouterW / 2, kTop - 4, kRouterX + kRouterW / 2 + 6);
  out += fmt::format(
      R"(<g class="router"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="#fff" )"
      R"(fill-opacity=".6" stroke="#444"/><text x="{}" y="{}" text-anchor="middle">Cell router</text>)"
      R"(<text class="small" x="{}" y="{}" text-anchor="middle">tenant → its cells</text></g>)",
      kRouterX, kTop, kRouterW, r.height - 40 - kTop, kRouterX + kRouterW / 2, mid,
      kRouterX + kRouterW / 2, mid + 16);
  out += fmt::format(R"(<text class="heading" x="{}" y="{}">Tenants</text>)"
                     R"(<text class="heading" x="{}" y="{}">Cells by zone</text>)",
                     kTenantX, kTop + 8, kCellX, kTop - 8);
}

constexpr std::size_t kMermaidLimit = 50'000;

std::string mermaid_text(const FleetDiagram& diagram, const DiagramLimits& limits);

}  // namespace

FleetDiagram diagram_of(const Fleet& fleet, const Mapping& mapping, std::span<const Tenant> tenants,
                        std::span<const std::string> zone_names) {
  FleetDiagram d;
  std::map<CellId, std::uint32_t> index;
  for (const Cell& c : fleet.cells()) {
    index[c.id] = static_cast<std::uint32_t>(d.cells.size());
    const auto z = static_cast<std::size_t>(raw(c.zone));
    d.cells.push_back({.name = c.name,
                       .zone = z < zone_names.size() ? zone_names[z] : fmt::format("zone-{}", z),
                       .health = health_of(c)});
  }
  std::map<TenantId, const Tenant*> named;
  for (const Tenant& t : tenants)
    named[t.id] = &t;
  for (const auto& [id, shard] : mapping) {
    const auto it = named.find(id);
    DiagramTenant t{
        .name = it != named.end() ? it->second->name : fmt::format("tenant-{}", raw(id)),
        .cells = {}};
    for (CellId c : shard) {
      if (const auto at = index.find(c); at != index.end()) t.cells.push_back(at->second);
    }
    d.tenants.push_back(std::move(t));
  }
  return d;
}

std::string diagram_note(const FleetDiagram& diagram, const DiagramLimits& limits) {
  return report_internal::layout_nodes(diagram, limits).note;
}

std::string render_diagram_mermaid(const FleetDiagram& diagram, const DiagramLimits& limits) {
  // Mermaid refuses text past 50,000 characters: fewer tenant nodes until it fits (many
  // zones with wide shards can need that even within the limits).
  DiagramLimits fitted = limits;
  std::string text = mermaid_text(diagram, fitted);
  while (text.size() >= kMermaidLimit && fitted.tenants > 2) {
    fitted.tenants /= 2;
    text = mermaid_text(diagram, fitted);
  }
  return text;
}

namespace {

std::string mermaid_text(const FleetDiagram& diagram, const DiagramLimits& limits) {
  const DiagramNodes n = report_internal::layout_nodes(diagram, limits);
  std::string out = fmt::format("%% cellkit fleet diagram: {} cells, {} tenants. {}\n",
                                diagram.cells.size(), diagram.tenants.size(),
                                n.note.empty() ? "Every cell and tenant is drawn." : n.note);
  out += "graph LR\n";
  out += "  cp[\"Control plane<br/>places tenants, publishes the routing table\"]\n";
  out += "  router[\"Cell router<br/>sends each tenant's requests to its cells\"]\n";
  out += "  cp -- routing table --> router\n";
  mermaid_tenants(n, out);
  mermaid_cells(n, out);
  out += "  tenants --> router\n  router --> cells\n";
  mermaid_edges(n, out);
  for (const char* cls : {"healthy", "unhealthy", "partly_unhealthy", "draining"}) {
    std::string name = cls;
    std::replace(name.begin(), name.end(), '_', ' ');
    const Colors c = colors_of(name);
    out += fmt::format("  classDef {} fill:{},stroke:{}\n", cls, c.fill, c.stroke);
  }
  return out;
}

}  // namespace

std::string render_diagram_svg(const FleetDiagram& diagram, const DiagramLimits& limits,
                               bool standalone) {
  const DiagramNodes n = report_internal::layout_nodes(diagram, limits);
  const Rows r = rows_of(n);
  std::string out = standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : "";
  out += fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="diagram" viewBox="0 0 {} {}" width="{}" )"
      R"(height="{}" role="img" aria-label="fleet diagram" data-cells="{}" data-tenants="{}">)",
      kWidth, r.height, kWidth, r.height, n.cells.size(), n.tenants.size());
  out +=
      "<style>text{font:12px sans-serif;fill:#222}.small{font-size:11px;fill:#555}"
      ".heading,.zone-name{font-weight:bold}</style>"
      R"(<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" )"
      R"(markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 Z" fill="#b08900"/></marker></defs>)";
  svg_edges(n, r, out);
  svg_planes(r, out);
  svg_tenants(n, r, out);
  svg_cells(n, r, out);
  if (!n.note.empty()) {
    out += fmt::format(R"(<text class="small note" x="20" y="{}">{}</text>)", r.height - 14,
                       chart::escape_xml(n.note));
  }
  return out + (standalone ? "</svg>\n" : "</svg>");
}

}  // namespace cellkit

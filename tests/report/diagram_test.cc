// Fleet diagrams: everything drawn up to the limits, aggregated beyond them (and said so),
// Mermaid text well formed and under Mermaid's 50,000-character limit.
#include "cellkit/report/diagram.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace cellkit {
namespace {

// `cells` cells in `zones` zones; tenant t on cells t, t+1, ..., t+k-1 (mod cells).
FleetDiagram fleet(std::size_t cells, std::size_t zones, std::size_t tenants, std::uint32_t k) {
  FleetDiagram d;
  for (std::size_t c = 0; c < cells; ++c)
    d.cells.push_back(
        {.name = "cell-" + std::to_string(c), .zone = "zone-" + std::to_string(c % zones)});
  for (std::size_t t = 0; t < tenants; ++t) {
    DiagramTenant tenant{.name = "tenant-" + std::to_string(t), .cells = {}};
    for (std::uint32_t i = 0; i < k; ++i)
      tenant.cells.push_back(static_cast<std::uint32_t>((t + i) % cells));
    d.tenants.push_back(tenant);
  }
  return d;
}

// Node declarations (id["label"]) and edge endpoints, and subgraph/end balance.
struct Parsed {
  std::set<std::string> declared, used;
  int depth = 0, max_depth = 0;
  bool balanced = true;
  std::size_t edges = 0;
};

Parsed parse(const std::string& text) {
  Parsed p;
  std::istringstream in(text);
  std::string line;
  const std::regex node(R"(^\s*(\w+)\[".*"\](:::\w+)?$)");
  const std::regex edge(R"(^\s*(\w+) (-\.->|-->|-- [a-z ]+ -->) (\w+)$)");
  const std::regex subgraph(R"(^\s*subgraph (\w+)\[".*"\]$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, subgraph)) {
      p.declared.insert(m[1]);
      p.max_depth = std::max(p.max_depth, ++p.depth);
    }
    if (line.find_first_not_of(' ') != std::string::npos &&
        line.substr(line.find_first_not_of(' ')) == "end") {
      if (--p.depth < 0) p.balanced = false;
    } else if (std::regex_match(line, m, node)) {
      p.declared.insert(m[1]);
    } else if (std::regex_match(line, m, edge)) {
      p.used.insert(m[1]);
      p.used.insert(m[3]);
      ++p.edges;
    }
  }
  p.balanced = p.balanced && p.depth == 0;
  return p;
}

// Three cells in two zones (cell-2 unhealthy) and the tenants `names` on the cells `shards`.
FleetDiagram small(std::vector<std::string> names, std::vector<std::vector<std::uint32_t>> shards) {
  FleetDiagram d;
  d.cells = {{.name = "cell-0", .zone = "zone-a"},
             {.name = "cell-1", .zone = "zone-b"},
             {.name = "cell-2", .zone = "zone-a", .health = DiagramHealth::kUnhealthy}};
  for (std::size_t t = 0; t < names.size(); ++t)
    d.tenants.push_back({.name = names[t], .cells = shards[t]});
  return d;
}

const std::string kMermaidPlanes =
    "graph LR\n"
    "  cp[\"Control plane<br/>places tenants, publishes the routing table\"]\n"
    "  router[\"Cell router<br/>sends each tenant's requests to its cells\"]\n"
    "  cp -- routing table --> router\n";
const std::string kMermaidClasses =
    "  classDef healthy fill:#d8f3dc,stroke:#2d6a4f\n"
    "  classDef unhealthy fill:#ffccd5,stroke:#c9184a\n"
    "  classDef partly_unhealthy fill:#ffe5b4,stroke:#d97706\n"
    "  classDef draining fill:#e9ecef,stroke:#6c757d\n";

TEST(Diagram, MermaidDrawsCellsInZoneBoxesAndEveryTenantsEdges) {
  const FleetDiagram d = small({"alpha", "beta \"q\""}, {{0, 1}, {2, 0}});
  EXPECT_EQ(render_diagram_mermaid(d),
            "%% cellkit fleet diagram: 3 cells, 2 tenants. Every cell and tenant is drawn.\n" +
                kMermaidPlanes +
                "  subgraph tenants[\"Tenants\"]\n"
                "    t0[\"alpha\"]\n"
                "    t1[\"beta #quot;q#quot;\"]\n"
                "  end\n"
                "  subgraph cells[\"Cells\"]\n"
                "    subgraph z0[\"zone-a\"]\n"
                "      c0[\"cell-0\"]:::healthy\n"
                "      c1[\"cell-2\"]:::unhealthy\n"
                "    end\n"
                "    subgraph z1[\"zone-b\"]\n"
                "      c2[\"cell-1\"]:::healthy\n"
                "    end\n"
                "  end\n"
                "  tenants --> router\n"
                "  router --> cells\n"
                "  t0 -.-> c0\n"
                "  t0 -.-> c2\n"
                "  t1 -.-> c0\n"
                "  t1 -.-> c1\n" +
                kMermaidClasses);
}

TEST(Diagram, MermaidDrawsZonesAndTheLargestGroupAndCountsTheRest) {
  // Over both limits: zone-a stands for cell-0 and the unhealthy cell-2; alpha and gamma
  // share both zones, beta and delta are groups of one, left out.
  const FleetDiagram d = small({"alpha", "beta", "gamma", "delta"}, {{0, 1}, {2, 0}, {1, 0}, {1}});
  const DiagramLimits limits{.cells = 2, .tenants = 2};
  const std::string note =
      "3 cells are drawn as their 2 zones (more than 2 cells); 4 tenants are drawn as 1 group of "
      "tenants with the same zones (more than 2 tenants); 2 tenants in smaller groups are not "
      "drawn.";
  EXPECT_EQ(diagram_note(d, limits), note);
  EXPECT_EQ(render_diagram_mermaid(d, limits),
            "%% cellkit fleet diagram: 3 cells, 4 tenants. " + note + "\n" + kMermaidPlanes +
                "  subgraph tenants[\"Tenants\"]\n"
                "    t0[\"2 tenants (alpha, ...)\"]\n"
                "    rest[\"2 more tenants, not drawn\"]\n"
                "  end\n"
                "  subgraph cells[\"Cells\"]\n"
                "    c0[\"zone-a: 2 cells\"]:::partly_unhealthy\n"
                "    c1[\"zone-b: 1 cell\"]:::healthy\n"
                "  end\n"
                "  tenants --> router\n"
                "  router --> cells\n"
                "  t0 -.-> c0\n"
                "  t0 -.-> c1\n" +
                kMermaidClasses);
}

// Geometry by hand: one zone box at the cells' column (x 580), one tenant row at y 118, the
// router from y 96 down to the height less 40 (the height is at least 96 + 200 + 40).
TEST(Diagram, SvgDrawsTheTenantTheRouterAndTheZoneWithItsCell) {
  FleetDiagram d;
  d.cells = {{.name = "cell-0", .zone = "zone-a", .health = DiagramHealth::kUnhealthy}};
  d.tenants = {{.name = "a<b", .cells = {0}}};
  EXPECT_EQ(
      render_diagram_svg(d),
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="diagram" viewBox="0 0 900 336" )"
      R"(width="900" height="336" role="img" aria-label="fleet diagram" data-cells="1" )"
      R"(data-tenants="1">)"
      "<style>text{font:12px sans-serif;fill:#222}.small{font-size:11px;fill:#555}"
      ".heading,.zone-name{font-weight:bold}</style>"
      R"(<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" )"
      R"(markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 Z" fill="#b08900"/></marker></defs>)"
      R"(<g class="edges" stroke="#7a8ca3" stroke-opacity=".45" fill="none">)"
      R"(<path d="M270,127 C420,127 420,127 580,127"/></g>)"
      R"(<g class="control-plane"><rect x="345" y="20" width="150" height="40" rx="4" )"
      R"(fill="#fff3bf" stroke="#b08900"/><text x="353" y="44">Control plane</text></g>)"
      R"svg(<path d="M420,60 V92" stroke="#b08900" stroke-width="2" marker-end="url(#arrow)"/>)svg"
      R"(<text class="small" x="426" y="80">routing table</text>)"
      R"(<g class="router"><rect x="345" y="96" width="150" height="200" rx="6" fill="#fff" )"
      R"(fill-opacity=".6" stroke="#444"/><text x="420" y="196" text-anchor="middle">Cell )"
      R"(router</text><text class="small" x="420" y="212" text-anchor="middle">tenant → its )"
      R"(cells</text></g>)"
      R"(<text class="heading" x="20" y="104">Tenants</text>)"
      R"(<text class="heading" x="580" y="88">Cells by zone</text>)"
      R"(<g class="tenant"><rect x="20" y="118" width="250" height="18" rx="4" fill="#e7f0fb" )"
      R"(stroke="#0b5cad"/><text x="28" y="131">a&lt;b</text></g>)"
      R"(<g class="zone"><rect x="572" y="98" width="246" height="46" rx="6" fill="none" )"
      R"(stroke="#0072B2"/><text class="zone-name" x="578" y="112">zone-a</text></g>)"
      R"(<g class="cell"><rect x="580" y="118" width="230" height="18" rx="4" fill="#ffccd5" )"
      R"(stroke="#c9184a"/><text x="588" y="131">cell-0 (unhealthy)</text></g>)"
      "</svg>");
}

TEST(Diagram, DrawsEveryCellAndTenantUpToTheLimits) {
  const FleetDiagram d = fleet(50, 5, 100, 3);
  const std::string svg = render_diagram_svg(d);
  EXPECT_NE(svg.find("data-cells=\"50\" data-tenants=\"100\""), std::string::npos);
  EXPECT_EQ(diagram_note(d), "");
  const std::string mermaid = render_diagram_mermaid(d);
  EXPECT_NE(mermaid.find("Every cell and tenant is drawn."), std::string::npos);
  EXPECT_EQ(parse(mermaid).edges, 100u * 3 + 3);  // tenant edges, plus cp, tenants, router
}

TEST(Diagram, MoreThanFiftyCellsAreDrawnByZone) {
  const FleetDiagram d = fleet(51, 3, 10, 2);
  EXPECT_NE(render_diagram_svg(d).find("data-cells=\"3\""), std::string::npos);
  EXPECT_EQ(diagram_note(d), "51 cells are drawn as their 3 zones (more than 50 cells).");
}

TEST(Diagram, MoreThanAHundredTenantsAreGroupedBySameCells) {
  // 101 tenants on 10 cells with k = 2: 10 distinct shards, so 10 groups.
  const FleetDiagram d = fleet(10, 2, 101, 2);
  EXPECT_NE(render_diagram_svg(d).find("data-tenants=\"10\""), std::string::npos);
  EXPECT_EQ(diagram_note(d),
            "101 tenants are drawn as 10 groups of tenants with the same cells (more than 100 "
            "tenants).");
  EXPECT_NE(render_diagram_mermaid(d).find("11 tenants (tenant-0, ...)"), std::string::npos);
}

TEST(Diagram, TooManyGroupsKeepTheLargestAndCountTheRest) {
  const FleetDiagram d = fleet(40, 4, 1000, 3);  // 40 distinct shards of 25 tenants
  const DiagramLimits limits{.cells = 50, .tenants = 20};
  EXPECT_NE(render_diagram_svg(d, limits).find("data-tenants=\"19\""), std::string::npos);
  EXPECT_EQ(diagram_note(d, limits),
            "1000 tenants are drawn as 19 groups of tenants with the same cells (more than 20 "
            "tenants); 525 tenants in smaller groups are not drawn.");
}

TEST(Diagram, MermaidIsWellFormedAndUnderTheLimitForAHugeFleet) {
  // 5,000 cells and 200,000 tenants with long names, each on 16 cells.
  FleetDiagram d = fleet(5000, 200, 200'000, 16);
  for (DiagramCell& c : d.cells)
    c.zone += std::string(100, 'z');
  for (DiagramTenant& t : d.tenants)
    t.name += std::string(200, 'n');
  const std::string text = render_diagram_mermaid(d);
  EXPECT_LT(text.size(), 50'000u);
  const Parsed p = parse(text);
  EXPECT_TRUE(p.balanced);
  EXPECT_EQ(p.max_depth, 1);  // zones are nodes themselves: no zone boxes
  for (const std::string& id : p.used)
    EXPECT_TRUE(p.declared.contains(id)) << id;
}

}  // namespace
}  // namespace cellkit

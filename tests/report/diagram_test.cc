// Fleet diagrams: everything drawn up to the limits, aggregated beyond them (and said so),
// Mermaid text well formed and under Mermaid's 50,000-character limit.
#include "cellkit/report/diagram.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

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
  EXPECT_NE(diagram_note(d, limits).find("525 tenants in smaller groups are not drawn"),
            std::string::npos);
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

TEST(Diagram, LabelsCannotBreakMermaidQuotes) {
  FleetDiagram d = fleet(3, 1, 2, 2);
  d.tenants[0].name = "evil\"]; click";
  const std::string text = render_diagram_mermaid(d);
  EXPECT_EQ(text.find("evil\""), std::string::npos);
  EXPECT_NE(text.find("evil#quot;"), std::string::npos);
}

TEST(Diagram, UnhealthyCellsAreMarked) {
  FleetDiagram d = fleet(4, 2, 2, 2);
  d.cells[1].health = DiagramHealth::kUnhealthy;
  EXPECT_NE(render_diagram_mermaid(d).find("c2[\"cell-1\"]:::unhealthy"), std::string::npos);
}

}  // namespace
}  // namespace cellkit

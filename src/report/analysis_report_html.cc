// The HTML report of `cellkit analyze`: overlap beside random, poison-pill impact, load per
// cell and zone, the worst cells and zones, and the fleet.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <numeric>

#include "cellkit/report/html_page.h"
#include "cellkit/report/html_reports.h"
#include "cellkit/report/math_report.h"
#include "report/report_charts.h"

namespace cellkit {
namespace {

using chart::Chart;
using chart::Kind;
using chart::Series;

constexpr std::size_t kWorstShown = 10;

std::string count(std::uint64_t n) {
  return with_separators(n);
}

Chart overlap_chart(const AnalysisResult& r) {
  std::vector<std::uint64_t> pairs;
  std::vector<double> expected;
  for (const OverlapRow& row : r.overlap) {
    pairs.push_back(row.pairs);
    expected.push_back(row.expected);
  }
  return report_internal::overlap_chart("overlap", {{"this mapping", pairs}}, expected);
}

Chart poison_chart(const ImpactHistogram& h, std::string id, std::string title,
                   std::string x_label) {
  Chart c = report_internal::histogram_chart(h, std::move(id), std::move(title), std::move(x_label),
                                             "tenants sending the pill (log scale)");
  c.y.log = true;
  c.series.front().color = "#D55E00";
  return c;
}

Chart load_chart(const std::vector<UnitDetail>& units, std::string id, std::string title,
                 std::string x_label) {
  Chart c{.id = std::move(id), .title = std::move(title), .kind = Kind::kBars};
  c.x.label = std::move(x_label);
  c.y.label = "load (tenant weight, spread over each shard)";
  Series weight{.name = "weight"};
  for (const UnitDetail& u : units) {
    c.categories.push_back(u.name);
    weight.y.push_back(u.weight);
  }
  c.series.push_back(std::move(weight));
  if (units.size() > 216)
    c.note = "Many cells: each bar spans the least to the most loaded of its cells.";
  return c;
}

std::vector<std::size_t> worst_first(const std::vector<UnitDetail>& units) {
  std::vector<std::size_t> order(units.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Impact& x = units[a].loss;
    const Impact& y = units[b].loss;
    if (x.fully_down != y.fully_down) return x.fully_down > y.fully_down;
    if (x.degraded != y.degraded) return x.degraded > y.degraded;
    return units[a].weight > units[b].weight;
  });
  if (order.size() > kWorstShown) order.resize(kWorstShown);
  return order;
}

html::Table worst_table(const std::vector<UnitDetail>& units, const char* unit) {
  html::Table t{
      .header = {unit, "zone", "tenants", "load", "fully down if lost", "degraded if lost"},
      .rows = {},
      .numeric = {false, false, true, true, true, true}};
  for (std::size_t i : worst_first(units)) {
    const UnitDetail& u = units[i];
    t.rows.push_back({u.name, u.zone, chart::format_number(u.tenants), format_measure(u.weight),
                      count(u.loss.fully_down), count(u.loss.degraded)});
  }
  return t;
}

void summary(const AnalysisResult& r, html::Page& page) {
  page.section("Summary", "summary");
  page.facts(
      {{"tenants", count(r.tenants)},
       {"cells", count(r.cells)},
       {"zones", count(r.zones)},
       {"most cells two tenants share", count(r.max_overlap)},
       {"tenants sharing their exact cells", count(r.identical_tenants)},
       {"worst poison pill: others fully down", count(r.poison.worst.impact.fully_down - 1)},
       {"worst cell loss: tenants fully down", count(r.cell_failure.worst.impact.fully_down)}});
  page.paragraph(fmt::format(
      "Worst poison pill: {} (cells {}) puts {} other tenants fully down and degrades {}. "
      "Worst single cell to lose: {} ({} tenants fully down, {} degraded).",
      r.poison.worst.name, fmt::format("{}", fmt::join(r.poison.worst.cells, ", ")),
      count(r.poison.worst.impact.fully_down - 1), count(r.poison.worst.impact.degraded),
      r.cell_failure.worst.name, count(r.cell_failure.worst.impact.fully_down),
      count(r.cell_failure.worst.impact.degraded)));
}

void overlap(const AnalysisResult& r, html::Page& page) {
  page.section("Pair overlap", "overlap");
  page.paragraph(
      fmt::format("{} tenant pairs. The random expectation is {} for the same shard "
                  "sizes; fewer pairs at high overlap than random is better.",
                  with_separators(r.tenant_pairs), r.expectation_model));
  page.chart(overlap_chart(r));
}

void poison(const AnalysisResult& r, html::Page& page) {
  page.section("Poison pills", "poison");
  page.paragraph(fmt::format(
      "For every tenant: if its requests crash every cell of its shard, how many other tenants "
      "lose all their cells, and how many lose some? Mean {} fully down and {} degraded; "
      "99th percentile {} and {}.",
      format_measure(r.poison.mean_others_fully_down), format_measure(r.poison.mean_degraded),
      count(r.poison.p99_others_fully_down), count(r.poison.p99_degraded)));
  page.chart(poison_chart(r.poison_others_down, "poison-down",
                          "How many other tenants does one poison pill put fully down?",
                          "other tenants fully down"));
  page.chart(poison_chart(r.poison_degraded, "poison-degraded",
                          "How many tenants does one poison pill degrade?", "tenants degraded"));
}

void load(const AnalysisResult& r, html::Page& page) {
  page.section("Load and the worst failures", "load");
  page.chart(
      load_chart(r.cell_details, "cell-load", "How much load does each cell carry?", "cell"));
  if (!r.zone_details.empty())
    page.chart(
        load_chart(r.zone_details, "zone-load", "How much load does each zone carry?", "zone"));
  page.paragraph("The cells whose loss alone hurts the most tenants:");
  page.table(worst_table(r.cell_details, "cell"));
  if (!r.zone_details.empty()) {
    page.paragraph("The zones whose loss hurts the most tenants:");
    page.table(worst_table(r.zone_details, "zone"));
  }
}

}  // namespace

std::string render_analysis_html(const AnalysisResult& r, const AnalysisSource& source,
                                 const FleetDiagram* diagram) {
  html::Page page(fmt::format("Analysis: {}", source.path),
                  fmt::format("{} tenants on {} cells in {} zones", count(r.tenants),
                              count(r.cells), count(r.zones)));
  summary(r, page);
  overlap(r, page);
  poison(r, page);
  load(r, page);
  if (diagram != nullptr) report_internal::diagram_section(*diagram, page);
  return page.render();
}

}  // namespace cellkit

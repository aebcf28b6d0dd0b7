// The HTML reports of `cellkit place` (load per cell, overlap, the fleet) and `cellkit
// rebalance` (load per cell before and after, moves per cell, overlap before and after).
#include <fmt/format.h>

#include <map>

#include "cellkit/core/placement_summary.h"
#include "cellkit/report/html_page.h"
#include "cellkit/report/html_reports.h"
#include "report/report_charts.h"

namespace cellkit {
namespace {

using chart::Chart;
using chart::Kind;
using chart::Series;

// Load (sum of tenant weights) per cell of `fleet`, in fleet order.
std::vector<double> loads(const Placement& p, const Fleet& fleet) {
  std::map<TenantId, std::uint32_t> weight;
  for (const Tenant& t : p.tenants)
    weight[t.id] = t.weight;
  std::map<CellId, double> by_cell;
  for (const auto& [tenant, shard] : p.mapping) {
    const auto it = weight.find(tenant);
    for (CellId c : shard)
      by_cell[c] += it == weight.end() ? 1.0 : it->second;
  }
  std::vector<double> out;
  for (const Cell& c : fleet.cells())
    out.push_back(by_cell.contains(c.id) ? by_cell[c.id] : 0.0);
  return out;
}

Chart load_chart(const Fleet& fleet,
                 std::vector<std::pair<std::string, std::vector<double>>> series) {
  Chart c{.id = "cell-load", .title = "How much load does each cell carry?", .kind = Kind::kBars};
  c.x.label = "cell";
  c.y.label = "load (sum of tenant weights)";
  for (const Cell& cell : fleet.cells())
    c.categories.push_back(cell.name);
  const char* colors[] = {"#999999", "#0072B2"};
  for (std::size_t i = 0; i < series.size(); ++i) {
    c.series.push_back({.name = std::move(series[i].first),
                        .y = std::move(series[i].second),
                        .color = series.size() == 1 ? "#0072B2" : colors[i % 2]});
  }
  if (c.categories.size() > 216)
    c.note = "Many cells: each bar spans the least to the most loaded of its cells.";
  return c;
}

std::string spread_text(const LoadSpread& l) {
  return fmt::format("{} to {} (mean {:.2f}, sd {:.2f})", l.min, l.max, l.mean, l.stddev);
}

void overlap_section(const report_internal::PairCounts& counts, html::Page& page) {
  page.section("Pair overlap", "overlap");
  for (const auto& [name, pairs] : counts) {
    if (pairs.empty()) {
      page.paragraph(
          fmt::format("Overlap of {} not counted: the mapping is too large for the "
                      "summary's work limit (use cellkit analyze).",
                      name));
      return;
    }
  }
  page.paragraph(
      "Fewer pairs sharing many cells means a poison pill or a lost set of cells hurts "
      "fewer tenants. `cellkit analyze` compares with a random placement.");
  page.chart(report_internal::overlap_chart("overlap", counts, {}));
}

std::map<CellId, std::pair<double, double>> moves_by_cell(const RebalancePlan& plan) {
  std::map<CellId, std::pair<double, double>> out;
  for (const Move& m : plan.moves) {
    out[m.from].first += 1;
    out[m.to].second += 1;
  }
  return out;
}

Chart moves_chart(const Fleet& cells, const RebalancePlan& plan) {
  Chart c{.id = "moves", .title = "Which cells do tenants move off and onto?", .kind = Kind::kBars};
  c.x.label = "cell";
  c.y.label = "tenant moves";
  Series off{.name = "moves off the cell", .color = "#D55E00"};
  Series onto{.name = "moves onto the cell", .color = "#009E73"};
  const auto moves = moves_by_cell(plan);
  for (const Cell& cell : cells.cells()) {
    c.categories.push_back(cell.name);
    const auto it = moves.find(cell.id);
    off.y.push_back(it == moves.end() ? 0 : it->second.first);
    onto.y.push_back(it == moves.end() ? 0 : it->second.second);
  }
  c.series = {std::move(off), std::move(onto)};
  return c;
}

// Every cell of either fleet, in id order: removed cells stay in the charts with load 0 after.
Fleet union_of(const Fleet& before, const Fleet& after) {
  Fleet all = after;
  for (const Cell& c : before.cells()) {
    if (all.find_cell(c.id) == nullptr) (void)all.add(c);
  }
  return all;
}

}  // namespace

std::string render_placement_html(const Placement& p, std::span<const std::string> zone_names,
                                  const std::string& title) {
  const PlacementSummary s = summarize(p);
  html::Page page(title,
                  fmt::format("{} tenants on {} cells, strategy {}, seed {}", p.mapping.size(),
                              p.fleet.size(), to_string(p.options.strategy), p.options.seed));
  page.section("Load per cell", "load");
  page.facts({{"tenants placed", std::to_string(p.mapping.size())},
              {"cells", std::to_string(p.fleet.size())},
              {"load per cell", spread_text(s.load)}});
  page.chart(load_chart(p.fleet, {{"load", loads(p, p.fleet)}}));
  overlap_section({{"this placement", s.pairs_by_overlap}}, page);
  report_internal::diagram_section(diagram_of(p.fleet, p.mapping, p.tenants, zone_names), page);
  return page.render();
}

std::string render_rebalance_html(const Placement& before, const Placement& after,
                                  const Fleet& target, const RebalancePlan& plan,
                                  std::span<const std::string> zone_names,
                                  const std::string& title) {
  const Fleet all = union_of(before.fleet, target);
  html::Page page(
      title, fmt::format("{} moves for {} tenants; {} cells before, {} after", plan.moves.size(),
                         before.mapping.size(), before.fleet.size(), target.size()));
  page.section("Load per cell", "load");
  std::vector<std::pair<std::string, std::string>> facts = {
      {"moves", std::to_string(plan.moves.size())},
      {"required moves (off drained, removed or full cells)",
       std::to_string(plan.required - plan.clearing)}};
  if (plan.clearing > 0) {
    facts.emplace_back("moves clearing the way for them (other tenants moved aside)",
                       std::to_string(plan.clearing));
  }
  facts.emplace_back("load before", spread_text(load_spread(before)));
  facts.emplace_back("load after", spread_text(load_spread(after)));
  page.facts(facts);
  page.chart(load_chart(all, {{"before", loads(before, all)}, {"after", loads(after, all)}}));
  page.section("Moves per cell", "moves");
  page.chart(moves_chart(all, plan));
  overlap_section({{"before", summarize(before).pairs_by_overlap},
                   {"after", summarize(after).pairs_by_overlap}},
                  page);
  report_internal::diagram_section(
      diagram_of(after.fleet, after.mapping, after.tenants, zone_names), page,
      "health checks and state after the plan");
  return page.render();
}

}  // namespace cellkit

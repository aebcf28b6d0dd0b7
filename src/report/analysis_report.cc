// Text and JSON renderings of the mapping analyzer.
#include "cellkit/report/analysis_report.h"

#include <iterator>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cellkit/report/math_report.h"
#include "cellkit/report/number_style.h"

namespace cellkit {
namespace {

using Json = nlohmann::ordered_json;
using Out = std::back_insert_iterator<std::string>;

// Measured values in the shared style (number_style.h): two decimals, separators.
std::string num(double value) {
  return format_measure(value);
}
std::string count(std::uint64_t value) {
  return format_count(value);
}
std::string plural(std::uint64_t n, std::string_view word) {
  return fmt::format("{} {}{}", count(n), word, n == 1 ? "" : "s");
}

void write_header(Out out, const AnalysisResult& r, const AnalysisSource& src) {
  fmt::format_to(out, "cellkit analyze: {}\n", src.path);
  if (src.skipped_lines > 0) {
    fmt::format_to(out, "  skipped {} of {} (--lenient)\n", plural(src.skipped_lines, "bad line"),
                   count(src.lines));
  }
  std::vector<std::string> sizes;
  for (const auto& [k, n] : r.shard_sizes)
    sizes.push_back(fmt::format("{} for {}", k, plural(n, "tenant")));
  fmt::format_to(out, "  {} on {} in {}; shard sizes: {}\n", plural(r.tenants, "tenant"),
                 plural(r.cells, "cell"), plural(r.zones, "zone"), fmt::join(sizes, ", "));
  for (const auto& [cells, state] :
       {std::pair{&r.draining_cells, "draining"}, std::pair{&r.disabled_cells, "disabled"}}) {
    if (cells->empty()) continue;
    fmt::format_to(out, "  {}: {} (left out of the load statistics and the random baseline)\n",
                   state, fmt::join(*cells, ", "));
  }
  if (!r.fill) return;
  fmt::format_to(out, "  fill: {} of the bound {} tenants under max overlap {} ({})\n",
                 count(r.fill->placed), count(r.fill->bound), r.fill->max_overlap,
                 format_percent(r.fill->fill));
}

void write_overlap(Out out, const AnalysisResult& r) {
  fmt::format_to(out, "\nPair overlap: {} pairs, beside a random placement ({})\n",
                 with_separators(r.tenant_pairs), r.expectation_model);
  TextTable table({{"shared"}, {"pairs"}, {"expected if random"}});
  for (const OverlapRow& row : r.overlap)
    table.add_row({std::to_string(row.overlap), count(row.pairs), num(row.expected)});
  fmt::format_to(out, "{}", table.render());
  std::vector<std::string> pairs;
  for (const auto& [a, b] : r.max_overlap_examples)
    pairs.push_back(a + " & " + b);
  if (r.max_overlap == 0) {
    fmt::format_to(out, "  max overlap: no two tenants share a cell\n");
  } else {
    fmt::format_to(out, "  max overlap: {} shared by {}, first: {}\n",
                   plural(r.max_overlap, "cell"), plural(r.max_overlap_pairs, "pair"),
                   fmt::join(pairs, ", "));
  }
  if (r.identical_groups == 0) {
    fmt::format_to(out, "  identical cell sets: none\n");
    return;
  }
  fmt::format_to(out, "  identical cell sets: {} held by {}; largest:\n",
                 plural(r.identical_groups, "set"), plural(r.identical_tenants, "tenant"));
  for (const TenantGroup& g : r.largest_groups) {
    fmt::format_to(out, "    {} ({}: {}{})\n", fmt::join(g.cells, ","), plural(g.tenants, "tenant"),
                   fmt::join(g.examples, ", "), g.tenants > g.examples.size() ? ", ..." : "");
  }
}

std::string unit(const NamedImpact& n) {
  if (n.cells.empty() || (n.cells.size() == 1 && n.cells[0] == n.name)) return n.name;
  return fmt::format("{} ({})", n.name, fmt::join(n.cells, ","));
}

void write_poison(Out out, const AnalysisResult& r) {
  const PoisonSummary& p = r.poison;
  fmt::format_to(out, "\nPoison pill: a tenant kills every cell of its shard\n");
  TextTable table({{"", Align::kLeft}, {"others down"}, {"degraded"}});
  table.add_row({"worst: " + p.worst.name, count(p.worst.impact.fully_down - 1),
                 count(p.worst.impact.degraded)});
  table.add_row({"p99", count(p.p99_others_fully_down), count(p.p99_degraded)});
  table.add_row({"mean", num(p.mean_others_fully_down), num(p.mean_degraded)});
  fmt::format_to(out, "{}", table.render());
  fmt::format_to(out, "  the worst poisoner's cells: {}\n", fmt::join(p.worst.cells, ","));
  if (r.chosen_tenant) {
    const Impact& i = r.chosen_tenant->impact;
    fmt::format_to(
        out, "  --tenant {}: {} fully down (itself included), {} degraded, {} untouched\n",
        unit(*r.chosen_tenant), count(i.fully_down), count(i.degraded), count(i.untouched));
  }
}

std::vector<std::string> impact_row(const std::string& label, const Impact& i) {
  return {label, count(i.fully_down), count(i.degraded), count(i.untouched)};
}

void add_failure_summary(TextTable& table, const FailureSummary& s, std::string_view what) {
  table.add_row(impact_row(fmt::format("worst {}: {}", what, s.worst.name), s.worst.impact));
  table.add_row({fmt::format("mean over {}", plural(s.units, std::string(what))),
                 num(s.mean_fully_down), num(s.mean_degraded), ""});
}

void write_failures(Out out, const AnalysisResult& r) {
  fmt::format_to(out, "\nCell and zone failures: tenants hurt\n");
  TextTable table({{"", Align::kLeft}, {"fully down"}, {"degraded"}, {"untouched"}});
  add_failure_summary(table, r.cell_failure, "cell");
  if (r.zone_failure) add_failure_summary(table, *r.zone_failure, "zone");
  if (r.chosen_failure)
    table.add_row(impact_row("--fail " + r.chosen_failure->name, r.chosen_failure->impact));
  fmt::format_to(out, "{}", table.render());
}

// One row of the load table; every statistic with two decimals so the columns line up.
void add_load_row(TextTable& table, std::string label, const LoadStats& s) {
  table.add_row({std::move(label), num(s.min), num(s.max), num(s.mean), num(s.sd),
                 num(s.max_over_mean), s.busiest});
}

void write_headroom(Out out, std::string_view what, const Headroom& h) {
  if (h.busiest_after.empty()) {
    fmt::format_to(out, "  if {} {} fails, no cell survives\n", what, h.failed);
    return;
  }
  if (h.peak_after == 0) {  // every tenant weighs 0: a ratio to the mean says nothing
    fmt::format_to(out, "  if {} {} fails, the surviving cells carry no weight\n", what, h.failed);
    return;
  }
  fmt::format_to(out,
                 "  if {} {} fails: busiest surviving cell {} carries {} (busiest before: {}; "
                 "{}x the mean)\n",
                 what, h.failed, h.busiest_after, num(h.peak_after), num(h.peak_before),
                 num(h.peak_after_over_mean));
}

void write_load(Out out, const AnalysisResult& r) {
  fmt::format_to(out, "\nLoad: a tenant's weight spread evenly over its shard\n");
  TextTable table({{"", Align::kLeft},
                   {"min"},
                   {"max"},
                   {"mean"},
                   {"sd"},
                   {"max/mean"},
                   {"busiest", Align::kLeft}});
  add_load_row(table, "tenants/cell", r.cell_tenants);
  add_load_row(table, "weight/cell", r.cell_weight);
  if (r.zone_tenants) add_load_row(table, "tenants/zone", *r.zone_tenants);
  if (r.zone_weight) add_load_row(table, "weight/zone", *r.zone_weight);
  fmt::format_to(out, "{}", table.render());
  write_headroom(out, "cell", r.cell_headroom);
  if (r.zone_headroom) write_headroom(out, "zone", *r.zone_headroom);
}

Json impact_json(const Impact& i) {
  return {{"fully_down", i.fully_down}, {"degraded", i.degraded}, {"untouched", i.untouched}};
}

Json named_json(const NamedImpact& n) {
  Json j = {{"name", n.name}, {"cells", n.cells}};
  j.update(impact_json(n.impact));
  return j;
}

Json failure_json(const FailureSummary& s) {
  return {{"units", s.units},
          {"worst", named_json(s.worst)},
          {"mean_fully_down", s.mean_fully_down},
          {"mean_degraded", s.mean_degraded}};
}

Json load_json(const LoadStats& s) {
  return {{"min", s.min},
          {"max", s.max},
          {"mean", s.mean},
          {"sd", s.sd},
          {"max_over_mean", s.max_over_mean},
          {"busiest", s.busiest}};
}

Json headroom_json(const Headroom& h) {
  return {{"failed", h.failed},
          {"busiest_after", h.busiest_after},
          {"peak_before", h.peak_before},
          {"peak_after", h.peak_after},
          {"peak_after_over_mean", h.peak_after_over_mean}};
}

template <class T, class F>
Json optional_json(const std::optional<T>& value, F f) {
  return value ? f(*value) : Json(nullptr);
}

Json overlap_json(const AnalysisResult& r) {
  Json rows = Json::array();
  for (const OverlapRow& row : r.overlap)
    rows.push_back({{"overlap", row.overlap}, {"pairs", row.pairs}, {"expected", row.expected}});
  Json pairs = Json::array();
  for (const auto& [a, b] : r.max_overlap_examples)
    pairs.push_back({a, b});
  Json groups = Json::array();
  for (const TenantGroup& g : r.largest_groups)
    groups.push_back({{"cells", g.cells}, {"tenants", g.tenants}, {"examples", g.examples}});
  return {{"pairs", static_cast<std::uint64_t>(r.tenant_pairs)},
          {"expectation_model", r.expectation_model},
          {"histogram", rows},
          {"max_overlap", r.max_overlap},
          {"max_overlap_pairs", r.max_overlap_pairs},
          {"max_overlap_examples", pairs},
          {"identical_groups", r.identical_groups},
          {"identical_tenants", r.identical_tenants},
          {"largest_groups", groups}};
}

Json poison_json(const AnalysisResult& r) {
  const PoisonSummary& p = r.poison;
  return {
      {"worst", named_json(p.worst)},     {"p99_others_fully_down", p.p99_others_fully_down},
      {"p99_degraded", p.p99_degraded},   {"mean_others_fully_down", p.mean_others_fully_down},
      {"mean_degraded", p.mean_degraded}, {"tenant", optional_json(r.chosen_tenant, named_json)}};
}

}  // namespace

std::string render_analysis_text(const AnalysisResult& r, const AnalysisSource& source) {
  std::string text;
  Out out(text);
  write_header(out, r, source);
  write_overlap(out, r);
  write_poison(out, r);
  write_failures(out, r);
  write_load(out, r);
  return text;
}

std::string render_analysis_json(const AnalysisResult& r, const AnalysisSource& source) {
  Json doc;
  doc["source"] = {
      {"path", source.path}, {"lines", source.lines}, {"skipped_lines", source.skipped_lines}};
  Json sizes = Json::array();
  for (const auto& [k, n] : r.shard_sizes)
    sizes.push_back({{"shard_size", k}, {"tenants", n}});
  doc["mapping"] = {{"tenants", r.tenants},
                    {"cells", r.cells},
                    {"zones", r.zones},
                    {"shard_sizes", sizes},
                    {"draining_cells", r.draining_cells},
                    {"disabled_cells", r.disabled_cells}};
  doc["fill"] = nullptr;
  if (r.fill) {
    doc["fill"] = {{"max_overlap", r.fill->max_overlap},
                   {"placed", r.fill->placed},
                   {"bound", r.fill->bound},
                   {"fill", r.fill->fill}};
  }
  doc["overlap"] = overlap_json(r);
  doc["poison"] = poison_json(r);
  doc["failures"] = {{"cell", failure_json(r.cell_failure)},
                     {"zone", optional_json(r.zone_failure, failure_json)},
                     {"chosen", optional_json(r.chosen_failure, named_json)}};
  doc["load"] = {{"tenants_per_cell", load_json(r.cell_tenants)},
                 {"weight_per_cell", load_json(r.cell_weight)},
                 {"tenants_per_zone", optional_json(r.zone_tenants, load_json)},
                 {"weight_per_zone", optional_json(r.zone_weight, load_json)},
                 {"cell_failure_headroom", headroom_json(r.cell_headroom)},
                 {"zone_failure_headroom", optional_json(r.zone_headroom, headroom_json)}};
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace cellkit

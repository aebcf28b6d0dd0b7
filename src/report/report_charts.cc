// Charts and sections shared by the HTML reports.
#include "report/report_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cellkit::report_internal {
namespace {

constexpr std::uint64_t kMaxBins = 60;

// The round bin width (1, 2 or 5 × 10^n) that puts values 0..max into at most kMaxBins bins.
std::uint64_t bin_width(std::uint64_t max) {
  for (std::uint64_t decade = 1;; decade *= 10) {
    for (std::uint64_t m : {1, 2, 5}) {
      if ((max / (m * decade)) + 1 <= kMaxBins) return m * decade;
    }
  }
}

}  // namespace

chart::Chart overlap_chart(std::string id, const PairCounts& mappings,
                           const std::vector<double>& expected) {
  chart::Chart c{.id = std::move(id),
                 .title = "How many tenant pairs share o cells, beside a random placement?",
                 .kind = chart::Kind::kBars};
  c.x.label = "cells shared by a pair of tenants (o)";
  c.y.label = "tenant pairs (log scale)";
  c.y.log = true;
  std::size_t most = expected.size();
  for (const auto& [name, pairs] : mappings)
    most = std::max(most, pairs.size());
  for (std::size_t o = 0; o < most; ++o)
    c.categories.push_back(std::to_string(o));
  const char* colors[] = {"#0072B2", "#E69F00"};
  for (std::size_t i = 0; i < mappings.size(); ++i) {
    chart::Series s{.name = mappings[i].first, .color = colors[i % 2]};
    for (std::uint64_t n : mappings[i].second)
      s.y.push_back(static_cast<double>(n));
    s.y.resize(most, 0);
    c.series.push_back(std::move(s));
  }
  if (!expected.empty()) {
    chart::Series random{.name = "random placement (expected)", .color = "#999999"};
    random.y = expected;
    random.y.resize(most, 0);
    c.series.push_back(std::move(random));
  }
  c.note = "Bars of zero pairs are not drawn (log scale).";
  return c;
}

chart::Chart histogram_chart(const ImpactHistogram& h, std::string id, std::string title,
                             std::string x_label, std::string y_label) {
  chart::Chart c{.id = std::move(id), .title = std::move(title), .kind = chart::Kind::kBars};
  c.x.label = std::move(x_label);
  c.y.label = std::move(y_label);
  const std::uint64_t max = h.empty() ? 0 : h.back().first;
  const std::uint64_t width = bin_width(max);
  chart::Series s{.name = "tenants"};
  for (std::uint64_t b = 0; b <= max / width; ++b) {
    c.categories.push_back(width == 1 ? std::to_string(b)
                                      : fmt::format("{}-{}", b * width, (b + 1) * width - 1));
    s.y.push_back(0);
  }
  for (const auto& [value, count] : h)
    s.y[value / width] += static_cast<double>(count);
  c.series.push_back(std::move(s));
  if (width > 1) c.note = fmt::format("Bins of {} values.", width);
  return c;
}

void diagram_section(const FleetDiagram& diagram, html::Page& page,
                     const std::string& health_means) {
  page.section("The fleet", "fleet");
  page.paragraph(
      "The control plane publishes the routing table; the router sends each tenant's "
      "requests to the cells of its shard. Cells are grouped by zone and coloured by " +
      health_means + " (green healthy, red unhealthy, grey draining).");
  const std::string note = diagram_note(diagram);
  if (!note.empty()) page.paragraph(note);
  page.raw(render_diagram_svg(diagram));
}

}  // namespace cellkit::report_internal

// The HTML comparison of a sweep: four headline metrics across the grid with 95% confidence
// intervals, the first parameter along the x axis and one series per value of the others.
#include <fmt/format.h>

#include <map>

#include "cellkit/report/html_page.h"
#include "cellkit/report/sweep_report.h"
#include "cellkit/sim/replications.h"
#include "report/sim_format.h"

namespace cellkit {
namespace {

struct Headline {
  const char* metric;
  const char* id;
  const char* title;
  const char* y_label;
  bool percent;
};

constexpr Headline kHeadlines[] = {
    {"availability", "availability", "Which design serves the most requests?",
     "availability (served / arrivals)", true},
    {"tenants_down", "tenants-down", "Which design leaves the fewest tenants fully down?",
     "tenants ever fully down", false},
    {"cells_crashed", "cells-crashed", "Which design loses the fewest cells?",
     "distinct cells crashed", false},
    {"latency_p99_ms", "p99", "Which design answers fastest at the 99th percentile?",
     "p99 latency of served requests (ms)", false},
};

// Estimates per combination and metric.
using Estimates = std::vector<std::map<std::string, sim::Estimate>>;

Estimates estimates(const SweepData& d, std::size_t combinations) {
  std::vector<std::map<std::string, std::vector<double>>> samples(combinations);
  for (const sim::SweepJob& job : d.jobs) {
    for (const auto& [metric, value] : job.metrics)
      samples[job.job / d.runs][metric].push_back(value);
  }
  Estimates out(combinations);
  for (std::size_t c = 0; c < combinations; ++c) {
    for (const auto& [metric, values] : samples[c])
      out[c][metric] = sim::estimate(values);
  }
  return out;
}

std::string label(const SweepData& d, const std::vector<std::string>& values, std::size_t from) {
  std::string out;
  for (std::size_t p = from; p < values.size(); ++p)
    out += fmt::format("{}{}={}", out.empty() ? "" : ", ", d.parameters[p].key, values[p]);
  return out.empty() ? "mean" : out;
}

chart::Chart headline_chart(const SweepData& d, const Headline& h,
                            const std::vector<std::vector<std::string>>& combos,
                            const Estimates& e) {
  chart::Chart c{.id = h.id, .title = h.title, .kind = chart::Kind::kBars};
  c.y.label = h.y_label;
  c.y.percent = h.percent;
  if (h.percent) c.y.max = 1;  // a share: 0 to 100%, whatever the intervals say
  const std::size_t first = d.parameters.empty() ? 1 : d.parameters.front().values.size();
  c.x.label = d.parameters.empty() ? "" : d.parameters.front().key;
  for (std::size_t i = 0; i < first; ++i)
    c.categories.push_back(d.parameters.empty() ? "all" : d.parameters.front().values[i]);
  const std::size_t per = combos.size() / first;  // combinations of the other parameters
  for (std::size_t s = 0; s < per; ++s) {
    chart::Series series{.name = label(d, combos[s], 1)};
    for (std::size_t i = 0; i < first; ++i) {
      const sim::Estimate est =
          e[i * per + s].contains(h.metric) ? e[i * per + s].at(h.metric) : sim::Estimate{};
      series.y.push_back(est.mean);
      series.lo.push_back(est.mean - est.half_width);
      series.hi.push_back(est.mean + est.half_width);
    }
    c.series.push_back(std::move(series));
  }
  c.note = fmt::format("Mean of {} runs each; error bars: 95% confidence interval.", d.runs);
  return c;
}

std::string with_ci(const std::map<std::string, sim::Estimate>& e, const char* metric) {
  if (!e.contains(metric)) return "";
  auto [value, ci] = estimate_text(metric_text(metric).kind, e.at(metric));
  return value + " " + ci;
}

html::Table table(const SweepData& d, const std::vector<std::vector<std::string>>& combos,
                  const Estimates& e) {
  html::Table t;
  t.header = {"combination"};
  for (const Headline& h : kHeadlines)  // the text report's labels; the values carry units
    t.header.push_back(std::string(metric_text(h.metric).label));
  t.numeric = {false, true, true, true, true};
  for (std::size_t c = 0; c < combos.size(); ++c) {
    std::vector<std::string> row = {label(d, combos[c], 0)};
    for (const Headline& h : kHeadlines)
      row.push_back(with_ci(e[c], h.metric));
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace

std::string render_sweep_html(const SweepData& d) {
  const auto combos = sim::sweep_combinations(
      {.source = {}, .text = {}, .parameters = d.parameters, .runs = d.runs});
  const Estimates e = estimates(d, combos.size());
  std::string swept;
  for (const sim::SweepParameter& p : d.parameters)
    swept += (swept.empty() ? "" : "; ") + p.key;
  html::Page page(fmt::format("Sweep: {}", d.scenario),
                  fmt::format("{} combinations of {} × {} runs", combos.size(),
                              swept.empty() ? "nothing" : swept, d.runs));
  page.section("Comparison", "comparison");
  page.paragraph(
      "Each combination ran with the same seeds (run r uses the same seed in every "
      "combination), so differences come from the design, not the draw.");
  for (const Headline& h : kHeadlines)
    page.chart(headline_chart(d, h, combos, e));
  page.section("Summary table", "table");
  page.table(table(d, combos, e));
  page.paragraph(
      "Every metric of every run is in runs.csv; every metric's mean and 95% "
      "confidence half-width in summary.csv.");
  return page.render();
}

}  // namespace cellkit

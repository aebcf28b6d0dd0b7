// The HTML report of `cellkit simulate`: requests, fleet health and tenants over time, latency,
// utilisation per cell, the blast radius, the timeline and the fleet, for one run or the mean
// of several with 95% confidence bands.
#include <fmt/format.h>

#include <algorithm>

#include "cellkit/report/html_page.h"
#include "cellkit/report/html_reports.h"
#include "cellkit/sim/replications.h"
#include "report/report_charts.h"
#include "report/sim_format.h"

namespace cellkit {
namespace {

using chart::Chart;
using chart::Kind;
using chart::Series;
using sim::Outcome;
using sim::RunResult;
using Runs = std::span<const RunResult>;

constexpr std::size_t kTimelineRows = 200;

double seconds(Duration d) {
  return static_cast<double>(d.count()) / 1e6;
}

std::size_t interval_count(Runs runs) {
  std::size_t n = runs.front().intervals.size();
  for (const RunResult& r : runs)
    n = std::min(n, r.intervals.size());
  return n;
}

// Each interval is drawn flat from its start to its end: x runs start0, end0, start1, end1, ...
std::vector<double> step_x(Runs runs) {
  std::vector<double> x;
  double start = 0;
  for (std::size_t i = 0; i < interval_count(runs); ++i) {
    const double end = seconds(runs.front().intervals[i].end.time_since_epoch());
    x.push_back(start);
    x.push_back(end);
    start = end;
  }
  return x;
}

// The mean over runs of one figure per interval, with a 95% band when there are several runs.
template <typename Of>
Series over_runs(Runs runs, std::string name, Of of) {
  Series s{.name = std::move(name), .x = step_x(runs)};
  std::vector<double> samples(runs.size());
  for (std::size_t i = 0; i < s.x.size() / 2; ++i) {
    for (std::size_t r = 0; r < runs.size(); ++r)
      samples[r] = of(runs[r], runs[r].intervals[i]);
    const sim::Estimate e = sim::estimate(samples);
    s.y.insert(s.y.end(), 2, e.mean);
    if (runs.size() > 1) {
      s.lo.insert(s.lo.end(), 2, e.mean - e.half_width);
      s.hi.insert(s.hi.end(), 2, e.mean + e.half_width);
    }
  }
  return s;
}

// How many of something were down on average over the interval, from its integrated time.
double average_over(const RunResult& r, Duration integrated) {
  return r.interval.count() == 0 ? 0.0 : seconds(integrated) / seconds(r.interval);
}

std::string outcome_color(Outcome o) {
  switch (o) {
    case Outcome::kServed:
      return "#2a9d8f";
    case Outcome::kShed:
      return "#E69F00";
    case Outcome::kNoHealthyCell:
      return "#D55E00";
    case Outcome::kUnknownTenant:
      return "#CC79A7";
    case Outcome::kQuarantined:
      return "#56B4E9";
    case Outcome::kCellCrashed:
      return "#9b2226";
    case Outcome::kTimedOut:
      return "#6c757d";
    case Outcome::kCellError:
      return "#000000";
  }
  return "#999999";
}

bool significant(sim::EventKind k) {
  using sim::EventKind;
  return k != EventKind::kCellRestarted && k != EventKind::kTenantDown &&
         k != EventKind::kTenantRecovered && k != EventKind::kZoneUp &&
         k != EventKind::kControlPlaneUp;
}

std::vector<chart::Marker> fault_markers(const RunResult& r) {
  std::vector<chart::Marker> out;
  for (const sim::TimelineEntry& e : r.timeline) {
    if (significant(e.kind()))
      out.push_back(
          {seconds(e.time.time_since_epoch()), format_clock(e.time) + " " + describe(r, e)});
  }
  return out;
}

std::string runs_note(Runs runs) {
  if (runs.size() == 1) return "Markers: faults and changes (hover for details).";
  return fmt::format("Mean of {} runs; bands: 95% confidence interval. Markers: run 1's faults.",
                     runs.size());
}

Chart time_chart(Runs runs, std::string id, std::string title, std::string y_label) {
  Chart c{.id = std::move(id), .title = std::move(title), .kind = Kind::kLine};
  c.x.label = "simulated time (s)";
  c.x.max = seconds(runs.front().until);
  c.y.label = std::move(y_label);
  c.markers = fault_markers(runs.front());
  c.note = runs_note(runs);
  return c;
}

Chart outcomes_chart(Runs runs) {
  Chart c =
      time_chart(runs, "outcomes", "What happened to requests over time?",
                 fmt::format("requests per {} interval", format_duration(runs.front().interval)));
  c.kind = Kind::kStacked;
  for (std::size_t o = 0; o < sim::kOutcomeCount; ++o) {
    const auto outcome = static_cast<Outcome>(o);
    std::uint64_t seen = 0;
    for (const RunResult& r : runs)
      seen += r.count(outcome);
    if (seen == 0 && outcome != Outcome::kServed) continue;
    Series s = over_runs(runs, std::string(to_string(outcome)),
                         [o](const RunResult&, const sim::IntervalResult& i) {
                           return static_cast<double>(i.outcomes[o]);
                         });
    s.lo.clear();
    s.hi.clear();
    s.color = outcome_color(outcome);
    c.series.push_back(std::move(s));
  }
  if (runs.size() > 1)
    c.note = fmt::format("Mean of {} runs. Markers: run 1's faults.", runs.size());
  return c;
}

Chart availability_chart(Runs runs) {
  Chart c = time_chart(runs, "availability", "What share of requests was served in each interval?",
                       "requests served (% of arrivals)");
  c.y.percent = true;
  c.series.push_back(
      over_runs(runs, "served share", [](const RunResult&, const sim::IntervalResult& i) {
        const double served =
            static_cast<double>(i.outcomes[static_cast<std::size_t>(Outcome::kServed)]);
        return i.arrivals == 0 ? 1.0 : served / static_cast<double>(i.arrivals);
      }));
  c.y.max = 1;
  return c;
}

Chart cells_down_chart(Runs runs) {
  Chart c = time_chart(runs, "cells-down", "How many cells were down?",
                       "cells down (average over each interval)");
  Series s = over_runs(runs, "cells down", [](const RunResult& r, const sim::IntervalResult& i) {
    return average_over(r, i.cell_down);
  });
  s.color = "#9b2226";
  c.series.push_back(std::move(s));
  return c;
}

Chart tenants_chart(Runs runs) {
  Chart c = time_chart(runs, "tenants-down", "How many tenants were fully down or degraded?",
                       "tenants (average over each interval)");
  Series down = over_runs(runs, "fully down (every cell down)",
                          [](const RunResult& r, const sim::IntervalResult& i) {
                            return average_over(r, i.tenant_down);
                          });
  down.color = "#D55E00";
  Series degraded = over_runs(runs, "degraded (some cells down)",
                              [](const RunResult& r, const sim::IntervalResult& i) {
                                return average_over(r, i.tenant_degraded);
                              });
  degraded.color = "#E69F00";
  c.series = {std::move(down), std::move(degraded)};
  return c;
}

Chart latency_chart(Runs runs) {
  Chart c{.id = "latency", .title = "How long did served requests take?", .kind = Kind::kBars};
  c.x.label = "percentile of served requests (arrival to answer)";
  c.y.label = "latency (ms)";
  const std::vector<std::pair<std::string, double>> points = {
      {"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p99.9", 0.999}, {"max", 1.0}};
  Series s{.name = runs.size() == 1 ? "latency" : fmt::format("mean of {} runs", runs.size())};
  for (const auto& [label, q] : points) {
    c.categories.push_back(label);
    double sum = 0;
    for (const RunResult& r : runs)
      sum +=
          static_cast<double>((q >= 1 ? r.latency.max() : r.latency.percentile(q)).count()) / 1e3;
    s.y.push_back(sum / static_cast<double>(runs.size()));
  }
  c.series.push_back(std::move(s));
  return c;
}

// Percentiles of each interval's served requests. An interval that served nothing reads 0: the
// note says so, and the outcomes chart shows why.
Chart latency_time_chart(Runs runs) {
  Chart c = time_chart(runs, "latency-time", "Did served requests get slower over time?",
                       "latency of requests served in the interval (ms)");
  const auto of = [](Duration sim::IntervalResult::*p) {
    return [p](const RunResult&, const sim::IntervalResult& i) {
      return static_cast<double>((i.*p).count()) / 1e3;
    };
  };
  Series p50 = over_runs(runs, "p50", of(&sim::IntervalResult::latency_p50));
  p50.color = "#2a9d8f";
  Series p99 = over_runs(runs, "p99", of(&sim::IntervalResult::latency_p99));
  p99.color = "#D55E00";
  c.series = {std::move(p50), std::move(p99)};
  c.note += " An interval that served no request reads 0 ms.";
  return c;
}

Chart utilization_chart(Runs runs) {
  Chart c{
      .id = "utilization", .title = "How busy was each cell over the run?", .kind = Kind::kBars};
  c.x.label = "cell";
  c.y.label = "utilisation (busy server time)";
  c.y.percent = true;
  Series s{.name = runs.size() == 1 ? "utilisation" : fmt::format("mean of {} runs", runs.size())};
  for (std::size_t i = 0; i < runs.front().cells.size(); ++i) {
    c.categories.push_back(runs.front().cells[i].name);
    double sum = 0;
    for (const RunResult& r : runs)
      sum += i < r.cells.size() ? r.cells[i].utilization : 0;
    s.y.push_back(sum / static_cast<double>(runs.size()));
  }
  c.series.push_back(std::move(s));
  if (c.categories.size() > 216)
    c.note = "Many cells: each bar spans the least to the most busy of its cells.";
  return c;
}

std::string pct(double share) {
  return fmt::format("{:.3f}%", 100 * share);
}

void summary(const RunResult& r, html::Page& page) {
  page.section("Summary", "summary");
  page.facts(
      {{"availability (served / arrivals)", pct(r.availability())},
       {"requests", chart::format_number(static_cast<double>(r.arrivals))},
       {"cells crashed", fmt::format("{} of {}", r.blast.cells_crashed, r.cells.size())},
       {"tenants ever fully down", fmt::format("{} of {}", r.blast.tenants_down, r.tenants.size())},
       {"tenants degraded", std::to_string(r.blast.tenants_degraded)},
       {"p99 latency", format_ms(r.latency.percentile(0.99))}});
}

void replications(Runs runs, html::Page& page) {
  page.section("Across runs", "runs");
  page.paragraph(
      fmt::format("{} independent runs (seeds derived from {}); each metric's mean with "
                  "the half-width of its 95% confidence interval.",
                  runs.size(), runs.front().seed));
  html::Table t{.header = {"metric", "mean", "95% confidence interval"},
                .rows = {},
                .numeric = {false, true, true}};
  for (const sim::MetricEstimate& m : sim::summarize(runs)) {
    const MetricText text = metric_text(m.name);
    auto [value, ci] = estimate_text(text.kind, m.value);
    t.rows.push_back({std::string(text.label), std::move(value), std::move(ci)});
  }
  page.table(t);
}

void blast_radius(const RunResult& r, html::Page& page) {
  page.section("Blast radius", "blast");
  const sim::BlastRadius& b = r.blast;
  html::Table t{.header = {"who", "how many", "time"}, .rows = {}, .numeric = {false, true, true}};
  t.rows.push_back({"cells crashed (distinct)", std::to_string(b.cells_crashed),
                    fmt::format("{} crashes", b.crashes)});
  t.rows.push_back(
      {"tenants fully down at some time", std::to_string(b.tenants_down),
       format_duration(b.down_time) + " tenant-time, longest " + format_duration(b.longest_down)});
  t.rows.push_back({"tenants degraded, never fully down", std::to_string(b.tenants_degraded),
                    format_duration(b.degraded_time) + " tenant-time"});
  t.rows.push_back({"tenants untouched", std::to_string(b.tenants_untouched), ""});
  page.table(t);
}

void timeline(const RunResult& r, html::Page& page) {
  page.section("Timeline", "timeline");
  if (r.timeline.empty()) {
    page.paragraph("Nothing notable happened: no fault, crash or change of the fleet.");
    return;
  }
  html::Table t{.header = {"time", "event"}, .rows = {}, .numeric = {}};
  for (std::size_t i = 0; i < r.timeline.size() && i < kTimelineRows; ++i)
    t.rows.push_back({format_clock(r.timeline[i].time), describe(r, r.timeline[i])});
  page.table(t);
  const std::uint64_t more = r.timeline.size() - t.rows.size() + r.timeline_dropped;
  if (more > 0) page.paragraph(fmt::format("... and {} more entries (see result.json).", more));
}

FleetDiagram fleet_of(const RunResult& r) {
  FleetDiagram d;
  for (const sim::CellResult& c : r.cells) {
    d.cells.push_back(
        {.name = c.name,
         .zone = c.zone_name,
         .health = c.crashes > 0 ? DiagramHealth::kUnhealthy : DiagramHealth::kHealthy});
  }
  for (const sim::TenantResult& t : r.tenants) {
    DiagramTenant dt{.name = t.name, .cells = {}};
    for (CellId c : t.shard)
      dt.cells.push_back(raw(c));
    d.tenants.push_back(std::move(dt));
  }
  return d;
}

}  // namespace

std::string render_runs_html(Runs runs) {
  const RunResult& first = runs.front();
  html::Page page(
      fmt::format("Simulation: {}", first.scenario),
      fmt::format("{} cells, {} tenants, {} simulated, seed {}{}", first.cells.size(),
                  first.tenants.size(), format_duration(first.until), first.seed,
                  runs.size() > 1 ? fmt::format(", {} runs", runs.size()) : std::string()));
  summary(first, page);
  if (runs.size() > 1) {
    page.paragraph("The figures above are run 1's; the charts show the mean of every run.");
    replications(runs, page);
  }
  page.section("Requests over time", "requests");
  page.chart(outcomes_chart(runs));
  page.chart(availability_chart(runs));
  page.section("Fleet health over time", "health");
  page.chart(cells_down_chart(runs));
  page.chart(tenants_chart(runs));
  page.section("Latency and load", "latency");
  page.chart(latency_chart(runs));
  page.chart(latency_time_chart(runs));
  page.chart(utilization_chart(runs));
  blast_radius(first, page);
  timeline(first, page);
  report_internal::diagram_section(fleet_of(first), page,
                                   "whether they crashed during the run (shards as at its end)");
  return page.render();
}

}  // namespace cellkit

// Terminal text for simulation runs.
#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "cellkit/report/sim_report.h"
#include "cellkit/sim/replications.h"
#include "report/sim_format.h"

namespace cellkit {
namespace {

using sim::Outcome;
using sim::RunResult;
using Out = std::back_insert_iterator<std::string>;

constexpr std::size_t kTimelineShown = 40;
constexpr std::size_t kCellsShown = 32;
constexpr std::size_t kTenantsShown = 10;

double percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

void write_requests(Out out, const RunResult& r) {
  fmt::format_to(out, "Requests\n  {:<18}{:>12}\n", "arrivals", r.arrivals);
  for (std::size_t i = 0; i < sim::kOutcomeCount; ++i) {
    const auto o = static_cast<Outcome>(i);
    fmt::format_to(out, "  {:<18}{:>12}  {:>8.3f}%\n", to_string(o), r.count(o),
                   percent(r.count(o), r.arrivals));
  }
  if (r.poison_requests > 0) {
    fmt::format_to(out, "  {:<18}{:>12}\n", "(poison sent)", r.poison_requests);
  }
}

void write_latency(Out out, const RunResult& r) {
  fmt::format_to(out, "\nLatency of served requests (arrival to answer)\n");
  fmt::format_to(out, "  p50 {}   p99 {}   p99.9 {}   max {}\n",
                 format_ms(r.latency.percentile(0.5)), format_ms(r.latency.percentile(0.99)),
                 format_ms(r.latency.percentile(0.999)), format_ms(r.latency.max()));
  fmt::format_to(out, "  mean wait in a cell's queue {:.3f} ms\n", r.wait.mean_us() / 1000.0);
}

void write_blast(Out out, const RunResult& r) {
  const sim::BlastRadius& b = r.blast;
  fmt::format_to(out, "\nBlast radius\n");
  fmt::format_to(out, "  cells crashed       {} of {} ({} crashes)\n", b.cells_crashed,
                 r.cells.size(), b.crashes);
  fmt::format_to(out, "  tenants fully down  {} (tenant-time {}, longest {})\n", b.tenants_down,
                 format_duration(b.down_time), format_duration(b.longest_down));
  fmt::format_to(out, "  tenants degraded    {} (tenant-time {})\n", b.tenants_degraded,
                 format_duration(b.degraded_time));
  fmt::format_to(out, "  tenants untouched   {}\n", b.tenants_untouched);
  fmt::format_to(out, "  router table at end version {}\n", r.router_version);
}

void write_timeline(Out out, const RunResult& r) {
  if (r.timeline.empty()) return;
  const std::size_t total = r.timeline.size() + r.timeline_dropped;
  fmt::format_to(out, "\nTimeline ({} of {} entries)\n", std::min(total, kTimelineShown), total);
  for (std::size_t i = 0; i < r.timeline.size() && i < kTimelineShown; ++i) {
    fmt::format_to(out, "  {}  {}\n", format_clock(r.timeline[i].time), describe(r, r.timeline[i]));
  }
}

void write_cells(Out out, const RunResult& r) {
  fmt::format_to(out, "\nCells{}\n", r.cells.size() > kCellsShown ? " (first 32)" : "");
  fmt::format_to(out, "  {:<10}{:>5}{:>10}{:>9}{:>9}{:>8}{:>11}\n", "cell", "zone", "completed",
                 "shed", "crashes", "util", "down");
  for (std::size_t i = 0; i < r.cells.size() && i < kCellsShown; ++i) {
    const sim::CellResult& c = r.cells[i];
    fmt::format_to(out, "  {:<10}{:>5}{:>10}{:>9}{:>9}{:>7.1f}%{:>11}\n", c.name, raw(c.zone),
                   c.served, c.shed, c.crashes, 100.0 * c.utilization, format_duration(c.down_for));
  }
}

// Lowest availability first; ties by id, so the list is stable.
void write_worst_tenants(Out out, const RunResult& r) {
  std::vector<const sim::TenantResult*> order;
  for (const sim::TenantResult& t : r.tenants)
    order.push_back(&t);
  const std::size_t shown = std::min(order.size(), kTenantsShown);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown), order.end(),
                    [](const auto* a, const auto* b) {
                      if (a->availability() != b->availability()) {
                        return a->availability() < b->availability();
                      }
                      return a->id < b->id;
                    });
  fmt::format_to(out, "\nTenants with the lowest availability ({} of {})\n", shown,
                 r.tenants.size());
  fmt::format_to(out, "  {:<12}{:<16}{:>10}{:>10}{:>10}{:>11}{:>11}\n", "tenant", "cells",
                 "arrivals", "served", "avail", "down", "degraded");
  for (std::size_t i = 0; i < shown; ++i) {
    const sim::TenantResult& t = *order[i];
    fmt::format_to(out, "  {:<12}{:<16}{:>10}{:>10}{:>9.3f}%{:>11}{:>11}{}\n", t.name,
                   shard_ids(t.shard), t.arrivals, t.count(Outcome::kServed),
                   100.0 * t.availability(), format_duration(t.down_for),
                   format_duration(t.degraded_for), t.poison ? "  poison" : "");
  }
}

void write_series(Out out, const RunResult& r) {
  fmt::format_to(out, "\nTime series (per {} interval)\n", format_duration(r.interval));
  fmt::format_to(out, "  {:<14}{:>10}{:>10}{:>10}{:>9}{:>7}{:>10}{:>14}\n", "end", "arrivals",
                 "served", "failed", "healthy", "down", "degraded", "down cell-s");
  for (const sim::IntervalResult& i : r.intervals) {
    const std::uint64_t ended = sim::total(i.outcomes);
    const std::uint64_t served = i.outcomes[static_cast<std::size_t>(Outcome::kServed)];
    fmt::format_to(out, "  {:<14}{:>10}{:>10}{:>10}{:>9}{:>7}{:>10}{:>14.3f}\n",
                   format_clock(i.end), i.arrivals, served, ended - served, i.healthy_cells,
                   i.tenants_down, i.tenants_degraded,
                   static_cast<double>(i.cell_down.count()) / 1e6);
  }
}

}  // namespace

std::string render_run_text(const RunResult& r) {
  std::string s;
  Out out(s);
  fmt::format_to(out, "cellkit simulate: {} (seed {})\n", r.scenario, r.seed);
  fmt::format_to(out, "{} cells x {} servers, {} tenants, {} simulated, {} events\n\n",
                 r.cells.size(), r.servers_per_cell, r.tenants.size(), format_duration(r.until),
                 r.events);
  write_requests(out, r);
  write_latency(out, r);
  write_blast(out, r);
  write_timeline(out, r);
  write_cells(out, r);
  write_worst_tenants(out, r);
  write_series(out, r);
  return s;
}

std::string render_replications_text(std::span<const RunResult> runs) {
  std::string s;
  Out out(s);
  fmt::format_to(out, "cellkit simulate: {} ({} runs, seeds derived from {})\n\n",
                 runs.front().scenario, runs.size(), runs.front().seed);
  fmt::format_to(out, "  {:<5}{:>22}{:>12}{:>10}{:>14}{:>10}\n", "run", "seed", "arrivals", "avail",
                 "p99", "crashed");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    fmt::format_to(out, "  {:<5}{:>22}{:>12}{:>9.3f}%{:>14}{:>10}\n", i, r.seed, r.arrivals,
                   100.0 * r.availability(), format_ms(r.latency.percentile(0.99)),
                   r.blast.cells_crashed);
  }
  fmt::format_to(out, "\nMean over runs with 95% confidence interval\n");
  for (const sim::MetricEstimate& m : sim::summarize(runs)) {
    fmt::format_to(out, "  {:<24}{:>14.6f}  +/- {:.6f}\n", m.name, m.value.mean,
                   m.value.half_width);
  }
  return s;
}

}  // namespace cellkit

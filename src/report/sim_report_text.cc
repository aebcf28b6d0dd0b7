// Terminal text for simulation runs.
#include <algorithm>
#include <iterator>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "cellkit/report/number_style.h"
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

constexpr std::string_view kWhereAll = "every one in --format json and in --out DIR";

double percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// "no_healthy_cell" as text reads "no healthy cell"; JSON and CSV keep the snake_case name.
std::string readable(std::string_view name) {
  std::string text(name);
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

std::string pct(double value) {
  return format_percent(value / 100.0);
}

void write_requests(Out out, const RunResult& r) {
  fmt::format_to(out, "Requests\n");
  TextTable table({{"", Align::kLeft}, {""}, {""}});
  table.add_row({"arrivals", format_count(r.arrivals), ""});
  for (std::size_t i = 0; i < sim::kOutcomeCount; ++i) {
    const auto o = static_cast<Outcome>(i);
    table.add_row(
        {readable(to_string(o)), format_count(r.count(o)), pct(percent(r.count(o), r.arrivals))});
  }
  if (r.poison_requests > 0) table.add_row({"(poison sent)", format_count(r.poison_requests), ""});
  fmt::format_to(out, "{}", table.render());
}

void write_latency(Out out, const RunResult& r) {
  fmt::format_to(out, "\nLatency of served requests (arrival to answer)\n");
  fmt::format_to(out, "  p50 {}   p99 {}   p99.9 {}   max {}\n",
                 format_ms(r.latency.percentile(0.5)), format_ms(r.latency.percentile(0.99)),
                 format_ms(r.latency.percentile(0.999)), format_ms(r.latency.max()));
  fmt::format_to(out, "  mean wait in a cell's queue {} ms\n",
                 format_fixed(r.wait.mean_us() / 1000.0, 3));
}

// Only when something was refused: the counts outlive a timeline cut at its limit.
void write_refusals(Out out, const sim::Refusals& f) {
  if (f == sim::Refusals{}) return;
  fmt::format_to(out,
                 "  refused, and the run went on: {} rebalance(s) not planned, {} move(s), {} "
                 "health record(s), {} persisted snapshot(s)\n",
                 format_count(f.rebalances_not_planned), format_count(f.moves_refused),
                 format_count(f.health_not_recorded), format_count(f.snapshots_refused));
}

void write_blast(Out out, const RunResult& r) {
  const sim::BlastRadius& b = r.blast;
  fmt::format_to(out, "\nBlast radius\n");
  fmt::format_to(out, "  cells crashed       {} of {} ({} crashes)\n",
                 format_count(b.cells_crashed), format_count(r.cells.size()),
                 format_count(b.crashes));
  fmt::format_to(out, "  tenants fully down  {} (tenant-time {}, longest {})\n",
                 format_count(b.tenants_down), format_duration(b.down_time),
                 format_duration(b.longest_down));
  fmt::format_to(out, "  tenants degraded    {} (tenant-time {})\n",
                 format_count(b.tenants_degraded), format_duration(b.degraded_time));
  fmt::format_to(out, "  tenants untouched   {}\n", format_count(b.tenants_untouched));
  fmt::format_to(out, "  router table at end version {}\n", r.router_version);
  write_refusals(out, r.refusals);
}

// The first and the last entry of each kind, in time order: a long run's timeline then
// still shows how each kind of event began and ended. Rejected: the first 40 lines, which
// hid every recovery of a run with many early crashes.
std::vector<bool> timeline_kept(const RunResult& r) {
  std::vector<bool> keep(r.timeline.size(), r.timeline.size() <= kTimelineShown);
  if (r.timeline.size() <= kTimelineShown) return keep;
  std::map<sim::EventKind, std::pair<std::size_t, std::size_t>> ends;
  for (std::size_t i = 0; i < r.timeline.size(); ++i) {
    auto [it, fresh] = ends.try_emplace(r.timeline[i].kind(), i, i);
    if (!fresh) it->second.second = i;
  }
  for (const auto& [kind, range] : ends)
    keep[range.first] = keep[range.second] = true;
  return keep;
}

void write_timeline(Out out, const RunResult& r) {
  if (r.timeline.empty()) return;
  const std::vector<bool> keep = timeline_kept(r);
  const auto shown = static_cast<std::size_t>(std::count(keep.begin(), keep.end(), true));
  const std::uint64_t total = r.timeline.size() + r.timeline_dropped;
  fmt::format_to(out, "\nTimeline ({} of {} entries{})\n", format_count(shown), format_count(total),
                 shown < total ? "; the first and last of each kind" : "");
  std::size_t cut = 0;
  for (std::size_t i = 0; i < r.timeline.size(); ++i) {
    if (!keep[i]) {
      ++cut;
      continue;
    }
    if (cut > 0) fmt::format_to(out, "  ... {} more\n", format_count(cut));
    cut = 0;
    fmt::format_to(out, "  {}  {}\n", format_clock(r.timeline[i].time), describe(r, r.timeline[i]));
  }
  if (cut > 0) fmt::format_to(out, "  ... {} more\n", format_count(cut));
  if (r.timeline_dropped > 0) {
    fmt::format_to(out, "  ... {} later entries not recorded (a run keeps the first {})\n",
                   format_count(r.timeline_dropped), format_count(sim::kTimelineLimit));
  }
  if (shown < r.timeline.size()) {
    fmt::format_to(out, "  {} recorded entries cut here; {}\n",
                   format_count(r.timeline.size() - shown), kWhereAll);
  }
}

void write_cells(Out out, const RunResult& r) {
  const std::size_t shown = std::min(r.cells.size(), kCellsShown);
  if (shown < r.cells.size()) {
    fmt::format_to(out, "\nCells (the first {} of {}; {})\n", shown, format_count(r.cells.size()),
                   kWhereAll);
  } else {
    fmt::format_to(out, "\nCells\n");
  }
  TextTable table({{"cell", Align::kLeft},
                   {"zone", Align::kLeft},
                   {"completed"},
                   {"shed"},
                   {"crashes"},
                   {"util"},
                   {"down"}});
  for (std::size_t i = 0; i < shown; ++i) {
    const sim::CellResult& c = r.cells[i];
    table.add_row({c.name, c.zone_name, format_count(c.served), format_count(c.shed),
                   format_count(c.crashes), format_fixed(100.0 * c.utilization, 1) + "%",
                   format_duration(c.down_for)});
  }
  fmt::format_to(out, "{}", table.render());
}

std::string shard_names(const RunResult& r, const Shard& shard) {
  std::string s;
  for (CellId c : shard) {
    if (!s.empty()) s += ',';
    s += r.cells[raw(c)].name;
  }
  return s;
}

// Lowest availability first; ties by id, so the list is stable.
std::vector<const sim::TenantResult*> worst_tenants(const RunResult& r, std::size_t shown) {
  std::vector<const sim::TenantResult*> order;
  for (const sim::TenantResult& t : r.tenants)
    order.push_back(&t);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown), order.end(),
                    [](const auto* a, const auto* b) {
                      if (a->availability() != b->availability()) {
                        return a->availability() < b->availability();
                      }
                      return a->id < b->id;
                    });
  order.resize(shown);
  return order;
}

void write_worst_tenants(Out out, const RunResult& r) {
  const std::size_t shown = std::min(r.tenants.size(), kTenantsShown);
  fmt::format_to(out, "\nTenants with the lowest availability ({} of {}{})\n", shown,
                 format_count(r.tenants.size()),
                 shown < r.tenants.size() ? fmt::format("; {}", kWhereAll) : "");
  TextTable table({{"tenant", Align::kLeft},
                   {"cells", Align::kLeft},
                   {"arrivals"},
                   {"served"},
                   {"avail"},
                   {"down"},
                   {"degraded"},
                   {"", Align::kLeft}});
  for (const sim::TenantResult* t : worst_tenants(r, shown)) {
    table.add_row({t->name, shard_names(r, t->shard), format_count(t->arrivals),
                   format_count(t->count(Outcome::kServed)), pct(100.0 * t->availability()),
                   format_duration(t->down_for), format_duration(t->degraded_for),
                   t->poison ? "poison" : ""});
  }
  fmt::format_to(out, "{}", table.render());
}

void write_series(Out out, const RunResult& r) {
  fmt::format_to(out, "\nTime series (per {} interval)\n", format_duration(r.interval));
  TextTable table({{"end", Align::kLeft},
                   {"arrivals"},
                   {"served"},
                   {"failed"},
                   {"healthy"},
                   {"down"},
                   {"degraded"},
                   {"down cell-s"},
                   {"p99 ms"}});
  for (const sim::IntervalResult& i : r.intervals) {
    const std::uint64_t ended = sim::total(i.outcomes);
    const std::uint64_t served = i.outcomes[static_cast<std::size_t>(Outcome::kServed)];
    table.add_row({format_clock(i.end), format_count(i.arrivals), format_count(served),
                   format_count(ended - served), format_count(i.healthy_cells),
                   format_count(i.tenants_down), format_count(i.tenants_degraded),
                   format_fixed(static_cast<double>(i.cell_down.count()) / 1e6, 3),
                   format_fixed(static_cast<double>(i.latency_p99.count()) / 1e3, 3)});
  }
  fmt::format_to(out, "{}", table.render());
}

void write_estimates(Out out, std::span<const RunResult> runs) {
  fmt::format_to(out, "\nMean over {} runs with its 95% confidence interval\n", runs.size());
  std::string_view section;
  TextTable table({{"", Align::kLeft}, {""}, {"", Align::kLeft}});
  for (const sim::MetricEstimate& m : sim::summarize(runs)) {
    const MetricText text = metric_text(m.name);
    if (text.section != section) {
      section = text.section;
      table.add_row({std::string(section), "", ""});
    }
    auto [value, ci] = estimate_text(text.kind, m.value);
    table.add_row({"  " + std::string(text.label), value, ci});
  }
  fmt::format_to(out, "{}", table.render());
}

struct KindSummary {
  std::uint64_t entries = 0;
  std::size_t runs = 0;
  TimePoint first = TimePoint::max();
  TimePoint last = TimePoint::min();
};

// Per kind of event over every run: how many runs saw it, how often, the earliest and latest.
void write_timeline_summary(Out out, std::span<const RunResult> runs) {
  std::map<sim::EventKind, KindSummary> kinds;
  for (const RunResult& r : runs) {
    std::map<sim::EventKind, bool> seen;
    for (const sim::TimelineEntry& e : r.timeline) {
      KindSummary& k = kinds[e.kind()];
      ++k.entries;
      if (!std::exchange(seen[e.kind()], true)) ++k.runs;
      k.first = std::min(k.first, e.time);
      k.last = std::max(k.last, e.time);
    }
  }
  if (kinds.empty()) return;
  fmt::format_to(out, "\nTimeline over {} runs (each run's own: --format json or --out DIR)\n",
                 runs.size());
  TextTable table({{"event", Align::kLeft}, {"runs"}, {"per run"}, {"first"}, {"last"}});
  for (const auto& [kind, k] : kinds) {
    table.add_row(
        {readable(to_string(kind)), format_count(k.runs),
         format_measure(static_cast<double>(k.entries) / static_cast<double>(runs.size())),
         format_clock(k.first), format_clock(k.last)});
  }
  fmt::format_to(out, "{}", table.render());
}

}  // namespace

std::string render_run_text(const RunResult& r) {
  std::string s;
  Out out(s);
  fmt::format_to(out, "cellkit simulate: {} (seed {})\n", r.scenario, r.seed);
  fmt::format_to(out, "{} cells x {} servers, {} tenants, {} simulated, {} events\n\n",
                 format_count(r.cells.size()), r.servers_per_cell, format_count(r.tenants.size()),
                 format_duration(r.until), format_count(r.events));
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
  TextTable table({{"run", Align::kLeft},
                   {"seed"},
                   {"arrivals"},
                   {"avail"},
                   {"p99"},
                   {"crashed"},
                   {"fully down"}});
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    table.add_row({std::to_string(i), std::to_string(r.seed), format_count(r.arrivals),
                   pct(100.0 * r.availability()), format_ms(r.latency.percentile(0.99)),
                   format_count(r.blast.cells_crashed), format_count(r.blast.tenants_down)});
  }
  fmt::format_to(out, "{}", table.render());
  write_estimates(out, runs);
  write_timeline_summary(out, runs);
  return s;
}

}  // namespace cellkit

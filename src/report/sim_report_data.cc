// JSON and CSV renderings of simulation runs, and the set of files `simulate --out` writes.
#include <cmath>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cellkit/report/sim_report.h"
#include "cellkit/sim/replications.h"
#include "report/sim_format.h"

namespace cellkit {
namespace {

using Json = nlohmann::ordered_json;
using sim::Outcome;
using sim::RunResult;
using Out = std::back_insert_iterator<std::string>;

// Six decimals: enough for every figure we print, and stable across runs of one build.
double rounded(double x) {
  return std::round(x * 1e6) / 1e6;
}

double seconds(Duration d) {
  return rounded(static_cast<double>(d.count()) / 1e6);
}

double ms(Duration d) {
  return rounded(static_cast<double>(d.count()) / 1e3);
}

Json outcomes_json(const sim::OutcomeCounts& counts) {
  Json j = Json::object();
  for (std::size_t i = 0; i < sim::kOutcomeCount; ++i) {
    j[std::string(to_string(static_cast<Outcome>(i)))] = counts[i];
  }
  return j;
}

Json shard_json(const Shard& shard) {
  Json j = Json::array();
  for (CellId c : shard)
    j.push_back(raw(c));
  return j;
}

Json blast_json(const sim::BlastRadius& b) {
  return Json{{"cells_crashed", b.cells_crashed},
              {"crashes", b.crashes},
              {"tenants_down", b.tenants_down},
              {"tenants_degraded", b.tenants_degraded},
              {"tenants_untouched", b.tenants_untouched},
              {"down_time_s", seconds(b.down_time)},
              {"degraded_time_s", seconds(b.degraded_time)},
              {"longest_down_s", seconds(b.longest_down)}};
}

Json cells_json(const RunResult& r) {
  Json cells = Json::array();
  for (const sim::CellResult& c : r.cells) {
    cells.push_back({{"id", raw(c.id)},
                     {"name", c.name},
                     {"zone", raw(c.zone)},
                     {"completed", c.served},
                     {"shed", c.shed},
                     {"crashes", c.crashes},
                     {"utilization", rounded(c.utilization)},
                     {"down_s", seconds(c.down_for)}});
  }
  return cells;
}

Json tenants_json(const RunResult& r) {
  Json tenants = Json::array();
  for (const sim::TenantResult& t : r.tenants) {
    tenants.push_back({{"id", raw(t.id)},
                       {"name", t.name},
                       {"cells", shard_json(t.shard)},
                       {"poison", t.poison},
                       {"arrivals", t.arrivals},
                       {"outcomes", outcomes_json(t.outcomes)},
                       {"availability", rounded(t.availability())},
                       {"degraded_s", seconds(t.degraded_for)},
                       {"down_s", seconds(t.down_for)}});
  }
  return tenants;
}

Json intervals_json(const RunResult& r) {
  Json intervals = Json::array();
  for (const sim::IntervalResult& i : r.intervals) {
    Json utilization = Json::array();
    for (double u : i.cell_utilization)
      utilization.push_back(rounded(u));
    intervals.push_back({{"end_s", seconds(i.end.time_since_epoch())},
                         {"arrivals", i.arrivals},
                         {"outcomes", outcomes_json(i.outcomes)},
                         {"healthy_cells", i.healthy_cells},
                         {"tenants_down", i.tenants_down},
                         {"tenants_degraded", i.tenants_degraded},
                         {"cell_down_s", seconds(i.cell_down)},
                         {"tenant_down_s", seconds(i.tenant_down)},
                         {"tenant_degraded_s", seconds(i.tenant_degraded)},
                         {"latency_p50_ms", ms(i.latency_p50)},
                         {"latency_p99_ms", ms(i.latency_p99)},
                         {"cell_utilization", utilization}});
  }
  return intervals;
}

Json timeline_json(const RunResult& r) {
  Json timeline = Json::array();
  for (const sim::TimelineEntry& e : r.timeline) {
    timeline.push_back({{"time_s", seconds(e.time.time_since_epoch())},
                        {"event", std::string(to_string(e.kind()))},
                        {"text", describe(r, e)}});
  }
  return timeline;
}

Json run_json(const RunResult& r) {
  return Json{{"seed", r.seed},
              {"until_s", seconds(r.until)},
              {"events", r.events},
              {"arrivals", r.arrivals},
              {"outcomes", outcomes_json(r.outcomes)},
              {"availability", rounded(r.availability())},
              {"poison_requests", r.poison_requests},
              {"latency_ms",
               {{"p50", ms(r.latency.percentile(0.5))},
                {"p99", ms(r.latency.percentile(0.99))},
                {"p999", ms(r.latency.percentile(0.999))},
                {"max", ms(r.latency.max())}}},
              {"mean_wait_ms", rounded(r.wait.mean_us() / 1000.0)},
              {"utilization", rounded(r.mean_utilization())},
              {"blast_radius", blast_json(r.blast)},
              {"router_version", r.router_version},
              {"timeline", timeline_json(r)},
              {"timeline_dropped", r.timeline_dropped},
              {"refusals",
               {{"rebalances_not_planned", r.refusals.rebalances_not_planned},
                {"moves_refused", r.refusals.moves_refused},
                {"health_not_recorded", r.refusals.health_not_recorded},
                {"snapshots_refused", r.refusals.snapshots_refused}}},
              {"cells", cells_json(r)},
              {"tenants", tenants_json(r)},
              {"intervals", intervals_json(r)}};
}

void write_metric(Out out, std::size_t run, const RunResult& r, TimePoint t,
                  const std::string& entity, std::string_view metric, double value) {
  fmt::format_to(out, "{},{},{},{},{},{}\n", run, r.seed, seconds(t.time_since_epoch()), entity,
                 metric, rounded(value));
}

void write_interval_rows(Out out, std::size_t run, const RunResult& r,
                         const sim::IntervalResult& i) {
  const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  write_metric(out, run, r, i.end, "fleet", "arrivals", d(i.arrivals));
  for (std::size_t o = 0; o < sim::kOutcomeCount; ++o) {
    write_metric(out, run, r, i.end, "fleet", to_string(static_cast<Outcome>(o)), d(i.outcomes[o]));
  }
  write_metric(out, run, r, i.end, "fleet", "healthy_cells", i.healthy_cells);
  write_metric(out, run, r, i.end, "fleet", "tenants_down", i.tenants_down);
  write_metric(out, run, r, i.end, "fleet", "tenants_degraded", i.tenants_degraded);
  write_metric(out, run, r, i.end, "fleet", "cell_down_s", seconds(i.cell_down));
  write_metric(out, run, r, i.end, "fleet", "tenant_down_s", seconds(i.tenant_down));
  write_metric(out, run, r, i.end, "fleet", "tenant_degraded_s", seconds(i.tenant_degraded));
  write_metric(out, run, r, i.end, "fleet", "latency_p50_ms", ms(i.latency_p50));
  write_metric(out, run, r, i.end, "fleet", "latency_p99_ms", ms(i.latency_p99));
  for (std::size_t c = 0; c < i.cell_utilization.size(); ++c) {
    write_metric(out, run, r, i.end, r.cells[c].name, "utilization", i.cell_utilization[c]);
  }
}

}  // namespace

std::string render_runs_json(std::span<const RunResult> runs) {
  Json summary = Json::object();
  for (const sim::MetricEstimate& m : sim::summarize(runs)) {
    summary[std::string(m.name)] = {{"mean", rounded(m.value.mean)},
                                    {"ci95", rounded(m.value.half_width)}};
  }
  Json all = Json::array();
  for (const RunResult& r : runs)
    all.push_back(run_json(r));
  Json doc{{"scenario", runs.front().scenario}, {"runs", all}, {"summary", summary}};
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string render_timeseries_csv(std::span<const RunResult> runs) {
  std::string s = "run,seed,time_s,entity,metric,value\n";
  Out out(s);
  for (std::size_t run = 0; run < runs.size(); ++run) {
    for (const sim::IntervalResult& i : runs[run].intervals) {
      write_interval_rows(out, run, runs[run], i);
    }
  }
  return s;
}

std::string render_tenants_csv(std::span<const RunResult> runs) {
  std::string s = "run,seed,tenant,cells,arrivals";
  for (std::size_t o = 0; o < sim::kOutcomeCount; ++o) {
    s += fmt::format(",{}", to_string(static_cast<Outcome>(o)));
  }
  s += ",availability,degraded_s,down_s\n";
  Out out(s);
  for (std::size_t run = 0; run < runs.size(); ++run) {
    for (const sim::TenantResult& t : runs[run].tenants) {
      // Cells are quoted: the list has commas of its own.
      fmt::format_to(out, "{},{},{},\"{}\",{}", run, runs[run].seed, t.name, shard_ids(t.shard),
                     t.arrivals);
      for (std::uint64_t c : t.outcomes)
        fmt::format_to(out, ",{}", c);
      fmt::format_to(out, ",{},{},{}\n", rounded(t.availability()), seconds(t.degraded_for),
                     seconds(t.down_for));
    }
  }
  return s;
}

std::vector<RenderedFile> render_run_files(std::span<const RunResult> runs) {
  std::vector<RenderedFile> files;
  files.push_back({std::string(kRunFileNames[0]), render_timeseries_csv(runs)});
  files.push_back({std::string(kRunFileNames[1]), render_tenants_csv(runs)});
  files.push_back({std::string(kRunFileNames[2]), render_runs_json(runs)});
  return files;
}

}  // namespace cellkit

// Renders simulation results (sim::RunResult) as terminal text, JSON and CSV files.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cellkit/sim/run_result.h"

namespace cellkit {

// A readable summary of one run: requests by outcome, latency, blast radius, timeline,
// cells, the worst tenants and the time series. Ends with a newline.
std::string render_run_text(const sim::RunResult& run);

// Several replications: each run's headline figures, then every metric's mean with the
// half-width of its 95% confidence interval. Requires runs.
std::string render_replications_text(std::span<const sim::RunResult> runs);

// One JSON document {"scenario", "runs": [...], "summary": {metric: {mean, ci95}}}, keys in
// a fixed order; numbers rounded to 6 decimals so output is stable. Requires runs.
std::string render_runs_json(std::span<const sim::RunResult> runs);

// Long-form time series, one row per (run, interval, entity, metric):
// "run,seed,time_s,entity,metric,value". Entities: "fleet" and each cell by name.
std::string render_timeseries_csv(std::span<const sim::RunResult> runs);

// One row per (run, tenant): run,seed,tenant,cells,arrivals,<outcomes...>,availability,
// degraded_s,down_s.
std::string render_tenants_csv(std::span<const sim::RunResult> runs);

// The names of the files write_run_files writes, in the order it writes them.
inline constexpr std::array<std::string_view, 3> kRunFileNames = {"timeseries.csv", "tenants.csv",
                                                                  "result.json"};

// A file's name (no directory) and its whole text.
struct RenderedFile {
  std::string name;
  std::string contents;
};

// The files `simulate --out` writes, in this order: timeseries.csv, tenants.csv and
// result.json. Rendering only; the caller writes them (as one set, cellkit/io/file.h).
std::vector<RenderedFile> render_run_files(std::span<const sim::RunResult> runs);

}  // namespace cellkit

// What `cellkit sweep` writes: runs.csv (long form: one row per job and metric), summary.csv
// (each combination's metrics, mean and 95% confidence half-width), sweep.json (what was swept,
// and which slice) and the HTML comparison; and the merge of slices back into one sweep.
// Values are written in the shortest form that reads back to the same double, so a merge of
// slices gives the bytes a single run gives.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/sim/sweep.h"

namespace cellkit {

struct SweepShard {
  std::size_t index = 0, count = 1;  // slice `index` (0-based) of `count`
  bool operator==(const SweepShard&) const = default;
};

struct SweepData {
  std::string scenario;  // the scenario file as given
  std::vector<sim::SweepParameter> parameters;
  std::uint32_t runs = 1;
  std::vector<sim::SweepJob> jobs;  // ascending job index
  std::optional<SweepShard> shard;  // set for one slice of a sweep
};

std::string render_sweep_runs_csv(const SweepData& data);
std::string render_sweep_summary_csv(const SweepData& data);
std::string render_sweep_manifest(const SweepData& data);
// Compares availability, tenants ever fully down, cells crashed and p99 latency across the
// grid, with 95% confidence intervals. Requires every job (not a slice).
std::string render_sweep_html(const SweepData& data);

// One written sweep directory's sweep.json and runs.csv back; `where` names it in messages.
Result<SweepData> parse_sweep(const std::string& manifest, const std::string& runs_csv,
                              const std::string& where);

// Slices of one sweep (same scenario, parameters, runs and slice count; each slice once) as
// the whole sweep. Fails naming what differs or which slice is missing or repeated.
Result<SweepData> merge_sweeps(std::vector<SweepData> slices);

}  // namespace cellkit

// Parameter sweeps: a scenario run over every combination of some fields' values, each
// combination replicated. Job j is combination j / runs, replication j % runs; replication r
// uses seed replication_seed(scenario seed, r) in every combination (common random numbers),
// so results depend on neither the number of threads nor how the jobs are sliced.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/sim/scenario.h"

namespace cellkit::sim {

struct SweepParameter {
  std::string key;                  // dotted scenario field: "tenants.shard_size"
  std::vector<std::string> values;  // YAML scalars: "2", "random", "30s"
  bool operator==(const SweepParameter&) const = default;
};

struct SweepSpec {
  std::string source;  // the scenario file's name, for messages and reports
  std::string text;    // its YAML
  std::vector<SweepParameter> parameters;
  std::uint32_t runs = 1;
};

// "key=v1,v2,..." → a parameter. Fails naming the text when there is no '=', no key or an
// empty value.
Result<SweepParameter> parse_sweep_parameter(std::string_view text);

// Every combination's values, the first parameter varying slowest.
std::vector<std::vector<std::string>> sweep_combinations(const SweepSpec& spec);

// The scenario with one combination's values set. Fails with the scenario parser's message,
// prefixed by the values ("tenants.shard_size=9: ...").
Result<Scenario> sweep_scenario(const SweepSpec& spec, std::span<const std::string> values);

// One job's results: its metrics in sim::summarize order.
struct SweepJob {
  std::size_t job = 0;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, double>> metrics;
};

struct SweepOptions {
  unsigned threads = 1;
  // Called from the calling thread as jobs finish, with the count done so far.
  std::function<void(std::size_t done, std::size_t total)> progress;
};

// Runs the given jobs (indices into combinations × runs) on `threads` threads; results in the
// order of `jobs`. Every combination's scenario is checked before any job runs.
Result<std::vector<SweepJob>> run_sweep(const SweepSpec& spec, std::span<const std::size_t> jobs,
                                        const SweepOptions& options = {});

// The jobs of slice `index` (0-based) of `count`: j with j % count == index.
std::vector<std::size_t> sweep_slice(std::size_t total_jobs, std::size_t index, std::size_t count);

}  // namespace cellkit::sim

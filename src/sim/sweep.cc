// Parameter sweeps: the grid, the scenario of each point, and the jobs run on threads.
#include "cellkit/sim/sweep.h"

#include "cellkit/base/cut.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "cellkit/sim/replications.h"
#include "cellkit/sim/scenario_file.h"
#include "cellkit/sim/simulator.h"

namespace cellkit::sim {
namespace {

std::vector<std::string> split(std::string_view text, char by) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t at = text.find(by); at != std::string_view::npos; at = text.find(by, start)) {
    parts.emplace_back(text.substr(start, at - start));
    start = at + 1;
  }
  parts.emplace_back(text.substr(start));
  return parts;
}

void set_path(YAML::Node node, const std::vector<std::string>& path, std::size_t i,
              const std::string& value) {
  if (i + 1 == path.size()) {
    node[path[i]] = YAML::Load(value);
    return;
  }
  YAML::Node child = node[path[i]];
  set_path(child, path, i + 1, value);
}

// The scenario text with the values set; yaml-cpp reports by exception, stopped here.
Result<std::string> with_values(const SweepSpec& spec, std::span<const std::string> values) {
  try {
    YAML::Node root = YAML::Load(spec.text);
    for (std::size_t p = 0; p < spec.parameters.size(); ++p)
      set_path(root, split(spec.parameters[p].key, '.'), 0, values[p]);
    YAML::Emitter out;
    out << root;
    return std::string(out.c_str());
  } catch (const YAML::Exception& e) {
    return invalid_argument(e.msg);
  }
}

std::string describe(const SweepSpec& spec, std::span<const std::string> values) {
  std::string out;
  for (std::size_t p = 0; p < spec.parameters.size(); ++p)
    out +=
        fmt::format("{}{}={}", out.empty() ? "" : " ", cut(spec.parameters[p].key), cut(values[p]));
  return out;
}

SweepJob run_job(const Scenario& scenario, std::size_t job, std::uint32_t run, Status& error) {
  SweepJob out{.job = job, .seed = replication_seed(scenario.seed, run), .metrics = {}};
  Result<RunResult> result = simulate(scenario, out.seed);
  if (!result.is_ok()) {
    error = result.status();
    return out;
  }
  const RunResult one[] = {std::move(result).value()};
  for (const MetricEstimate& m : summarize(one))
    out.metrics.emplace_back(m.name, m.value.mean);
  return out;
}

}  // namespace

Result<SweepParameter> parse_sweep_parameter(std::string_view text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return invalid_argument(fmt::format(
        "--set '{}': give a scenario field and its values, e.g. tenants.shard_size=1,2,3",
        cut(text)));
  }
  SweepParameter p{.key = std::string(text.substr(0, eq)),
                   .values = split(text.substr(eq + 1), ',')};
  for (const std::string& v : p.values) {
    if (v.empty()) return invalid_argument(fmt::format("--set '{}': a value is empty", cut(text)));
  }
  return p;
}

std::vector<std::vector<std::string>> sweep_combinations(const SweepSpec& spec) {
  std::vector<std::vector<std::string>> out = {{}};
  for (const SweepParameter& p : spec.parameters) {
    std::vector<std::vector<std::string>> next;
    for (const auto& prefix : out) {
      for (const std::string& v : p.values) {
        next.push_back(prefix);
        next.back().push_back(v);
      }
    }
    out = std::move(next);
  }
  return out;
}

Result<Scenario> sweep_scenario(const SweepSpec& spec, std::span<const std::string> values) {
  Result<std::string> text = with_values(spec, values);
  const std::string where = describe(spec, values);
  if (!text.is_ok()) return invalid_argument(fmt::format("{}: {}", where, text.status().message()));
  Result<Scenario> s = parse_scenario(*text, spec.source);
  if (!s.is_ok()) return invalid_argument(fmt::format("{}: {}", where, s.status().message()));
  return s;
}

std::vector<std::size_t> sweep_slice(std::size_t total_jobs, std::size_t index, std::size_t count) {
  std::vector<std::size_t> jobs;
  for (std::size_t j = index; j < total_jobs; j += count)
    jobs.push_back(j);
  return jobs;
}

Result<std::vector<SweepJob>> run_sweep(const SweepSpec& spec, std::span<const std::size_t> jobs,
                                        const SweepOptions& options) {
  std::vector<Scenario> scenarios;
  for (const auto& values : sweep_combinations(spec)) {
    Result<Scenario> s = sweep_scenario(spec, values);
    if (!s.is_ok()) return s.status();
    scenarios.push_back(std::move(s).value());
  }
  std::vector<SweepJob> results(jobs.size());
  std::vector<Status> errors(jobs.size());
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;
  std::mutex mutex;
  std::condition_variable finished;
  const auto work = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) {
      const std::size_t job = jobs[i];
      results[i] = run_job(scenarios[job / spec.runs], job,
                           static_cast<std::uint32_t>(job % spec.runs), errors[i]);
      std::lock_guard lock(mutex);
      ++done;
      finished.notify_one();
    }
  };
  std::vector<std::jthread> threads;
  for (unsigned t = 0; t < std::max(1u, options.threads); ++t)
    threads.emplace_back(work);
  {
    // Every count reached is reported once, the last (all done) always.
    std::unique_lock lock(mutex);
    for (std::size_t shown = 0;;) {
      if (done != shown && options.progress) options.progress(done, jobs.size());
      shown = done;
      if (done == jobs.size()) break;
      finished.wait(lock, [&] { return done != shown; });
    }
  }
  threads.clear();
  const auto combos = sweep_combinations(spec);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (!errors[i].is_ok()) {
      return invalid_argument(fmt::format("{} (run {}): {}",
                                          describe(spec, combos[jobs[i] / spec.runs]),
                                          jobs[i] % spec.runs, errors[i].message()));
    }
  }
  return results;
}

}  // namespace cellkit::sim

// Sweep outputs: the long-form CSV, the summary, the manifest, their parsing and merging.
#include "cellkit/report/sweep_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>

#include "cellkit/base/cut.h"
#include "cellkit/report/number_style.h"
#include "cellkit/sim/replications.h"
#include "io/text_fields.h"

namespace cellkit {
namespace {

using Json = nlohmann::ordered_json;

std::size_t combination_count(const SweepData& d) {
  std::size_t n = 1;
  for (const sim::SweepParameter& p : d.parameters)
    n *= p.values.size();
  return n;
}

std::string header(const SweepData& d) {
  std::string out;
  for (const sim::SweepParameter& p : d.parameters)
    out += p.key + ",";
  return out;
}

std::string values_of(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values)
    out += v + ",";
  return out;
}

std::vector<std::string> split(const std::string& line, char by) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string part;
  while (std::getline(in, part, by))
    out.push_back(part);
  if (!line.empty() && line.back() == by) out.emplace_back();
  return out;
}

Result<double> parse_double(const std::string& text, const std::string& where) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size())
    return invalid_argument(fmt::format("{}: '{}' is not a number", where, cut(text)));
  return v;
}

Result<std::uint64_t> parse_whole(const std::string& text, std::string_view what,
                                  const std::string& where) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    return invalid_argument(
        fmt::format("{}: {} '{}' is not a whole number", where, what, cut(text)));
  return v;
}

// The combination index of a row's parameter values (mixed radix, first parameter slowest).
Result<std::size_t> combination_of(const SweepData& d, const std::vector<std::string>& fields,
                                   const std::string& where) {
  std::size_t index = 0;
  for (std::size_t p = 0; p < d.parameters.size(); ++p) {
    const auto& values = d.parameters[p].values;
    const auto it = std::find(values.begin(), values.end(), fields[p]);
    if (it == values.end())
      return invalid_argument(fmt::format("{}: '{}' is not a value of {}", where, cut(fields[p]),
                                          cut(d.parameters[p].key)));
    index = index * values.size() + static_cast<std::size_t>(it - values.begin());
  }
  return index;
}

Status parse_row(const std::string& line, const std::string& where, SweepData& d) {
  const std::vector<std::string> f = split(line, ',');
  const std::size_t k = d.parameters.size();
  if (f.size() != k + 4)
    return invalid_argument(fmt::format("{}: expected {} fields", where, k + 4));
  Result<std::size_t> combination = combination_of(d, f, where);
  if (!combination.is_ok()) return combination.status();
  Result<std::uint64_t> run = parse_whole(f[k], "run", where);
  Result<std::uint64_t> seed = parse_whole(f[k + 1], "seed", where);
  Result<double> value = parse_double(f[k + 3], where);
  for (const Status& s : {run.status(), seed.status(), value.status()})
    if (!s.is_ok()) return s;
  if (*run >= d.runs)
    return invalid_argument(fmt::format("{}: run {} is not below runs ({})", where, *run, d.runs));
  const std::size_t job = *combination * d.runs + static_cast<std::size_t>(*run);
  if (d.jobs.empty() || d.jobs.back().job != job) {
    d.jobs.push_back({.job = job, .seed = *seed, .metrics = {}});
  }
  d.jobs.back().metrics.emplace_back(f[k + 2], *value);
  return Status::ok();
}

Result<SweepData> parse_manifest(const std::string& manifest, const std::string& where) {
  const Json j = Json::parse(manifest, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != "cellkit.sweep")
    return invalid_argument(where + "/sweep.json: not a cellkit sweep manifest");
  SweepData d;
  try {
    d.scenario = j.at("scenario").get<std::string>();
    d.runs = j.at("runs").get<std::uint32_t>();
    for (const Json& p : j.at("parameters"))
      d.parameters.push_back(
          {p.at("key").get<std::string>(), p.at("values").get<std::vector<std::string>>()});
    if (j.contains("shard"))
      d.shard = SweepShard{j["shard"].at("index").get<std::size_t>(),
                           j["shard"].at("count").get<std::size_t>()};
  } catch (const Json::exception& e) {
    return invalid_argument(fmt::format("{}/sweep.json: {}", where, e.what()));
  }
  return d;
}

std::string same_sweep(const SweepData& a, const SweepData& b) {
  if (a.scenario != b.scenario) return "scenario";
  if (a.parameters != b.parameters) return "parameters";
  if (a.runs != b.runs) return "runs";
  if (!a.shard || !b.shard || a.shard->count != b.shard->count) return "slice count";
  return {};
}

}  // namespace

std::string render_sweep_runs_csv(const SweepData& d) {
  std::string out = header(d) + "run,seed,metric,value\n";
  const auto combos = sim::sweep_combinations(
      {.source = {}, .text = {}, .parameters = d.parameters, .runs = d.runs});
  for (const sim::SweepJob& job : d.jobs) {
    const std::string prefix = values_of(combos[job.job / d.runs]);
    for (const auto& [metric, value] : job.metrics)
      out += fmt::format("{}{},{},{},{}\n", prefix, job.job % d.runs, job.seed, metric, value);
  }
  return out;
}

std::string render_sweep_summary_csv(const SweepData& d) {
  std::string out = header(d) + "metric,runs,mean,ci95\n";
  const auto combos = sim::sweep_combinations(
      {.source = {}, .text = {}, .parameters = d.parameters, .runs = d.runs});
  for (std::size_t c = 0; c < combos.size(); ++c) {
    std::map<std::string, std::vector<double>> samples;
    std::vector<std::string> order;
    for (const sim::SweepJob& job : d.jobs) {
      if (job.job / d.runs != c) continue;
      for (const auto& [metric, value] : job.metrics) {
        if (!samples.contains(metric)) order.push_back(metric);
        samples[metric].push_back(value);
      }
    }
    for (const std::string& metric : order) {
      const sim::Estimate e = sim::estimate(samples[metric]);
      out += fmt::format("{}{},{},{},{}\n", values_of(combos[c]), metric, e.runs,
                         format_csv_number(e.mean), format_csv_number(e.half_width));
    }
  }
  return out;
}

std::string render_sweep_manifest(const SweepData& d) {
  Json j;
  j["format"] = "cellkit.sweep";
  j["version"] = 1;
  j["scenario"] = d.scenario;
  j["parameters"] = Json::array();
  for (const sim::SweepParameter& p : d.parameters)
    j["parameters"].push_back({{"key", p.key}, {"values", p.values}});
  j["runs"] = d.runs;
  j["jobs"] = combination_count(d) * d.runs;
  if (d.shard) j["shard"] = {{"index", d.shard->index}, {"count", d.shard->count}};
  return j.dump(2) + "\n";
}

Result<SweepData> parse_sweep(const std::string& manifest, const std::string& runs_csv,
                              const std::string& where) {
  Result<SweepData> d = parse_manifest(manifest, where);
  if (!d.is_ok()) return d;
  if (const TextProblem p = text_problem(runs_csv); p.line != 0) {
    return invalid_argument(fmt::format("{}/runs.csv:{}: {}", where, p.line, p.what));
  }
  std::istringstream in(runs_csv);
  std::string line;
  std::getline(in, line);
  if (line != header(*d) + "run,seed,metric,value")
    return invalid_argument(where + "/runs.csv: its header does not match sweep.json");
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (Status s = parse_row(line, fmt::format("{}/runs.csv:{}", where, n), *d); !s.is_ok())
      return s;
  }
  return d;
}

Result<SweepData> merge_sweeps(std::vector<SweepData> slices) {
  if (slices.empty()) return invalid_argument("no sweep directories to merge");
  SweepData whole = slices.front();
  whole.jobs.clear();
  whole.shard.reset();
  std::vector<bool> seen(slices.front().shard ? slices.front().shard->count : 1, false);
  for (const SweepData& s : slices) {
    if (std::string what = same_sweep(slices.front(), s); !what.empty())
      return invalid_argument(
          fmt::format("the slices are not of one sweep: their {} differ", what));
    if (s.shard->index >= seen.size() || seen[s.shard->index])
      return invalid_argument(
          fmt::format("slice {}/{} is given twice", s.shard->index, s.shard->count));
    seen[s.shard->index] = true;
    whole.jobs.insert(whole.jobs.end(), s.jobs.begin(), s.jobs.end());
  }
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) return invalid_argument(fmt::format("slice {}/{} is missing", i, seen.size()));
  }
  std::sort(whole.jobs.begin(), whole.jobs.end(),
            [](const sim::SweepJob& a, const sim::SweepJob& b) { return a.job < b.job; });
  if (whole.jobs.size() != combination_count(whole) * whole.runs)
    return invalid_argument(fmt::format("the slices hold {} jobs of {}", whole.jobs.size(),
                                        combination_count(whole) * whole.runs));
  return whole;
}

}  // namespace cellkit

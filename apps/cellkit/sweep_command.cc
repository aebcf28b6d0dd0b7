// `cellkit sweep`: a scenario over a grid of field values, replicated, in parallel, sliceable
// for batch systems; `cellkit sweep merge` joins the slices.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "cellkit/base/cut.h"
#include "cellkit/io/mapping_file.h"
#include "cellkit/report/sweep_report.h"
#include "commands.h"
#include "help.h"
#include "progress_line.h"

namespace cellkit::cli {
namespace {

struct SweepArgs {
  std::string scenario;
  std::vector<std::string> set;
  std::uint32_t runs = 1;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  std::string out;
  std::string html;
  std::string shard;
  bool quiet = false;
};

struct MergeArgs {
  std::vector<std::string> dirs;
  std::string out;
  std::string html;
};

int fail(int code, const std::string& message) {
  std::cerr << "cellkit sweep: " << message << "\n";
  return code;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found(fmt::format("{}: cannot open", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<SweepShard> parse_shard(const std::string& text) {
  SweepShard s;
  char slash = 0;
  std::istringstream in(text);
  if (!(in >> s.index >> slash >> s.count) || slash != '/' || !in.eof() || s.count == 0 ||
      s.index >= s.count) {
    return invalid_argument(fmt::format(
        "--shard '{}': give I/N with 0 <= I < N, e.g. 0/4 for the first of 4 slices", cut(text)));
  }
  return s;
}

// Writes the sweep's files into `out` (created if missing); the summary and HTML only for a
// whole sweep.
int write_outputs(const SweepData& d, const std::string& out, const std::string& html) {
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) return fail(kExitFailure, fmt::format("--out {}: cannot create: {}", out, ec.message()));
  std::vector<std::pair<std::string, std::string>> files = {
      {"sweep.json", render_sweep_manifest(d)}, {"runs.csv", render_sweep_runs_csv(d)}};
  if (!d.shard) files.emplace_back("summary.csv", render_sweep_summary_csv(d));
  for (const auto& [name, text] : files) {
    if (Status s = write_file_atomically(out + "/" + name, text); !s.is_ok())
      return fail(kExitFailure, s.message());
  }
  if (html.empty()) return kExitOk;
  if (Status s = write_file_atomically(html, render_sweep_html(d)); !s.is_ok())
    return fail(kExitFailure, "--html " + s.message());
  return kExitOk;
}

Result<sim::SweepSpec> spec_of(const SweepArgs& a) {
  Result<std::string> text = read_file(a.scenario);
  if (!text.is_ok()) return text.status();
  sim::SweepSpec spec{
      .source = a.scenario, .text = std::move(text).value(), .parameters = {}, .runs = a.runs};
  for (const std::string& s : a.set) {
    Result<sim::SweepParameter> p = sim::parse_sweep_parameter(s);
    if (!p.is_ok()) return p.status();
    spec.parameters.push_back(std::move(p).value());
  }
  return spec;
}

int run(const SweepArgs& a) {
  if (!a.shard.empty() && !a.html.empty())
    return fail(kExitUsage, "--html needs the whole sweep: write it with `cellkit sweep merge`");
  Result<sim::SweepSpec> spec = spec_of(a);
  if (!spec.is_ok())
    return fail(spec.status().code() == StatusCode::kNotFound ? kExitFailure : kExitUsage,
                spec.status().message());
  std::optional<SweepShard> shard;
  if (!a.shard.empty()) {
    Result<SweepShard> s = parse_shard(a.shard);
    if (!s.is_ok()) return fail(kExitUsage, s.status().message());
    shard = *s;
  }
  const std::size_t total = sim::sweep_combinations(*spec).size() * a.runs;
  const std::vector<std::size_t> jobs =
      sim::sweep_slice(total, shard ? shard->index : 0, shard ? shard->count : 1);
  ProgressLine line("cellkit sweep", a.quiet);
  sim::SweepOptions options{.threads = a.jobs, .progress = {}};
  options.progress = [&line](std::size_t done, std::size_t all) {
    line.update(static_cast<double>(done) / static_cast<double>(all),
                fmt::format("{}/{} runs, {:.2f} runs/s", done, all,
                            static_cast<double>(done) / std::max(line.elapsed(), 1e-9)),
                done == all);
  };
  Result<std::vector<sim::SweepJob>> results = sim::run_sweep(*spec, jobs, options);
  line.clear();
  if (!results.is_ok())
    return fail(kExitFailure, fmt::format("{}: {}", a.scenario, results.status().message()));
  const SweepData data{.scenario = a.scenario,
                       .parameters = spec->parameters,
                       .runs = a.runs,
                       .jobs = std::move(results).value(),
                       .shard = shard};
  if (int code = write_outputs(data, a.out, a.html); code != kExitOk) return code;
  std::cout << (shard ? "" : render_sweep_summary_csv(data));
  return kExitOk;
}

int merge(const MergeArgs& a) {
  std::vector<SweepData> slices;
  for (const std::string& dir : a.dirs) {
    Result<std::string> manifest = read_file(dir + "/sweep.json");
    if (!manifest.is_ok()) return fail(kExitFailure, manifest.status().message());
    Result<std::string> runs = read_file(dir + "/runs.csv");
    if (!runs.is_ok()) return fail(kExitFailure, runs.status().message());
    Result<SweepData> slice = parse_sweep(*manifest, *runs, dir);
    if (!slice.is_ok()) return fail(kExitFailure, slice.status().message());
    slices.push_back(std::move(slice).value());
  }
  Result<SweepData> whole = merge_sweeps(std::move(slices));
  if (!whole.is_ok()) return fail(kExitFailure, "merge: " + whole.status().message());
  if (int code = write_outputs(*whole, a.out, a.html); code != kExitOk) return code;
  std::cout << render_sweep_summary_csv(*whole);
  return kExitOk;
}

void add_merge(CLI::App* sweep, int& exit_code) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* cmd = sweep->add_subcommand(
      "merge",
      "Join the slices of a sweep run with --shard I/N (their --out directories) into the\n"
      "files one run of the whole sweep writes, byte for byte.");
  cmd->add_option("dirs", args->dirs, "The slices' --out directories, every slice once")
      ->required();
  cmd->add_option("--out", args->out, "Directory for runs.csv, summary.csv and sweep.json")
      ->required();
  cmd->add_option("--html", args->html, "Also write the HTML comparison");
  cmd->callback([args, &exit_code] { exit_code = merge(*args); });
}

}  // namespace

void add_sweep_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd = add_command(
      app,
      {.name = "sweep",
       .summary = "Compare designs: a scenario over a grid of field values, replicated",
       .description =
           "Run a scenario over every combination of --set values, --runs times each, in "
           "parallel,\n"
           "and compare: runs.csv (long form: parameters,run,seed,metric,value), summary.csv\n"
           "(mean and 95% CI per combination and metric, also on stdout) and sweep.json in --out;\n"
           "--html compares availability, tenants down, cells crashed and p99. Results do not\n"
           "depend on -j. --shard I/N runs one slice; `cellkit sweep merge` joins the slices\n"
           "(docs/sweeps.md).",
       .exit_codes = {
           exit_ok(),
           exit_bad_file("bad scenario file, a combination the scenario refuses, "
                         "slices that do not merge, or an output that cannot be written"),
           exit_bad_option()}});
  cmd->add_option("scenario", args->scenario, "Scenario file (YAML or JSON)");
  cmd->add_option("--set", args->set,
                  "A scenario field and its values, e.g. tenants.shard_size=1,2,3 (repeatable;\n"
                  "every combination runs)");
  cmd->add_option("--runs", args->runs,
                  "Replications per combination (seeds derived as in simulate)")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();
  cmd->add_option("-j,--jobs", args->jobs, "Runs at once (default: the number of cores)")
      ->check(CLI::Range(1u, 256u));
  cmd->add_option("--out", args->out, "Directory for the results (created if missing)");
  cmd->add_option("--html", args->html, "Also write the HTML comparison (whole sweeps only)");
  cmd->add_option("--shard", args->shard,
                  "Run only slice I of N (0-based: jobs j with j mod N = I), for batch systems");
  cmd->add_flag("--quiet", args->quiet, "No progress line on stderr (shown only on a terminal)");
  add_merge(cmd, exit_code);
  cmd->callback([cmd, args, &exit_code] {
    if (cmd->got_subcommand("merge")) return;
    if (args->scenario.empty() || args->out.empty()) {
      exit_code = fail(kExitUsage, "give a scenario file and --out DIR (see cellkit sweep --help)");
      return;
    }
    exit_code = run(*args);
  });
}

}  // namespace cellkit::cli

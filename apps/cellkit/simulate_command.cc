// `cellkit simulate`: runs a scenario file through the discrete-event simulator.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cellkit/base/cut.h"
#include "cellkit/io/file.h"
#include "cellkit/io/mapping_file.h"
#include "cellkit/report/html_reports.h"
#include "cellkit/report/sim_report.h"
#include "cellkit/sim/scenario_file.h"
#include "cellkit/sim/simulator.h"
#include "commands.h"
#include "help.h"
#include "progress_line.h"

namespace cellkit::cli {
namespace {

struct SimulateArgs {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::uint32_t runs = 1;
  std::string until;
  std::string format = "text";
  std::string out;
  std::string html;
  bool quiet = false;
  bool force = false;           // replace result files already in --out
  bool print_scenario = false;  // print the scenario as read (YAML) instead of running it
};

// The progress line's callback: share of simulated time over every run, simulated seconds and
// events per second of wall time. The wall clock is read here, in the CLI, never in the
// simulator.
sim::RunOptions progress_options(ProgressLine& line, const sim::Scenario& scenario,
                                 std::uint32_t runs) {
  sim::RunOptions options;
  if (!line.active()) return options;
  struct State {
    std::uint32_t run = 0;
    double last = 0, before = 0;  // simulated seconds: this run's last, earlier runs' total
    std::uint64_t events_before = 0, last_events = 0;
  };
  auto state = std::make_shared<State>();
  const double until = static_cast<double>(scenario.until.count()) / 1e6;
  options.progress = [&line, state, until, runs](const sim::Progress& p) {
    const double now = static_cast<double>(p.now.time_since_epoch().count()) / 1e6;
    if (now < state->last) {  // a new replication started
      ++state->run;
      state->before += state->last;
      state->events_before += state->last_events;
    }
    state->last = now;
    state->last_events = p.events;
    const double wall = std::max(line.elapsed(), 1e-9);
    const double done = (static_cast<double>(state->run) + now / until) / runs;
    line.update(done,
                fmt::format("run {}/{}, {:.0f} simulated s/s, {:.2f} M events/s", state->run + 1,
                            runs, (state->before + now) / wall,
                            static_cast<double>(state->events_before + p.events) / wall / 1e6));
  };
  options.progress_every = 1 << 18;
  return options;
}

int apply_overrides(const SimulateArgs& args, sim::Scenario& scenario) {
  if (args.seed) scenario.seed = *args.seed;
  if (args.until.empty()) return kExitOk;
  Result<Duration> until = sim::parse_duration(args.until);
  if (!until.is_ok() || *until <= Duration::zero()) {
    std::cerr << "cellkit simulate: --until '" << cut(args.until)
              << "' is not allowed: give a positive duration such as 90s, 10m or 2h\n";
    return kExitUsage;
  }
  scenario.until = *until;
  // The file validated as read, so what fails now is the file's own fields against the new
  // end (a fault at or after it, too many intervals): named as --until's doing, not the file's.
  if (Status valid = scenario.validate(); !valid.is_ok()) {
    std::cerr << "cellkit simulate: --until '" << cut(args.until) << "' does not fit "
              << args.scenario << ": " << valid.message() << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

// The result files already in `dir`, comma-separated; empty when there are none.
std::string existing_run_files(const std::string& dir) {
  std::string found;
  for (std::string_view name : kRunFileNames) {
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::path(dir) / name, ec)) continue;
    found += (found.empty() ? "" : ", ") + std::string(name);
  }
  return found;
}

// --out names a directory to create or reuse. A file given as --out, and result files of an
// earlier run (unless --force), are refused before the run, so a long simulation is not thrown
// away at the end and an earlier result is not silently replaced.
int check_out_dir(const SimulateArgs& args) {
  const std::string& out = args.out;
  std::error_code ec;
  if (out.empty()) return kExitOk;
  if (std::filesystem::exists(out, ec) && !std::filesystem::is_directory(out, ec)) {
    std::cerr << "cellkit simulate: --out " << out
              << ": is a file, not a directory: give a directory for timeseries.csv, tenants.csv "
                 "and result.json (created if missing)\n";
    return kExitFailure;
  }
  const std::string existing = existing_run_files(out);
  if (!existing.empty() && !args.force) {
    std::cerr << "cellkit simulate: --out " << out << " already holds " << existing
              << " from an earlier run: give --force to replace them, or another directory\n";
    return kExitFailure;
  }
  // Created now and probed with a file, so an unwritable place fails before the run.
  if (Status s = prepare_output_directory(out); !s.is_ok()) {
    std::cerr << "cellkit simulate: --out: " << s.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

// The three files as one set: all are replaced or none is.
Status write_out_dir(std::span<const sim::RunResult> runs, const std::string& dir) {
  const std::vector<RenderedFile> rendered = render_run_files(runs);
  std::vector<FileContents> files;
  for (const RenderedFile& f : rendered) {
    files.push_back({(std::filesystem::path(dir) / f.name).string(), f.contents});
  }
  return write_files_atomically(files);
}

// --html names a file; a directory there is refused before the run.
int check_html_path(const std::string& html) {
  std::error_code ec;
  if (html.empty() || !std::filesystem::is_directory(html, ec)) return kExitOk;
  std::cerr << "cellkit simulate: --html " << html
            << ": is a directory: give the name of the HTML file to write\n";
  return kExitFailure;
}

// --print-scenario: the scenario with --seed and --until applied, as a scenario file. It
// validates (as read, and again after --until), so what is printed reads back.
int print_scenario(const SimulateArgs& args, const sim::Scenario& scenario) {
  Result<std::string> written = sim::write_scenario(scenario);
  if (!written.is_ok()) {
    std::cerr << "cellkit simulate: " << args.scenario << ": " << written.status().message()
              << "\n";
    return kExitFailure;
  }
  std::cout << *written;
  return kExitOk;
}

int run(const SimulateArgs& args) {
  Result<sim::Scenario> scenario = sim::load_scenario(args.scenario);
  if (!scenario.is_ok()) {
    std::cerr << "cellkit simulate: " << scenario.status().message() << "\n";
    return kExitFailure;
  }
  if (int code = apply_overrides(args, *scenario); code != kExitOk) return code;
  if (args.print_scenario) return print_scenario(args, *scenario);
  if (int code = check_out_dir(args); code != kExitOk) return code;
  if (int code = check_html_path(args.html); code != kExitOk) return code;
  ProgressLine line("cellkit simulate", args.quiet);
  const sim::RunOptions options = progress_options(line, *scenario, args.runs);
  Result<std::vector<sim::RunResult>> runs = sim::replicate(*scenario, args.runs, options);
  line.clear();
  if (!runs.is_ok()) {
    std::cerr << "cellkit simulate: " << args.scenario << ": " << runs.status().message() << "\n";
    return kExitFailure;
  }
  if (args.format == "json") {
    std::cout << render_runs_json(*runs);
  } else {
    std::cout << (runs->size() == 1 ? render_run_text(runs->front())
                                    : render_replications_text(*runs));
  }
  if (!args.out.empty()) {
    if (Status s = write_out_dir(*runs, args.out); !s.is_ok()) {
      std::cerr << "cellkit simulate: --out: " << s.message() << "\n";
      return kExitFailure;
    }
  }
  if (args.html.empty()) return kExitOk;
  if (Status s = write_file_atomically(args.html, render_runs_html(*runs)); !s.is_ok()) {
    std::cerr << "cellkit simulate: --html " << s.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_simulate_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = add_command(
      app,
      {.name = "simulate",
       .summary = "Simulate a fleet over time from a scenario file: traffic, faults, growth",
       .description =
           "Run a scenario file (YAML or JSON; see docs/scenario-format.md) through the\n"
           "discrete-event simulator: cells with servers and queues, tenants sending Poisson\n"
           "traffic, the core router and control plane, and the scenario's faults.\n"
           "Same scenario and seed give byte-identical output.",
       .exit_codes = {exit_ok(),
                      exit_bad_file("bad scenario file (the message says where), or --out is a "
                                    "file, holds result files already (give --force to replace "
                                    "them) or cannot be written"),
                      exit_bad_option()}});
  cmd->add_option("scenario", args->scenario, "Scenario file to run")->required();
  cmd->add_option("--seed", args->seed,
                  "Run seed; overrides the scenario's `seed` (default: the scenario's)");
  CLI::Option* runs =
      cmd->add_option("--runs", args->runs,
                      "Independent replications with derived seeds; more than 1 prints each\n"
                      "metric's mean with its 95% confidence interval")
          ->check(CLI::Range(1u, 1000u))
          ->capture_default_str();
  cmd->add_option("--until", args->until,
                  "Simulated time to run, e.g. 90s, 10m, 2h; overrides the scenario's `until`");
  CLI::Option* format =
      cmd->add_option("--format", args->format, "Output format on stdout: text or json")
          ->check(CLI::IsMember({"text", "json"}))
          ->capture_default_str();
  CLI::Option* out = cmd->add_option(
      "--out", args->out,
      "Also write timeseries.csv (long form: run,seed,time_s,entity,metric,value),\n"
      "tenants.csv and result.json into this directory (created if missing).\n"
      "Result files already there are refused before the run, unless --force");
  CLI::Option* force =
      cmd->add_flag("--force", args->force, "Replace result files already in --out");
  CLI::Option* html =
      cmd->add_option("--html", args->html,
                      "Also write a self-contained HTML report (charts of outcomes, fleet health\n"
                      "and tenants over time, latency, utilisation per cell, the timeline and a\n"
                      "diagram of the fleet; no scripts, opens from disk)");
  cmd->add_flag("--quiet", args->quiet, "No progress line on stderr (shown only on a terminal)");
  cmd->add_flag("--print-scenario", args->print_scenario,
                "Run nothing: print the scenario as the simulator reads it, as a scenario\n"
                "file (YAML) with every field written, defaults included, and --seed and\n"
                "--until applied. A tenants.mapping stays a reference to its file")
      ->excludes(runs)
      ->excludes(format)
      ->excludes(out)
      ->excludes(force)
      ->excludes(html);
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace cellkit::cli

// `cellkit rebalance`: plan the moves from a mapping file to a changed fleet.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "cellkit/base/cut.h"
#include "cellkit/io/placement_document.h"
#include "cellkit/report/html_reports.h"
#include "cellkit/report/number_style.h"
#include "commands.h"
#include "help.h"
#include "placement_text.h"
#include "progress_line.h"

namespace cellkit::cli {
namespace {

struct RebalanceArgs {
  std::string input;
  std::uint32_t add_cells = 0;
  std::string name_prefix;  // names of added cells: <prefix><n>; empty = the mapping's scheme
  std::vector<std::string> drain;
  std::vector<std::string> remove;
  std::optional<std::uint32_t> capacity;  // new capacity of every cell
  std::size_t max_moves = 0;              // 0 = no limit
  std::string output;
  std::string output_format;  // json or csv; empty = from -o's extension
  std::string plan;
  std::string html;
  std::size_t show_moves = 0;
  bool quiet = false;  // no step messages or progress line
};

// A failure with its exit code: 1 for bad input files, 2 for bad options.
struct Failure {
  int code = kExitOk;
  std::string message;
};

// A cell named twice in --drain/--remove would be counted twice in the summary.
Failure check_cells_named_once(const RebalanceArgs& a) {
  std::map<std::string_view, std::string_view> seen;  // cell name -> first option naming it
  for (const auto& [option, names] : {std::pair{"--drain", &a.drain}, {"--remove", &a.remove}}) {
    for (const std::string& name : *names) {
      auto [it, inserted] = seen.emplace(name, option);
      if (inserted) continue;
      return {kExitUsage,
              it->second == option
                  ? fmt::format("{}: cell '{}' is given twice", option, cut(name))
                  : fmt::format("cell '{}' is given to both --drain and --remove; give it once",
                                cut(name))};
    }
  }
  return {};
}

Failure change_fleet(const RebalanceArgs& a, const MappingDocument& doc, Fleet& target) {
  if (Failure f = check_cells_named_once(a); f.code != kExitOk) return f;
  auto find = [&](const std::string& name) -> const Cell* {
    for (const Cell& c : doc.fleet.cells()) {
      if (c.name == name) return &c;
    }
    return nullptr;
  };
  for (const auto& [option, names] : {std::pair{"--drain", &a.drain}, {"--remove", &a.remove}}) {
    for (const std::string& name : *names) {
      const Cell* c = find(name);
      if (c == nullptr) {
        return {kExitUsage,
                fmt::format("{}: no cell named '{}' in {}", option, cut(name), a.input)};
      }
      if (std::string_view(option) == "--drain") {
        target.cell(c->id).state = CellState::kDraining;
      } else {
        (void)target.remove(c->id);
      }
    }
  }
  if (a.capacity) {
    for (const Cell& c : doc.fleet.cells()) {
      if (Cell* t = target.find_cell(c.id)) t->capacity = *a.capacity;
    }
  }
  Result<std::vector<Cell>> added = next_cells(target, a.add_cells, a.name_prefix);
  if (!added.is_ok()) return {kExitFailure, added.status().message()};
  for (Cell& c : *added)
    (void)target.add(std::move(c));
  return {};
}

std::string verdict(const PlanCheck& c, const Placement& p, bool only_adds) {
  std::string out = fmt::format("checked after every move: capacity {}",
                                c.capacity_violations == 0 ? "kept" : "EXCEEDED");
  if (limits_overlap(p.options)) {
    out += fmt::format(", overlap <= {} {}", p.options.max_overlap,
                       c.overlap_violations == 0 ? "kept" : "BROKEN");
  }
  if (c.tenants_moved_twice == 0) {
    out += ", no tenant moved twice";
  } else {
    out += fmt::format(", {} tenant{} moved more than once ({} move{} of a tenant already moved)",
                       format_count(c.tenants_moving_again), c.tenants_moving_again == 1 ? "" : "s",
                       format_count(c.tenants_moved_twice), c.tenants_moved_twice == 1 ? "" : "s");
  }
  if (only_adds) {
    out += c.moves_into_old_cells == 0 ? ", no old cell gained load" : ", old cells gained load";
  }
  return out + "\n";
}

void print_moves(std::ostream& out, const RebalancePlan& plan, const Placement& p,
                 const Fleet& target, std::size_t count) {
  const std::string csv = write_plan_csv(
      RebalancePlan{.moves = {plan.moves.begin(),
                              plan.moves.begin() +
                                  static_cast<std::ptrdiff_t>(std::min(count, plan.moves.size()))}},
      p, target);
  if (count == 0) return;
  out << csv;
  if (count < plan.moves.size()) {
    out << fmt::format("... {} more moves; every move in --plan FILE\n",
                       format_count(plan.moves.size() - count));
  }
}

void print_summary(std::ostream& out, const RebalanceArgs& a, const Placement& before,
                   const Placement& after, const Fleet& target, const RebalancePlan& plan) {
  out << fmt::format("rebalance {}: {} cell{} added, {} drained, {} removed", a.input, a.add_cells,
                     a.add_cells == 1 ? "" : "s", a.drain.size(), a.remove.size());
  out << (a.capacity ? fmt::format(", capacity set to {}\n", *a.capacity) : std::string("\n"));
  const std::string clearing =
      plan.clearing == 0 ? std::string()
                         : fmt::format(", {} moving other tenants aside to clear the way for them",
                                       format_count(plan.clearing));
  out << fmt::format(
      "moves: {} ({} off drained, removed or over-capacity cells{}, {} to fill new cells)\n",
      format_count(plan.moves.size()), format_count(plan.required - plan.clearing), clearing,
      format_count(plan.moves.size() - plan.required));
  if (plan.unfinished > 0) {
    out << fmt::format("stopped at --max-moves {}: load {} still on cells that must empty\n",
                       a.max_moves, plan.unfinished);
  }
  for (const Shortfall& s : plan.shortfalls) {
    out << fmt::format("{} reached {} of its fair share {}: {}\n", target.cell(s.cell).name, s.load,
                       s.fair_share, s.reason);
  }
  print_load(out, "load before", load_spread(before));
  print_load(out, "load after ", load_spread(after));
  const bool only_adds = a.drain.empty() && a.remove.empty() && !a.capacity;
  out << verdict(check_plan(before, target, plan), before, only_adds);
  print_moves(out, plan, before, target, a.show_moves);
}

// -o and --plan are checked before any work: each names its own file, neither the input,
// and at most one is '-' (stdout).
Failure check_outputs(const RebalanceArgs& a) {
  if (a.output == "-" && a.plan == "-") {
    return {kExitUsage, "-o - and --plan - both ask for stdout; send one of them to a file"};
  }
  for (const auto& [option, path] : {std::pair{"-o", &a.output}, {"--plan", &a.plan}}) {
    if (!path->empty() && *path != "-" && same_file(*path, a.input)) {
      return {kExitUsage, fmt::format("{} {} would overwrite the input mapping; give another file",
                                      option, *path)};
    }
  }
  if (!a.output.empty() && a.output != "-" && !a.plan.empty() && a.plan != "-" &&
      same_file(a.output, a.plan)) {
    return {kExitUsage,
            fmt::format("-o and --plan name the same file '{}'; give two files", a.plan)};
  }
  return {};
}

// The mapping and the plan are written as one set: both files are replaced or neither is.
Failure write_outputs(const RebalanceArgs& a, const MappingDocument& doc, const Placement& before,
                      const Placement& after, const Fleet& target, const RebalancePlan& plan,
                      std::ostream& log) {
  std::string mapping;
  std::string plan_text;
  std::vector<FileContents> files;
  if (!a.output.empty()) {
    Result<std::string> text =
        render_mapping(document_from(after, doc.zone_names), a.output, a.output_format);
    if (!text.is_ok()) return {kExitFailure, text.status().message()};
    mapping = std::move(text).value();
    if (a.output != "-") files.push_back({a.output, mapping});
  }
  if (!a.plan.empty()) {
    const bool json = a.plan != "-" && a.plan.ends_with(".json");
    plan_text = json ? write_plan_json(plan, before, target) : write_plan_csv(plan, before, target);
    if (a.plan != "-") files.push_back({a.plan, plan_text});
  }
  std::string html;
  if (!a.html.empty()) {
    html = render_rebalance_html(before, after, target, plan, doc.zone_names,
                                 fmt::format("Rebalance: {}", a.input));
    files.push_back({a.html, html});
  }
  if (Status s = write_files_atomically(files); !s.is_ok()) return {kExitFailure, s.message()};
  if (a.output == "-") std::cout << mapping;
  if (a.plan == "-") std::cout << plan_text;
  for (const FileContents& f : files) {
    if (f.path != a.html) log << fmt::format("wrote {}\n", f.path);  // the report goes unsaid
  }
  return {};
}

// A prefix becomes part of cell names, which the mapping formats and the router's routing
// table carry: it keeps to characters every one of them takes as they are.
Failure check_name_prefix(const RebalanceArgs& a) {
  if (a.name_prefix.empty()) return {};
  if (a.add_cells == 0) return {kExitUsage, "--name-prefix names added cells: give --add-cells N"};
  const bool plain = std::all_of(a.name_prefix.begin(), a.name_prefix.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == ':';
  });
  if (plain && a.name_prefix.size() <= 64) return {};
  return {kExitUsage, fmt::format("--name-prefix '{}': use at most 64 letters, digits and - _ . :",
                                  cut(a.name_prefix))};
}

int fail(const Failure& f) {
  std::cerr << "cellkit rebalance: " << f.message << "\n";
  return f.code;
}

// Long steps are announced on stderr, only when it is a terminal (never in captured output).
void progress(const RebalanceArgs& a, std::string_view step) {
  if (!a.quiet && ::isatty(STDERR_FILENO)) std::cerr << step << "...\n";
}

int run(const RebalanceArgs& a) {
  if (a.add_cells == 0 && a.drain.empty() && a.remove.empty() && !a.capacity) {
    return fail({kExitUsage,
                 "nothing to do: give --add-cells N, --drain CELL, --remove CELL or --capacity N"});
  }
  if (Failure f = check_outputs(a); f.code != kExitOk) return fail(f);
  if (Failure f = check_name_prefix(a); f.code != kExitOk) return fail(f);
  progress(a, fmt::format("reading {}", a.input));
  Result<MappingDocument> doc = load_mapping(a.input);
  if (!doc.is_ok()) return fail({kExitFailure, doc.status().message()});
  Result<Placement> before = placement_from(*doc);
  if (!before.is_ok())
    return fail({kExitFailure, fmt::format("{}: {}", a.input, before.status().message())});
  Fleet target = doc->fleet;
  if (Failure f = change_fleet(a, *doc, target); f.code != kExitOk) return fail(f);
  RebalanceOptions options;
  if (a.max_moves > 0) options.max_moves = a.max_moves;
  ProgressLine line("cellkit rebalance: planning", a.quiet);
  options.progress = tenant_progress(line, before->tenants.size());
  if (!options.progress.observer) progress(a, "planning");
  Result<RebalancePlan> plan = plan_rebalance(*before, target, options);
  line.clear();
  if (!plan.is_ok()) {
    return fail({kExitFailure, fmt::format("{}: {}", a.input, plan.status().message())});
  }
  Result<Placement> after = apply_plan(*before, target, *plan);
  if (!after.is_ok()) return fail({kExitFailure, after.status().message()});
  std::ostream& log = a.plan == "-" || a.output == "-" ? std::cerr : std::cout;
  print_summary(log, a, *before, *after, target, *plan);
  if (Failure f = write_outputs(a, *doc, *before, *after, target, *plan, log); f.code != kExitOk) {
    return fail(f);
  }
  return kExitOk;
}

}  // namespace

void add_rebalance_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RebalanceArgs>();
  RebalanceArgs& a = *args;
  CLI::App* cmd = add_command(
      app,
      {.name = "rebalance",
       .summary = "Plan the single-cell moves from a mapping to a changed fleet",
       .description =
           "Plan the single-cell moves that take a mapping (JSON from `cellkit place -o`, or CSV)\n"
           "to a changed fleet. Cells that are drained or removed are emptied first; added cells\n"
           "are then filled to their fair share from the most loaded cells (same zone when the\n"
           "mapping is zone-aware). Capacity and the overlap limit hold after every move, so the\n"
           "plan may be stopped anywhere; no old cell gains load when cells are only added.",
       .exit_codes = {exit_ok(), exit_bad_file(), exit_bad_option()}});
  cmd->add_option("mapping", a.input,
                  "Mapping file: JSON (docs/mapping-format.md) or CSV tenant,cell,cell,...")
      ->required();
  cmd->add_option("--add-cells", a.add_cells,
                  "Add N cells, each in the zone with the fewest cells, named after the mapping's\n"
                  "own scheme (prefix and number, per zone when zones have their own prefix;\n"
                  "else cell-<id>)")
      ->capture_default_str();
  cmd->add_option("--name-prefix", a.name_prefix,
                  "Name added cells PREFIX<n>, n counting on past the mapping's PREFIX<n> cells");
  cmd->add_option("--drain", a.drain, "Empty this cell and keep it, draining (repeatable)");
  cmd->add_option("--remove", a.remove, "Empty this cell and remove it (repeatable)");
  cmd->add_option("--capacity", a.capacity,
                  "Set every cell's capacity to N tenants (0 = no limit); cells above it shed\n"
                  "their excess");
  cmd->add_option("--max-moves", a.max_moves, "Plan at most M moves, the best prefix; 0 = all")
      ->capture_default_str();
  cmd->add_option("-o,--output", a.output,
                  "Write the mapping after the plan: JSON, or CSV when the name ends in .csv;\n"
                  "'-' writes it to stdout and the summary to stderr");
  add_output_format_option(cmd, a.output_format);
  cmd->add_option("--plan", a.plan,
                  "Write the plan: FILE.json as JSON, any other name as CSV\n"
                  "(step,tenant,from,to); '-' writes CSV to stdout and the summary to stderr");
  cmd->add_option("--html", a.html,
                  "Also write a self-contained HTML report: load per cell before and after,\n"
                  "moves per cell, overlap before and after, and the fleet after the plan");
  cmd->add_option("--show-moves", a.show_moves, "Also print the first N moves")
      ->capture_default_str();
  cmd->add_flag("--quiet", args->quiet,
                "No progress on stderr (shown only on a terminal; a progress line from 100,000 "
                "tenants)");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace cellkit::cli

// `cellkit analyze`: exact blast radius of a mapping file.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "cellkit/analysis/analyzer.h"
#include "cellkit/base/cut.h"
#include "cellkit/io/mapping_file.h"
#include "cellkit/io/placement_document.h"
#include "cellkit/report/analysis_report.h"
#include "cellkit/report/html_reports.h"
#include "commands.h"
#include "help.h"
#include "progress_line.h"

namespace cellkit::cli {
namespace {

struct AnalyzeArgs {
  std::string path;
  std::string fleet_path;
  std::string tenant;
  std::vector<std::string> fail;
  std::string format = "text";
  std::string html;
  bool lenient = false;
  bool quiet = false;  // no step messages or progress line
};

// Step messages only for a person watching a terminal; never in captured output.
void progress(const AnalyzeArgs& args, std::string_view message) {
  if (!args.quiet && isatty(STDERR_FILENO)) std::cerr << "cellkit analyze: " << message << "...\n";
}

void print_problems(const ReadReport& report) {
  if (report.skipped_lines == 0) return;
  std::cerr << "cellkit analyze: skipped " << report.skipped_lines << " bad line"
            << (report.skipped_lines == 1 ? "" : "s") << ":\n";
  for (const std::string& problem : report.problems)
    std::cerr << "  " << problem << "\n";
}

// The mapping, read against the --fleet file's cells and zones when one is given.
Result<MappingDocument> read_mapping(const AnalyzeArgs& args, ReadReport& report) {
  ReadOptions read_options;
  read_options.lenient = args.lenient;
  if (args.fleet_path.empty()) return read_mapping_file(args.path, read_options, &report);
  Result<MappingDocument> fleet = read_mapping_file(args.fleet_path);
  if (!fleet.is_ok()) return fleet.status();
  if (fleet->strategy == "csv import") {
    return invalid_argument(fmt::format(
        "--fleet {}: a CSV mapping has no fleet of its own; --fleet takes a cellkit JSON mapping "
        "(its cells and zones)",
        args.fleet_path));
  }
  read_options.fleet = &fleet->fleet;
  Result<MappingDocument> doc = read_mapping_file(args.path, read_options, &report);
  if (doc.is_ok() && doc->strategy != "csv import") {
    return invalid_argument(args.path +
                            ": --fleet applies to CSV mappings only; a JSON mapping "
                            "brings its own cells");
  }
  if (doc.is_ok()) doc->zone_names = fleet->zone_names;
  return doc;
}

// The overlap limit a placed mapping records and the bound it gives; none for CSV imports
// and strategies without a limit.
std::optional<OverlapLimit> overlap_limit(const MappingDocument& doc) {
  Result<Placement> placement = placement_from(doc);
  if (!placement.is_ok()) return std::nullopt;
  const std::optional<PlacementFill> fill = placement_fill(*placement);
  if (!fill) return std::nullopt;
  return OverlapLimit{.max_overlap = placement->options.max_overlap, .bound = fill->bound};
}

// The first cell --fail names twice, or nothing.
std::optional<std::string> repeated_cell(const std::vector<std::string>& cells) {
  std::set<std::string_view> seen;
  for (const std::string& cell : cells) {
    if (!seen.insert(cell).second) return cell;
  }
  return std::nullopt;
}

int run(const AnalyzeArgs& args) {
  if (const std::optional<std::string> cell = repeated_cell(args.fail)) {
    std::cerr << fmt::format("cellkit analyze: --fail names cell '{}' twice\n", cut(*cell));
    return kExitUsage;
  }
  progress(args, "reading " + args.path);
  ReadReport report;
  Result<MappingDocument> doc = read_mapping(args, report);
  if (!doc.is_ok()) {
    std::cerr << "cellkit analyze: " << doc.status().message() << "\n";
    return kExitFailure;
  }
  print_problems(report);
  ProgressLine line("cellkit analyze", args.quiet);
  AnalysisOptions options{.names = {.tenant = "--tenant", .fail_cells = "--fail"}};
  options.progress = tenant_progress(line, doc->tenants.size());
  if (!args.tenant.empty()) options.tenant = args.tenant;
  options.fail_cells = args.fail;
  Result<AnalysisResult> result = analyze({.fleet = doc->fleet,
                                           .mapping = doc->mapping,
                                           .tenants = doc->tenants,
                                           .zone_names = doc->zone_names,
                                           .source = args.path,
                                           .tenant_lines = report.tenant_lines,
                                           .limit = overlap_limit(*doc)},
                                          options);
  line.clear();
  if (!result.is_ok()) {
    std::cerr << "cellkit analyze: " << result.status().message() << "\n";
    return result.status().code() == StatusCode::kNotFound ? kExitUsage : kExitFailure;
  }
  const AnalysisSource source{args.path, report.lines, report.skipped_lines};
  std::cout << (args.format == "json" ? render_analysis_json(*result, source)
                                      : render_analysis_text(*result, source));
  if (args.html.empty()) return kExitOk;
  const FleetDiagram diagram = diagram_of(doc->fleet, doc->mapping, doc->tenants, doc->zone_names);
  if (Status s = write_file_atomically(args.html, render_analysis_html(*result, source, &diagram));
      !s.is_ok()) {
    std::cerr << "cellkit analyze: --html " << s.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_analyze_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* cmd = add_command(
      app,
      {.name = "analyze",
       .summary = "Exact blast radius of a mapping file: overlaps, poison pills, failures, load",
       .description =
           "Exact blast radius of a mapping (JSON or CSV tenant,cell,cell,...): how many tenant\n"
           "pairs share o cells beside a random placement, the worst overlaps and identical\n"
           "cell sets, what each tenant's poison pill does to the others, what losing one cell\n"
           "or zone does, and load per cell and zone with the headroom a failure needs.",
       .exit_codes = {exit_ok(),
                      exit_bad_file("bad mapping or --fleet file: missing, unreadable or invalid "
                                    "(the message says where)"),
                      exit_bad_option()}});
  cmd->add_option("mapping", args->path,
                  "Mapping file: .json (cellkit's format) or .csv (one tenant per line); other "
                  "names are read as JSON when they start with '{'")
      ->required();
  cmd->add_option("--fleet", args->fleet_path,
                  "For a CSV mapping: take cells and zones from this cellkit JSON mapping file "
                  "(its tenants are ignored); every CSV cell must then name one of its cells "
                  "(default: cells made from the CSV's names, one zone)");
  cmd->add_option("--tenant", args->tenant,
                  "Also show the poison-pill impact of this tenant (by name; default: none)");
  cmd->add_option("--fail", args->fail,
                  "Also show the impact of these cells failing together (names, comma-separated; "
                  "default: none)")
      ->delimiter(',');
  cmd->add_option("--format", args->format, "Output format (json schema: docs/analysis.md)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--html", args->html,
                  "Also write a self-contained HTML report: overlap beside random, poison-pill\n"
                  "impact, load per cell and zone, the worst cells and zones, and the fleet");
  cmd->add_flag("--lenient", args->lenient,
                "Skip bad CSV lines (counted and listed on stderr) instead of stopping at the "
                "first");
  cmd->add_flag("--quiet", args->quiet,
                "No progress on stderr (shown only on a terminal; a progress line from 100,000 "
                "tenants)");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace cellkit::cli

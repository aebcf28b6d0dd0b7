// `cellkit place`: place tenants on a fleet with a named strategy and summarize the result.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <set>

#include "cellkit/analysis/analyzer.h"
#include "cellkit/analysis/exact.h"
#include "cellkit/base/limits.h"
#include "cellkit/core/placement_summary.h"
#include "cellkit/io/placement_document.h"
#include "cellkit/io/tenant_list.h"
#include "cellkit/report/html_reports.h"
#include "cellkit/report/number_style.h"
#include "commands.h"
#include "help.h"
#include "option_checks.h"
#include "placement_text.h"
#include "progress_line.h"

namespace cellkit::cli {
namespace {

struct PlaceArgs {
  std::uint32_t cells = 100;
  std::uint32_t zones = 1;
  std::uint32_t tenants = 1000;
  std::uint32_t shard_size = 4;
  bool zone_aware = false;
  bool no_zone_aware = false;
  std::uint32_t capacity = 0;
  std::size_t show = 0;
  std::string from;
  std::string tenants_file;
  std::string output;
  std::string html;
  std::string output_format;  // json or csv; empty = from -o's extension
  bool allow_partial = false;
  bool quiet = false;  // no progress line
  // max_overlap: default_max_overlap(shard_size) unless --max-overlap is given.
  PlacementOptions options{.strategy = Strategy::kShuffle, .seed = 1};
};

std::string check_shard(const PlacementOptions& o, std::uint32_t k, std::size_t cells) {
  if (k == 0 || k > cells) {
    return fmt::format("--shard-size ({}) must be from 1 to the number of cells ({})", k, cells);
  }
  if (const std::uint32_t most = max_analyzed_shard_size(cells); k > most) {
    return fmt::format(
        "--shard-size ({}) must be at most {} on {} cells: `cellkit analyze` "
        "counts every subset of a shard exactly (docs/limits.md)",
        k, most, cells);
  }
  if (!overlap_fits(o, k)) {
    return fmt::format("--max-overlap ({}) must be less than --shard-size ({}) for {}",
                       o.max_overlap, k, to_string(o.strategy));
  }
  if (Status s = validate(o); !s.is_ok()) return s.message();
  return {};
}

std::string check(const PlaceArgs& a) {
  if (a.cells == 0) return "--cells must be at least 1";
  if (a.zones == 0 || a.zones > a.cells || a.zones > kMaxZones) {
    return fmt::format("--zones ({}) must be from 1 to --cells ({}) and at most {}", a.zones,
                       a.cells, kMaxZones);
  }
  return check_shard(a.options, a.shard_size, a.cells);
}

std::vector<std::string> zone_names(std::uint32_t zones) {
  std::vector<std::string> names;
  for (std::uint32_t z = 0; z < zones; ++z)
    names.push_back(fmt::format("zone-{}", z));
  return names;
}

std::string header(const PlaceArgs& a, const Placement& p, const PlaceReport& report) {
  const PlacementOptions& o = p.options;
  std::string out = fmt::format("placed {} of {} tenants", format_count(report.placed),
                                format_count(report.placed + report.refused));
  if (!a.from.empty()) {
    out += fmt::format(" into {} ({} tenants in all)", a.from, format_count(p.tenants.size()));
  }
  std::set<ZoneId> zones;
  for (const Cell& c : p.fleet.cells())
    zones.insert(c.zone);
  out += fmt::format(" on {} cells in {} zone{} (strategy {}, shard size {}",
                     format_count(p.fleet.size()), zones.size(), zones.size() == 1 ? "" : "s",
                     to_string(o.strategy), a.shard_size);
  if (limits_overlap(o)) out += fmt::format(", max overlap {}", o.max_overlap);
  if (o.zone_aware) out += ", zone-aware";
  if (a.capacity != 0) out += fmt::format(", capacity {}", a.capacity);
  return out + fmt::format(", seed {})\n", o.seed);
}

// Under an overlap limit: the design the fleet admits (or why none) and the fill.
std::string design_lines(const PlaceArgs& a, const Placement& p) {
  if (!limits_overlap(p.options)) return {};
  const DesignFit d = design_fit(p, a.shard_size);
  std::string out =
      d.family == DesignFamily::kNone
          ? fmt::format("design: none ({})\n", d.reason)
          : fmt::format("design: {} ({}), reaches {} tenants{}\n", family_name(d.family), d.reason,
                        with_separators(d.reach), d.reach == d.bound ? ": the bound" : "");
  if (d.bound == 0) return out;
  const std::size_t placed = p.tenants.size();
  return out +
         fmt::format("fill: {} of the bound {} tenants ({})\n", with_separators(placed),
                     with_separators(d.bound),
                     format_percent(static_cast<double>(placed) / static_cast<double>(d.bound)));
}

// Identical shards beyond what random placement gives: one poison pill then takes a whole
// group down. Said on stderr so that it is seen even when the summary is redirected.
void warn_identical_groups(const Placement& p) {
  const IdenticalGroups g = identical_groups(p);
  if (!g.worse_than_random()) return;
  std::cerr << fmt::format(
      "cellkit place: warning: {} groups of tenants share identical cells, the largest {} "
      "tenants, so the worst poison pill takes {} other tenants fully down; random placement "
      "would give about {} identical pairs, here {} (try --strategy shuffle)\n",
      with_separators(g.groups), with_separators(g.largest), with_separators(g.largest - 1),
      format_measure(g.expected_pairs_if_random), with_separators(g.pairs));
}

void print_summary(std::ostream& out, const PlaceArgs& a, const Placement& p,
                   const PlaceReport& report) {
  out << header(a, p, report);
  out << design_lines(a, p);
  print_placement_summary(out, summarize(p));
  out << fmt::format("refused: {}\n", format_count(report.refused));
  for (const std::string& r : report.refusals)
    out << "  " << r << "\n";
  if (report.refused > report.refusals.size()) {
    out << fmt::format("  ... and {} more\n",
                       format_count(report.refused - report.refusals.size()));
  }
  print_shards(out, p, a.show);
}

int fail(int code, std::string_view message) {
  std::cerr << "cellkit place: " << message << "\n";
  return code;
}

// Refused tenants make a partial result: exit code 3 unless --allow-partial accepts it.
int partial_code(const PlaceArgs& a, const PlaceReport& report) {
  if (report.refused == 0 || a.allow_partial) return kExitOk;
  std::cerr << fmt::format(
      "cellkit place: {} of {} tenants were refused (exit code {}; --allow-partial accepts a "
      "partial placement)\n",
      report.refused, report.placed + report.refused, kExitPartial);
  return kExitPartial;
}

int finish(const PlaceArgs& a, const Placement& p, const PlaceReport& report,
           std::vector<std::string> zones) {
  const bool to_stdout = a.output == "-";
  print_summary(to_stdout ? std::cerr : std::cout, a, p, report);
  warn_identical_groups(p);
  if (!a.html.empty()) {
    const std::string title =
        a.from.empty() ? "Placement" : fmt::format("Placement: {} plus new tenants", a.from);
    if (Status s = write_file_atomically(a.html, render_placement_html(p, zones, title));
        !s.is_ok())
      return fail(kExitFailure, "--html " + s.message());
  }
  const int code = partial_code(a, report);
  if (a.output.empty()) return code;
  Result<std::string> text =
      render_mapping(document_from(p, std::move(zones)), a.output, a.output_format);
  if (!text.is_ok()) return fail(kExitFailure, text.status().message());
  if (to_stdout) {
    std::cout << *text;
    return code;
  }
  if (Status s = write_file_atomically(a.output, *text); !s.is_ok()) {
    return fail(kExitFailure, s.message());
  }
  std::cout << fmt::format("wrote {}\n", a.output);
  return code;
}

// The tenants to place, with ids from `first`: read from --tenants-file, else --tenants
// generated ones named tenant-<id>.
// A listed file is numbered from 0, then moved to start at `first` when it fits (the caller
// refuses one that does not, counting it whole): no id ever wraps.
Result<std::vector<Tenant>> tenants_to_place(const PlaceArgs& a, std::uint64_t first) {
  if (a.tenants_file.empty()) {
    return make_tenants(a.tenants, a.shard_size, static_cast<std::uint32_t>(first));
  }
  Result<std::string> text = read_file(a.tenants_file);
  if (!text.is_ok()) return text.status();
  Result<std::vector<Tenant>> list = parse_tenant_list(*text, a.tenants_file, a.shard_size, 0);
  if (list.is_ok() && list->size() <= std::uint64_t{kMaxTenantId} + 1 - first) {
    for (Tenant& t : *list)
      t.id = TenantId{static_cast<std::uint32_t>(first + raw(t.id))};
  }
  return list;
}

std::string ids_exhausted(const PlaceArgs& a, std::uint64_t first, std::uint64_t wanted,
                          std::uint64_t free_ids) {
  return fmt::format(
      "{}: its largest tenant id is {}; the {} new tenants need the ids after it, but only {} "
      "remain (ids go up to {})",
      a.from, first - 1, wanted, free_ids, kMaxTenantId);
}

// Adds tenants to the mapping in --from, with the fleet and options recorded there.
int run_from(PlaceArgs a) {
  Result<MappingDocument> doc = load_mapping(a.from);
  if (!doc.is_ok()) return fail(kExitFailure, doc.status().message());
  Result<Placement> current = placement_from(*doc);
  if (!current.is_ok())
    return fail(kExitFailure, fmt::format("{}: {}", a.from, current.status().message()));
  a.options = current->options;
  if (std::string problem = check_shard(a.options, a.shard_size, current->fleet.size());
      !problem.empty()) {
    return fail(kExitUsage, problem);
  }
  // New ids follow the largest one; all of them must fit in 32 bits.
  const std::uint64_t first =
      current->tenants.empty() ? 0 : std::uint64_t{raw(current->tenants.back().id)} + 1;
  const std::uint64_t free_ids = std::uint64_t{kMaxTenantId} + 1 - first;
  if (a.tenants_file.empty() && a.tenants > free_ids) {
    return fail(kExitFailure, ids_exhausted(a, first, a.tenants, free_ids));
  }
  Result<std::vector<Tenant>> tenants = tenants_to_place(a, first);
  if (!tenants.is_ok()) return fail(kExitFailure, tenants.status().message());
  if (tenants->size() > free_ids) {
    return fail(kExitFailure, ids_exhausted(a, first, tenants->size(), free_ids));
  }
  PlaceReport report;
  ProgressLine line("cellkit place", a.quiet);
  const Progress progress = tenant_progress(line, tenants->size());
  Result<Placement> next = add_tenants(*current, std::move(tenants).value(), &report, progress);
  line.clear();
  if (!next.is_ok()) return fail(kExitFailure, next.status().message());
  return finish(a, *next, report, doc->zone_names);
}

int run(const PlaceArgs& a) {
  if (a.tenants_file.empty() && a.tenants > kMaxTenants) {
    return fail(kExitUsage, fmt::format("--tenants ({}) must be at most {}, the most tenants "
                                        "cellkit places in one run",
                                        a.tenants, kMaxTenants));
  }
  if (!a.from.empty()) return run_from(a);
  if (std::string problem = check(a); !problem.empty()) return fail(kExitUsage, problem);
  Result<std::vector<Tenant>> tenants = tenants_to_place(a, 0);
  if (!tenants.is_ok()) return fail(kExitFailure, tenants.status().message());
  PlaceReport report;
  ProgressLine line("cellkit place", a.quiet);
  const Progress progress = tenant_progress(line, tenants->size());
  Result<Placement> p = place(make_fleet(a.cells, static_cast<std::uint16_t>(a.zones), a.capacity),
                              std::move(tenants).value(), a.options, &report, progress);
  line.clear();
  if (!p.is_ok()) return fail(kExitUsage, p.status().message());
  return finish(a, *p, report, zone_names(a.zones));
}

// The options that describe a new fleet and how to place on it; --from excludes them all.
std::vector<CLI::Option*> add_fleet_options(CLI::App* cmd, PlaceArgs& a) {
  std::vector<CLI::Option*> options = {
      cmd->add_option("--cells", a.cells, "Cells in the fleet (>= 1)")->capture_default_str(),
      cmd->add_option("--zones", a.zones, "Zones; cell i goes to zone i mod zones (1..cells)")
          ->capture_default_str(),
      add_strategy_option(cmd, a.options.strategy, kAllStrategies,
                          "random | least-loaded | rendezvous | shuffle | design | packing"),
      cmd->add_option("--max-overlap,-m", a.options.max_overlap,
                      "shuffle, design, packing: no two tenants share more than this many cells "
                      "(< shard size;\ndefault 2, or shard size - 1 when that is smaller)")};
  auto* zone_aware =
      cmd->add_flag("--zone-aware", a.zone_aware,
                    "Spread each shard evenly over zones (default when --zones > 1); with\n"
                    "--shard-size = --zones every shard takes one cell per zone (stripes)");
  options.push_back(zone_aware);
  options.push_back(
      cmd->add_flag("--no-zone-aware", a.no_zone_aware, "Ignore zones when choosing cells")
          ->excludes(zone_aware));
  options.push_back(cmd->add_option("--capacity", a.capacity, "Most tenants per cell; 0 = no limit")
                        ->capture_default_str());
  options.push_back(
      cmd->add_option("--seed", a.options.seed, "Seed for draws, rendezvous scores and zone order")
          ->capture_default_str());
  return options;
}

}  // namespace

void add_place_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<PlaceArgs>();
  PlaceArgs& a = *args;
  CLI::App* cmd = add_command(
      app,
      {.name = "place",
       .summary = "Place tenants on cells with a strategy; show load and how much tenants share",
       .description =
           "Place tenants on a fleet of cells and summarize the result: load per cell, how many\n"
           "pairs of tenants share 0..k cells, and refusals. Cell i is named cell-<i> and lives\n"
           "in zone i mod --zones; tenants are tenant-0, tenant-1, ... placed in that order.\n"
           "Strategies: random (k cells uniformly), least-loaded (fewest tenants; ties to the\n"
           "cell sharing least with the shard so far, then seeded),\n"
           "rendezvous (top-k keyed hash scores; stable when cells come and go), shuffle (no two\n"
           "tenants share more than --max-overlap cells, guaranteed; refuses when none fits),\n"
           "design (shuffle, using a larger design when the fleet admits none) and packing\n"
           "(shuffle taking the shard that blocks the fewest still-free shards: closer to the\n"
           "bound). docs/placement.md has the details.\n"
           "Same options give byte-identical output.",
       .exit_codes = {exit_ok(), exit_bad_file(), exit_bad_option(),
                      exit_partial("partial result: some tenants were refused (no cells fit "
                                   "them); the summary lists them and -o still writes the "
                                   "placed ones. --allow-partial makes this 0")}});
  auto* tenants = cmd->add_option("--tenants", a.tenants, "Tenants to place, named tenant-<id>")
                      ->capture_default_str();
  cmd->add_option("--tenants-file", a.tenants_file,
                  "Place the tenants listed in this file instead, one per line as\n"
                  "name[,weight[,shard_size]] (weights count in loads and capacity)")
      ->excludes(tenants);
  cmd->add_option("--shard-size,-k", a.shard_size, "Cells per tenant (1..cells)")
      ->capture_default_str();
  const std::vector<CLI::Option*> fleet_options = add_fleet_options(cmd, a);
  auto* from = cmd->add_option(
      "--from", a.from,
      "Add --tenants tenants to this mapping (JSON) instead: its fleet, strategy, seed,\n"
      "max overlap and zone-awareness are used; new tenants get ids after the largest");
  for (CLI::Option* o : fleet_options)
    from->excludes(o);
  cmd->add_option("-o,--output", a.output,
                  "Write the mapping: JSON (docs/mapping-format.md), or CSV tenant,cell,... when\n"
                  "the name ends in .csv; '-' writes JSON to stdout and the summary to stderr");
  add_output_format_option(cmd, a.output_format);
  cmd->add_flag("--allow-partial", a.allow_partial,
                "Exit 0 even when some tenants are refused (default: exit code 3)");
  cmd->add_option("--html", a.html,
                  "Also write a self-contained HTML report: load per cell, the overlap\n"
                  "histogram and a diagram of the fleet");
  cmd->add_option("--show", a.show, "Also print the first N tenants' shards")
      ->capture_default_str();
  cmd->add_flag("--quiet", a.quiet,
                "No progress line on stderr (shown only on a terminal, from 100,000 tenants)");
  cmd->callback([args, cmd, &exit_code] {
    PlaceArgs copy = *args;
    if (cmd->count("--max-overlap") == 0) {
      copy.options.max_overlap = default_max_overlap(copy.shard_size);
    }
    copy.options.zone_aware = copy.zone_aware || (copy.zones > 1 && !copy.no_zone_aware);
    exit_code = run(copy);
  });
}

}  // namespace cellkit::cli

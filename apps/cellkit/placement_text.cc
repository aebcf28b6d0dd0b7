// Text shared by `place` and `rebalance`.
#include "placement_text.h"

#include <fmt/format.h>

#include <sstream>

#include "cellkit/report/number_style.h"

namespace cellkit::cli {

void print_load(std::ostream& out, std::string_view label, const LoadSpread& load) {
  out << fmt::format("{}: min {}, max {}, mean {}, sd {} over {} cells\n", label,
                     format_count(load.min), format_count(load.max), format_measure(load.mean),
                     format_measure(load.stddev), format_count(load.cells));
}

void print_placement_summary(std::ostream& out, const PlacementSummary& s) {
  print_load(out, "load per cell", s.load);
  if (s.pairs_by_overlap.empty()) {
    out << "tenant pairs by cells shared: not counted (too many tenants for a quick count)\n";
    return;
  }
  std::uint64_t total = 0;
  for (std::uint64_t n : s.pairs_by_overlap)
    total += n;
  out << fmt::format("tenant pairs by cells shared ({} pairs):\n", format_count(total));
  TextTable table({{"shared"}, {"pairs"}, {"share"}});
  for (std::size_t o = 0; o < s.pairs_by_overlap.size(); ++o) {
    const double share =
        total == 0 ? 0.0 : static_cast<double>(s.pairs_by_overlap[o]) / static_cast<double>(total);
    table.add_row({std::to_string(o), format_count(s.pairs_by_overlap[o]), format_percent(share)});
  }
  out << table.render();
}

void print_shards(std::ostream& out, const Placement& p, std::size_t count) {
  if (count > 0 && count < p.tenants.size()) {
    out << fmt::format("shards of the first {} of {} tenants (every one: -o FILE):\n",
                       format_count(count), format_count(p.tenants.size()));
  }
  for (std::size_t i = 0; i < count && i < p.tenants.size(); ++i) {
    const Tenant& t = p.tenants[i];
    out << t.name << ":";
    for (CellId c : p.mapping.shard(t.id))
      out << " " << p.fleet.cell(c).name;
    out << "\n";
  }
}

Result<MappingDocument> load_mapping(const std::string& path) {
  return read_mapping_file(path);
}

Result<std::string> render_mapping(const MappingDocument& doc, std::string_view path,
                                   std::string_view format) {
  const bool csv = format.empty() ? path.ends_with(".csv") : format == "csv";
  if (!csv) return write_mapping_json(doc);
  Result<std::string> text = write_mapping_csv(doc);
  if (!text.is_ok()) {
    return invalid_argument(fmt::format("{}: {}", path, text.status().message()));
  }
  return text;
}

void add_output_format_option(CLI::App* cmd, std::string& format) {
  cmd->add_option("--output-format", format,
                  "Format of the -o file: json or csv (default: csv for a name ending in .csv,\n"
                  "else json)")
      ->check(CLI::IsMember({"json", "csv"}));
}

}  // namespace cellkit::cli

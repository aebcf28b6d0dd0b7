// Text shared by `place` and `rebalance`.
#include "placement_text.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cellkit::cli {

void print_load(std::ostream& out, std::string_view label, const LoadSpread& load) {
  out << fmt::format("{}: min {}, max {}, mean {:.2f}, sd {:.2f} over {} cells\n", label, load.min,
                     load.max, load.mean, load.stddev, load.cells);
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
  out << fmt::format("tenant pairs by cells shared ({} pairs):\n", total);
  for (std::size_t o = 0; o < s.pairs_by_overlap.size(); ++o) {
    const double share = total == 0 ? 0.0
                                    : 100.0 * static_cast<double>(s.pairs_by_overlap[o]) /
                                          static_cast<double>(total);
    out << fmt::format("  {:>2} {:>14} {:>9.4f}%\n", o, s.pairs_by_overlap[o], share);
  }
}

void print_shards(std::ostream& out, const Placement& p, std::size_t count) {
  for (std::size_t i = 0; i < count && i < p.tenants.size(); ++i) {
    const Tenant& t = p.tenants[i];
    out << t.name << ":";
    for (CellId c : p.mapping.shard(t.id))
      out << " " << p.fleet.cell(c).name;
    out << "\n";
  }
}

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

Result<MappingDocument> load_mapping(const std::string& path) {
  Result<std::string> text = read_text_file(path);
  if (!text.is_ok()) return text.status();
  return parse_mapping_json(*text, path);
}

}  // namespace cellkit::cli

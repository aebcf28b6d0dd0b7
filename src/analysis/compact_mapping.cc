// Flattening a Mapping into arrays, with the validation the analysis relies on.
#include "compact_mapping.h"

#include <fmt/format.h>
#include <algorithm>
#include <bit>

#include "core/cell_indexer.h"

namespace cellkit::analysis_internal {
namespace {

void add_cells_and_zones(const AnalysisInput& in, CompactMapping& m) {
  std::vector<ZoneId> zones;
  for (const Cell& cell : in.fleet.cells())
    zones.push_back(cell.zone);
  std::sort(zones.begin(), zones.end());
  zones.erase(std::unique(zones.begin(), zones.end()), zones.end());
  for (ZoneId z : zones) {
    const std::size_t i = raw(z);
    m.zone_names.push_back(i < in.zone_names.size() && !in.zone_names[i].empty()
                               ? in.zone_names[i]
                               : fmt::format("zone-{}", i));
  }
  for (const Cell& cell : in.fleet.cells()) {
    m.cell_names.push_back(cell.name);
    m.cell_active.push_back(cell.state == CellState::kActive);
    const auto zone = std::lower_bound(zones.begin(), zones.end(), cell.zone) - zones.begin();
    m.cell_zone.push_back(static_cast<std::uint32_t>(zone));
  }
}

Status check_shard(const std::string& tenant, std::span<const std::uint32_t> sorted,
                   const CompactMapping& m, std::uint32_t max_size) {
  if (sorted.empty()) return invalid_argument(fmt::format("tenant '{}' has no cells", tenant));
  const auto dup = std::adjacent_find(sorted.begin(), sorted.end());
  if (dup != sorted.end()) {
    return invalid_argument(
        fmt::format("tenant '{}' lists cell '{}' twice", tenant, m.cell_names[*dup]));
  }
  if (sorted.size() > max_size) {
    return invalid_argument(
        fmt::format("tenant '{}' has {} cells; exact analysis supports at most {} per tenant "
                    "with {} cells",
                    tenant, sorted.size(), max_size, m.cell_count()));
  }
  return Status::ok();
}

class TenantNames {
 public:
  explicit TenantNames(std::span<const Tenant> tenants) : tenants_(tenants) {}
  // The Tenant entry for the id, if any; ids arrive in increasing order (a merge walk).
  const Tenant* find(TenantId id) {
    while (next_ < tenants_.size() && tenants_[next_].id < id)
      ++next_;
    return next_ < tenants_.size() && tenants_[next_].id == id ? &tenants_[next_] : nullptr;
  }

 private:
  std::span<const Tenant> tenants_;
  std::size_t next_ = 0;
};

// The error prefixed with where the mapping (and the tenant, when known) came from.
Status located(const AnalysisInput& in, const Tenant* tenant, const Status& error) {
  if (in.source.empty()) return error;
  std::string where(in.source);
  if (tenant != nullptr) {
    const auto index = static_cast<std::size_t>(tenant - in.tenants.data());
    if (index < in.tenant_lines.size()) where += fmt::format(":{}", in.tenant_lines[index]);
  }
  return {error.code(), fmt::format("{}: {}", where, error.message())};
}

}  // namespace

Result<CompactMapping> compact(const AnalysisInput& in) {
  if (in.mapping.empty()) {
    return located(in, nullptr, invalid_argument("the mapping has no tenants"));
  }
  CompactMapping m;
  add_cells_and_zones(in, m);
  const std::uint32_t max_size = max_analyzed_shard_size(m.cell_count());
  TenantNames names(in.tenants);
  const detail::CellIndexer cell_index(in.fleet);
  m.offsets.reserve(in.mapping.size() + 1);
  m.offsets.push_back(0);
  for (const auto& [id, shard] : in.mapping) {
    const Tenant* tenant = names.find(id);
    m.tenant_names.push_back(tenant ? tenant->name : fmt::format("tenant-{}", raw(id)));
    m.weights.push_back(tenant ? tenant->weight : 1.0);
    const std::size_t start = m.cells.size();
    for (CellId c : shard) {
      const std::optional<std::uint32_t> index = cell_index(c);
      if (!index) {
        return located(in, tenant,
                       invalid_argument(fmt::format("tenant '{}' names cell id {}, which is not "
                                                    "in the fleet",
                                                    m.tenant_names.back(), raw(c))));
      }
      m.cells.push_back(*index);
    }
    std::sort(m.cells.begin() + static_cast<std::ptrdiff_t>(start), m.cells.end());
    const std::span<const std::uint32_t> sorted(m.cells.data() + start, m.cells.size() - start);
    if (Status s = check_shard(m.tenant_names.back(), sorted, m, max_size); !s.is_ok()) {
      return located(in, tenant, s);
    }
    m.max_shard = std::max(m.max_shard, static_cast<std::uint32_t>(sorted.size()));
    m.offsets.push_back(m.cells.size());
  }
  return m;
}

CellIndex index_cells(const CompactMapping& m) {
  CellIndex index;
  index.offsets.assign(m.cell_count() + 1, 0);
  for (std::uint32_t c : m.cells)
    ++index.offsets[c + 1];
  for (std::size_t c = 0; c < m.cell_count(); ++c)
    index.offsets[c + 1] += index.offsets[c];
  index.tenants.resize(m.cells.size());
  std::vector<std::uint64_t> next(index.offsets.begin(), index.offsets.end() - 1);
  for (std::size_t t = 0; t < m.tenant_count(); ++t) {
    for (std::uint32_t c : m.shard(t))
      index.tenants[next[c]++] = static_cast<std::uint32_t>(t);
  }
  return index;
}

}  // namespace cellkit::analysis_internal

namespace cellkit {

// Subsets are keyed by their cells' (index + 1) packed into 128 bits.
std::uint32_t max_analyzed_shard_size(std::size_t cells) {
  const auto bits = static_cast<std::uint32_t>(std::bit_width(cells));
  return std::min(analysis_internal::kMaxShardSize, 128 / std::max(bits, 1u));
}

}  // namespace cellkit

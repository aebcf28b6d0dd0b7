// A scenario's fleet and tenants taken from a mapping file.
#include "sim/scenario_mapping.h"
#include "cellkit/base/cut.h"

#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include <fmt/format.h>

namespace cellkit::sim {
namespace {

void apply_cells(const MappingDocument& doc, CellsSpec& c) {
  c.count = static_cast<std::uint32_t>(doc.fleet.size());
  c.names.clear();
  c.zone_of.clear();
  c.capacity.clear();
  std::uint32_t zones = 1;
  for (const Cell& cell : doc.fleet.cells()) {
    c.names.push_back(cell.name);
    c.zone_of.push_back(cell.zone);
    c.capacity.push_back(cell.capacity);
    zones = std::max(zones, std::uint32_t{raw(cell.zone)} + 1);
  }
  c.zones = zones;
  c.zone_names = doc.zone_names;
}

}  // namespace

std::string mapping_path(std::string_view scenario_source, std::string_view mapping) {
  const std::filesystem::path path(mapping);
  if (path.is_absolute()) return path.string();
  return (std::filesystem::path(scenario_source).parent_path() / path).string();
}

Status apply_mapping(const MappingDocument& doc, std::string_view name, Scenario& scenario) {
  if (doc.fleet.size() == 0) return invalid_argument(fmt::format("{}: has no cells", name));
  if (doc.tenants.empty()) return invalid_argument(fmt::format("{}: has no tenants", name));
  std::unordered_map<std::uint32_t, std::uint32_t> index;  // cell id → position in the file
  for (const Cell& cell : doc.fleet.cells())
    index.emplace(raw(cell.id), static_cast<std::uint32_t>(index.size()));
  TenantsSpec& t = scenario.tenants;
  t.placement = kExplicitShards;
  t.count = static_cast<std::uint32_t>(doc.tenants.size());
  t.names.clear();
  t.shards.clear();
  for (const Tenant& tenant : doc.tenants) {
    const Shard& shard = doc.mapping.shard(tenant.id);
    if (shard.size() > kMaxCandidates) {
      return invalid_argument(
          fmt::format("{}: tenant '{}' has {} cells; the simulator takes shards of at most {}",
                      name, cut(tenant.name), shard.size(), kMaxCandidates));
    }
    Shard& positions = t.shards.emplace_back();
    for (CellId cell : shard)
      positions.push_back(CellId{index.at(raw(cell))});
    t.names.push_back(tenant.name);
  }
  t.shard_size = static_cast<std::uint32_t>(t.shards.front().size());
  apply_cells(doc, scenario.cells);
  return Status::ok();
}

}  // namespace cellkit::sim

// A mapping flattened for analysis: dense cell and zone indices, shards sorted, names and
// weights beside them. Private to the analysis module.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cellkit/analysis/analyzer.h"

namespace cellkit::analysis_internal {

// Largest shard the analyzer accepts: it enumerates all 2^k subsets of every shard.
inline constexpr std::uint32_t kMaxShardSize = 16;

struct CompactMapping {
  std::vector<std::string> cell_names;    // by cell index (fleet order)
  std::vector<std::uint32_t> cell_zone;   // by cell index: dense zone index
  std::vector<bool> cell_active;          // by cell index: takes tenants (not draining/disabled)
  std::vector<std::string> zone_names;    // by dense zone index (increasing ZoneId)
  std::vector<std::uint64_t> offsets;     // tenant t's cells are cells[offsets[t]..offsets[t+1])
  std::vector<std::uint32_t> cells;       // cell indices, increasing within each shard
  std::vector<std::string> tenant_names;  // by tenant index (mapping order)
  std::vector<double> weights;            // by tenant index
  std::uint32_t max_shard = 0;

  std::size_t tenant_count() const { return tenant_names.size(); }
  std::size_t cell_count() const { return cell_names.size(); }
  // Cells that take tenants; draining and disabled ones are on their way out.
  std::size_t active_count() const {
    return static_cast<std::size_t>(std::count(cell_active.begin(), cell_active.end(), true));
  }
  std::span<const std::uint32_t> shard(std::size_t t) const {
    return {cells.data() + offsets[t], cells.data() + offsets[t + 1]};
  }
};

// Fails when the mapping is empty or a shard is empty, names an unknown cell, repeats a
// cell, or is larger than the subset counting supports.
Result<CompactMapping> compact(const AnalysisInput& input);

// Tenants holding each cell: tenants_of(c) in increasing tenant index.
struct CellIndex {
  std::vector<std::uint64_t> offsets;
  std::vector<std::uint32_t> tenants;
  std::span<const std::uint32_t> tenants_of(std::size_t c) const {
    return {tenants.data() + offsets[c], tenants.data() + offsets[c + 1]};
  }
};
CellIndex index_cells(const CompactMapping& m);

}  // namespace cellkit::analysis_internal

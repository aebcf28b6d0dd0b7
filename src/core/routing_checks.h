// The checks RoutingTable::build makes of a snapshot's cells and shards, shared with the
// table's O(change) application of a delta (routing_table_patch.cc).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/routing_table.h"

namespace cellkit::detail {

// Whether ids up to max_id among `count` entries are dense enough for a direct index (at most
// 4 slots per entry, plus slack): a stray huge id must not blow up memory.
inline bool dense_enough(std::uint64_t max_id, std::size_t count) {
  return max_id < 4 * static_cast<std::uint64_t>(count) + 1024;
}

// The listed cells, asked once per shard cell: a byte per id when the ids are dense (a binary
// search per cell, its branches mispredicted, was an eighth of a million-tenant PUT), else a
// binary search of the sorted list.
class ListedCells {
 public:
  explicit ListedCells(const std::vector<CellId>& sorted) : sorted_(sorted) {
    if (sorted.empty() || !dense_enough(raw(sorted.back()), sorted.size())) return;
    listed_.assign(raw(sorted.back()) + 1, 0);
    for (CellId c : sorted)
      listed_[raw(c)] = 1;
  }

  bool has(CellId cell) const {
    if (listed_.empty()) return std::binary_search(sorted_.begin(), sorted_.end(), cell);
    return raw(cell) < listed_.size() && listed_[raw(cell)] != 0;
  }

 private:
  const std::vector<CellId>& sorted_;
  std::vector<std::uint8_t> listed_;
};

// Sorts the cells; refuses a cell listed twice.
Status check_cells(std::vector<CellId>& cells);
// Sorts and dedups the disabled cells; refuses one not among the (sorted) cells.
Status check_disabled(std::vector<CellId>& disabled, const std::vector<CellId>& cells);
// A shard or pin: not empty, naming listed cells, none twice.
Status check_shard(const char* what, TenantId tenant, std::span<const CellId> shard,
                   const ListedCells& cells);

}  // namespace cellkit::detail

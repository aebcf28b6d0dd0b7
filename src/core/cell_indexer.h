// CellIndexer: a cell id's position among a fleet's cells, for dense per-cell arrays.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "cellkit/core/fleet.h"

namespace cellkit::detail {

// Cell id → index in the fleet's cells (ordered by id): a direct table when ids are small
// enough (ids in mapping files are below 2^24), else a binary search over the fleet's
// cells. Observes the fleet, which must outlive it and not change.
class CellIndexer {
 public:
  explicit CellIndexer(const Fleet& fleet) : cells_(fleet.cells()) {
    if (cells_.empty() || raw(cells_.back().id) >= kMaxDirect) return;
    direct_.assign(raw(cells_.back().id) + std::size_t{1}, kAbsent);
    for (std::uint32_t i = 0; i < cells_.size(); ++i)
      direct_[raw(cells_[i].id)] = i;
  }
  // Nothing for a cell the fleet does not hold.
  std::optional<std::uint32_t> operator()(CellId id) const {
    if (!direct_.empty()) {
      if (raw(id) >= direct_.size() || direct_[raw(id)] == kAbsent) return std::nullopt;
      return direct_[raw(id)];
    }
    const auto it = std::lower_bound(cells_.begin(), cells_.end(), id,
                                     [](const Cell& c, CellId x) { return c.id < x; });
    if (it == cells_.end() || it->id != id) return std::nullopt;
    return static_cast<std::uint32_t>(it - cells_.begin());
  }

 private:
  static constexpr std::uint32_t kMaxDirect = 1u << 24;
  static constexpr std::uint32_t kAbsent = 0xFFFFFFFF;
  std::span<const Cell> cells_;
  std::vector<std::uint32_t> direct_;
};

}  // namespace cellkit::detail

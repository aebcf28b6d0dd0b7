// Fleet: the set of cells, kept sorted by id.
#pragma once

#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/cell.h"

namespace cellkit {

// A value type: copy it to get a snapshot. Iteration is in increasing id order. A cell's id
// and name are fixed once added (cell() and find_cell() are for its state, capacity, health
// and endpoint): the fleet indexes names, so adding n cells costs O(n log n), not O(n²).
class Fleet {
 public:
  // Fails with kAlreadyExists when the id or the name is taken.
  Status add(Cell cell);
  // Fails with kNotFound when no cell has the id.
  Status remove(CellId id);

  // nullptr when absent.
  const Cell* find_cell(CellId id) const;
  Cell* find_cell(CellId id);
  // Requires that the cell exists (asserts).
  const Cell& cell(CellId id) const;
  Cell& cell(CellId id);
  bool contains(CellId id) const { return find_cell(id) != nullptr; }

  std::span<const Cell> cells() const { return cells_; }
  std::size_t size() const { return cells_.size(); }
  bool empty() const { return cells_.empty(); }
  // Ids of the cells that may take new tenants: active and healthy, in id order.
  std::vector<CellId> placeable_cells() const;

  bool operator==(const Fleet&) const = default;

 private:
  std::vector<Cell> cells_;
  std::unordered_set<std::string> names_;  // the names in cells_
};

}  // namespace cellkit

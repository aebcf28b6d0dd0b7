// Fleet: sorted storage of cells.
#include "cellkit/core/fleet.h"
#include "cellkit/base/cut.h"

#include <algorithm>
#include <cassert>

#include <fmt/format.h>

namespace cellkit {
namespace {

auto lower_bound_id(auto& cells, CellId id) {
  return std::lower_bound(cells.begin(), cells.end(), id,
                          [](const Cell& c, CellId key) { return c.id < key; });
}

}  // namespace

Status Fleet::add(Cell cell) {
  auto it = lower_bound_id(cells_, cell.id);
  if (it != cells_.end() && it->id == cell.id) {
    return already_exists(fmt::format("cell id {} is already in the fleet", raw(cell.id)));
  }
  if (names_.contains(cell.name)) {
    return already_exists(fmt::format("cell name '{}' is already in the fleet", cut(cell.name)));
  }
  names_.insert(cell.name);
  cells_.insert(it, std::move(cell));
  return Status::ok();
}

Status Fleet::remove(CellId id) {
  auto it = lower_bound_id(cells_, id);
  if (it == cells_.end() || it->id != id) {
    return not_found(fmt::format("no cell with id {}", raw(id)));
  }
  names_.erase(it->name);
  cells_.erase(it);
  return Status::ok();
}

const Cell* Fleet::find_cell(CellId id) const {
  auto it = lower_bound_id(cells_, id);
  return (it != cells_.end() && it->id == id) ? &*it : nullptr;
}

Cell* Fleet::find_cell(CellId id) {
  auto it = lower_bound_id(cells_, id);
  return (it != cells_.end() && it->id == id) ? &*it : nullptr;
}

const Cell& Fleet::cell(CellId id) const {
  const Cell* found = find_cell(id);
  assert(found != nullptr && "Fleet::cell requires an existing id");
  return *found;
}

Cell& Fleet::cell(CellId id) {
  Cell* found = find_cell(id);
  assert(found != nullptr && "Fleet::cell requires an existing id");
  return *found;
}

std::vector<CellId> Fleet::placeable_cells() const {
  std::vector<CellId> ids;
  for (const Cell& c : cells_) {
    if (c.state == CellState::kActive && c.healthy) ids.push_back(c.id);
  }
  return ids;
}

}  // namespace cellkit

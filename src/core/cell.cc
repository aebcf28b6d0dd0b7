// Cell lifecycle names.
#include "cellkit/core/cell.h"

namespace cellkit {

std::string_view to_string(CellState state) {
  switch (state) {
    case CellState::kActive:
      return "active";
    case CellState::kDraining:
      return "draining";
    case CellState::kDisabled:
      return "disabled";
  }
  return "unknown";
}

}  // namespace cellkit

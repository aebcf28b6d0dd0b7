// Cell: a complete, independent copy of the workload and the unit of failure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cellkit/base/ids.h"

namespace cellkit {

// Lifecycle set by the control plane. Health is separate: an active cell may be unhealthy.
enum class CellState : std::uint8_t {
  kActive,    // takes new tenants and traffic
  kDraining,  // serves its tenants, takes no new ones
  kDisabled,  // takes no traffic and no tenants
};

std::string_view to_string(CellState state);

struct Cell {
  CellId id{};
  std::string name;            // unique, human-readable ("cell-3")
  ZoneId zone{};               // failure domain the cell lives in
  std::uint32_t capacity = 0;  // most tenants it may hold; 0 means no limit
  CellState state = CellState::kActive;
  bool healthy = true;   // as last seen by the control plane's health checks
  std::string endpoint;  // "host:port" a live router sends its traffic to; empty: none

  bool operator==(const Cell&) const = default;
};

}  // namespace cellkit

// Helpers shared by the rebalance planner's tests.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "cellkit/core/fleet.h"
#include "cellkit/core/mapping.h"

namespace cellkit::testing_support {

// `fleet` with `count` new cells after its last id, named cell-<id>, zone id % zones.
inline Fleet with_new_cells(Fleet fleet, std::uint32_t count, std::uint16_t zones = 1) {
  const auto first = static_cast<std::uint32_t>(fleet.size());
  for (std::uint32_t i = first; i < first + count; ++i) {
    (void)fleet.add({.id = CellId{i},
                     .name = "cell-" + std::to_string(i),
                     .zone = ZoneId{static_cast<std::uint16_t>(i % zones)}});
  }
  return fleet;
}

// True when a tenant of `shards` ((tenant, shard) pairs) other than `tenant` shares more
// than `m` cells with `wanted`.
template <class Shards>
bool another_shares_more(const Shards& shards, TenantId tenant, const Shard& wanted,
                         std::uint32_t m) {
  for (const auto& [other, shard] : shards) {
    std::uint32_t shared = 0;
    for (CellId c : shard)
      shared += std::find(wanted.begin(), wanted.end(), c) != wanted.end() ? 1 : 0;
    if (other != tenant && shared > m) return true;
  }
  return false;
}

}  // namespace cellkit::testing_support

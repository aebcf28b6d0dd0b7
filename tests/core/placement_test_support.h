// Helpers shared by the placement tests: fleets, tenants and exact overlap counting.
#pragma once

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

#include "cellkit/core/placement_ops.h"

namespace cellkit::testing_support {

inline Fleet fleet_of(std::uint32_t n, std::uint16_t zones = 1, std::uint32_t capacity = 0) {
  Fleet fleet;
  for (std::uint32_t i = 0; i < n; ++i) {
    (void)fleet.add({.id = CellId{i},
                     .name = "cell-" + std::to_string(i),
                     .zone = ZoneId{static_cast<std::uint16_t>(i % zones)},
                     .capacity = capacity});
  }
  return fleet;
}

inline std::vector<Tenant> tenants_of(std::uint32_t count, std::uint32_t k,
                                      std::uint32_t first = 0) {
  std::vector<Tenant> tenants;
  for (std::uint32_t t = first; t < first + count; ++t) {
    tenants.push_back({.id = TenantId{t}, .name = "tenant-" + std::to_string(t), .shard_size = k});
  }
  return tenants;
}

// How many shards contain each sorted r-subset of cells (r <= 4).
inline std::map<std::array<std::uint32_t, 4>, int> subset_counts(const Mapping& mapping,
                                                                 std::size_t r) {
  std::map<std::array<std::uint32_t, 4>, int> counts;
  for (const auto& [tenant, shard] : mapping) {
    std::vector<std::uint32_t> ids;
    for (CellId c : shard)
      ids.push_back(raw(c));
    std::sort(ids.begin(), ids.end());
    std::vector<bool> pick(ids.size(), false);
    std::fill(pick.begin(), pick.begin() + static_cast<std::ptrdiff_t>(r), true);
    do {
      std::array<std::uint32_t, 4> key{};
      std::size_t j = 0;
      for (std::size_t i = 0; i < ids.size(); ++i)
        if (pick[i]) key[j++] = ids[i];
      ++counts[key];
    } while (std::prev_permutation(pick.begin(), pick.end()));
  }
  return counts;
}

// S_r = sum over r-subsets of C(count, 2): pairs of tenants sharing that subset.
inline long long shared_pairs(const Mapping& mapping, std::size_t r) {
  long long pairs = 0;
  for (const auto& [key, count] : subset_counts(mapping, r))
    pairs += static_cast<long long>(count) * (count - 1) / 2;
  return pairs;
}

inline std::map<CellId, std::uint64_t> loads_of(const Mapping& mapping) {
  std::map<CellId, std::uint64_t> loads;
  for (const auto& [tenant, shard] : mapping)
    for (CellId c : shard)
      ++loads[c];
  return loads;
}

}  // namespace cellkit::testing_support

// Random routing snapshots that RoutingTable::build accepts, for delta property tests.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>

#include <fmt/format.h>

#include "cellkit/core/routing_table.h"

namespace cellkit::testing {

// Up to 8 cells (some disabled) with addresses, up to 30 tenants with names, shards of 1-3
// cells, some pins. `sparse` adds a large offset to tenant ids (the table then keeps no
// dense index). Lists sorted, as the codec and the control plane write them.
inline FlatSnapshot random_snapshot(std::uint64_t seed, std::uint64_t version, bool sparse) {
  std::mt19937_64 rng(seed);
  auto coin = [&](int in) { return std::uniform_int_distribution<int>(0, in - 1)(rng) == 0; };
  FlatSnapshot s{.version = version, .allow_empty = true};
  for (std::uint32_t c = 0; c < 8; ++c) {
    if (coin(3)) continue;
    s.cells.push_back(CellId{c});
    if (coin(4)) s.disabled.push_back(CellId{c});
    s.addresses.push_back(
        {CellId{c}, fmt::format("cell-{}", c), fmt::format("127.0.0.1:{}", 4000 + rng() % 3)});
  }
  if (s.cells.empty()) return s;
  const std::uint32_t offset = sparse ? 1'000'000 : 0;
  for (std::uint32_t t = 0; t < 30; ++t) {
    if (coin(2)) continue;
    std::vector<CellId> cells = s.cells;
    std::shuffle(cells.begin(), cells.end(), rng);
    cells.resize(1 + rng() % std::min<std::size_t>(3, cells.size()));
    const TenantId tenant{t + offset};
    s.shards.add(tenant, cells);
    if (coin(5)) s.overrides.add(tenant, std::span(cells).first(1));
    s.tenant_names.add(tenant, fmt::format("tenant-{}{}", t, coin(4) ? "-renamed" : ""));
  }
  return s;
}

}  // namespace cellkit::testing

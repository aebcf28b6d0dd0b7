// The seed's random placement.
#include "cellkit/core/placement.h"
#include "cellkit/base/cut.h"

#include <cassert>
#include <utility>

#include <fmt/format.h>

namespace cellkit {

Shard sample_distinct(std::vector<CellId> pool, std::size_t k, Random& random) {
  assert(k <= pool.size());
  for (std::size_t i = 0; i < k; ++i) {
    const auto j = static_cast<std::size_t>(random.uniform_int(i, pool.size() - 1));
    std::swap(pool[i], pool[j]);
  }
  // A fresh vector: the pool's capacity (every placeable cell) must not stay with each shard.
  return Shard(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(k));
}

Result<Shard> RandomPlacement::choose(const Fleet& fleet, const Mapping& /*mapping*/,
                                      const Tenant& tenant, Random& random) {
  if (tenant.shard_size == 0) {
    return invalid_argument(
        fmt::format("tenant '{}' asks for 0 cells; at least 1 is needed", cut(tenant.name)));
  }
  std::vector<CellId> pool = fleet.placeable_cells();
  if (pool.size() < tenant.shard_size) {
    return resource_exhausted(
        fmt::format("tenant '{}' needs {} cells but only {} healthy active cells exist",
                    cut(tenant.name), tenant.shard_size, pool.size()));
  }
  return sample_distinct(std::move(pool), tenant.shard_size, random);
}

}  // namespace cellkit

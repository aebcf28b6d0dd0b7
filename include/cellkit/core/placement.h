// Placement: how the control plane chooses a tenant's cells.
#pragma once

#include <string_view>

#include "cellkit/base/random.h"
#include "cellkit/base/status.h"
#include "cellkit/core/fleet.h"
#include "cellkit/core/mapping.h"
#include "cellkit/core/tenant.h"

namespace cellkit {

// A strategy chooses tenant.shard_size distinct cells among the fleet's placeable cells
// (active and healthy), given the tenants already placed. It never returns a short
// shard: when it cannot choose, it fails with a Status that says why.
class PlacementStrategy {
 public:
  virtual ~PlacementStrategy() = default;
  virtual std::string_view name() const = 0;
  // Chooses the tenant's cells in preference order. Draws, if any, come from `random`.
  virtual Result<Shard> choose(const Fleet& fleet, const Mapping& mapping, const Tenant& tenant,
                               Random& random) = 0;
  // Tells the strategy a tenant and its shard left the mapping (stateful strategies
  // release what they recorded). The default does nothing.
  virtual void forget(TenantId /*tenant*/, const Shard& /*shard*/) {}
  // Tells the strategy a shard it did not choose exists (read from a file, placed by
  // another strategy), so stateful strategies count its load and overlap. Default: nothing.
  virtual void remember(const Tenant& /*tenant*/, const Shard& /*shard*/) {}
};

// The seed's strategy: k distinct cells uniformly at random among placeable cells.
class RandomPlacement final : public PlacementStrategy {
 public:
  std::string_view name() const override { return "random"; }
  Result<Shard> choose(const Fleet& fleet, const Mapping& mapping, const Tenant& tenant,
                       Random& random) override;
};

// Draws k distinct elements of `pool` uniformly (partial Fisher–Yates with our own
// reductions); the result is in draw order. Requires k <= pool.size().
Shard sample_distinct(std::vector<CellId> pool, std::size_t k, Random& random);

}  // namespace cellkit

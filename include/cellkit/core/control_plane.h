// Control plane: the cell manager, the tenant manager, and snapshot publishing.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "cellkit/base/random.h"
#include "cellkit/base/status.h"
#include "cellkit/core/fleet.h"
#include "cellkit/core/mapping.h"
#include "cellkit/core/placement.h"
#include "cellkit/core/publisher.h"
#include "cellkit/core/tenant.h"

namespace cellkit {

// Adds, drains, disables and removes cells, and records their health. Cell ids are
// handed out in increasing order and never reused.
class CellManager {
 public:
  // An empty name becomes "cell-<id>". Fails when the name is taken.
  Result<CellId> add_cell(std::string name = {}, ZoneId zone = {}, std::uint32_t capacity = 0);
  Status drain(CellId cell) { return set_state(cell, CellState::kDraining); }
  Status disable(CellId cell) { return set_state(cell, CellState::kDisabled); }
  Status activate(CellId cell) { return set_state(cell, CellState::kActive); }
  Status set_state(CellId cell, CellState state);
  Status set_health(CellId cell, bool healthy);
  // Removes the cell from the fleet; callers make sure no shard still names it.
  Status remove(CellId cell);

  const Fleet& fleet() const { return fleet_; }

 private:
  Fleet fleet_;
  std::uint32_t next_id_ = 0;
};

// Onboards and removes tenants and chooses their cells through a placement strategy.
// Tenant ids are handed out in increasing order and never reused.
class TenantManager {
 public:
  explicit TenantManager(std::unique_ptr<PlacementStrategy> strategy);

  // An empty name becomes "tenant-<id>". Fails (adding nothing) when the name is taken
  // or the strategy cannot choose shard_size cells.
  Result<TenantId> add_tenant(std::string name, std::uint32_t shard_size, const Fleet& fleet,
                              Random& random);
  Status remove_tenant(TenantId tenant);
  // Pins the tenant to the given cells, overriding its shard; unpin restores it.
  Status pin(TenantId tenant, Shard cells, const Fleet& fleet);
  Status unpin(TenantId tenant);
  // Replaces the tenant's shard (a migration's commit, e.g. one move of a rebalance plan):
  // the strategy forgets the old shard and remembers the new one. Checks the cells like pin.
  Status reassign(TenantId tenant, Shard cells, const Fleet& fleet);

  const Tenant* find_tenant(TenantId tenant) const;
  std::span<const Tenant> tenants() const { return tenants_; }
  const Mapping& mapping() const { return mapping_; }
  const Mapping& overrides() const { return overrides_; }
  const PlacementStrategy& strategy() const { return *strategy_; }

 private:
  std::unique_ptr<PlacementStrategy> strategy_;
  std::vector<Tenant> tenants_;               // sorted by id
  std::set<std::string, std::less<>> names_;  // the tenants' names, for O(log T) uniqueness
  Mapping mapping_;
  Mapping overrides_;
  std::uint32_t next_id_ = 0;
};

// Composes both managers and publishes full, versioned snapshots through a publisher it
// observes. Routers never call it: destroying it leaves them routing on their last table.
// Its managers are read through const references; every change goes through it, so a cell
// that tenants use cannot be removed, shards are checked against its own fleet, and tenants
// are placed with its own random stream.
class ControlPlane {
 public:
  ControlPlane(std::unique_ptr<PlacementStrategy> strategy, SnapshotPublisher& publisher,
               std::uint64_t seed);

  const CellManager& cells() const { return cells_; }
  const TenantManager& tenants() const { return tenants_; }

  // As CellManager::add_cell.
  Result<CellId> add_cell(std::string name = {}, ZoneId zone = {}, std::uint32_t capacity = 0);
  // As CellManager::set_state and set_health.
  Status set_cell_state(CellId cell, CellState state);
  Status set_health(CellId cell, bool healthy);
  // Refuses while any shard or pin still names the cell.
  Status remove_cell(CellId cell);

  // As the TenantManager's, on the control plane's fleet and random stream.
  Result<TenantId> add_tenant(std::string name, std::uint32_t shard_size);
  Status remove_tenant(TenantId tenant);
  Status pin(TenantId tenant, Shard cells);
  Status unpin(TenantId tenant);
  Status reassign(TenantId tenant, Shard cells);

  // The current state as the snapshot that the next publish() would send.
  RoutingSnapshot snapshot() const;
  // Publishes the current state under the next version and returns that version.
  std::uint64_t publish();
  std::uint64_t published_version() const { return version_; }

 private:
  CellManager cells_;
  TenantManager tenants_;
  SnapshotPublisher& publisher_;
  Random random_;
  std::uint64_t version_ = 0;
};

}  // namespace cellkit

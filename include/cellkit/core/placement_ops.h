// Placement as a value, batch placement, and incremental operations that return the next
// Placement (add tenants, remove a tenant, add cells, drain or remove a cell).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cellkit/base/progress.h"
#include "cellkit/base/status.h"
#include "cellkit/core/fleet.h"
#include "cellkit/core/mapping.h"
#include "cellkit/core/strategies.h"
#include "cellkit/core/tenant.h"

namespace cellkit {

// Everything needed to continue a placement: the fleet, the tenants (sorted by id, each
// with a shard in `mapping` and no others), and the options that placed them. Operations
// rebuild the strategy's state (loads, used subsets) from this value, so a Placement read
// from a file continues exactly like one kept in memory.
struct Placement {
  Fleet fleet;
  std::vector<Tenant> tenants;
  Mapping mapping;
  PlacementOptions options;

  bool operator==(const Placement&) const = default;
};

// What a batch of placements did. Refused tenants are left out of the result.
struct PlaceReport {
  std::size_t placed = 0;
  std::size_t refused = 0;
  std::vector<std::string> refusals;  // the first 10 refusal messages, in arrival order
  // Of `refused`: refused without a search, once no shard could fit any tenant still to come
  // and no more messages were kept (the output is the same as searching each of them).
  std::size_t unsearched = 0;
};

// Places `tenants` in the given (arrival) order; random draws come from Random(options.seed).
// Fails only on invalid options or tenants (duplicate id or name); a tenant that cannot be
// placed is a refusal counted in `report`, and later tenants are still tried. `progress` is
// told how many of `tenants` were tried (placed or refused); it does not change the result.
Result<Placement> place(Fleet fleet, std::vector<Tenant> tenants, const PlacementOptions& options,
                        PlaceReport* report = nullptr, const Progress& progress = {});

// Places more tenants around the existing ones (ids and names must be new). Draws come from
// Random(options.seed).derive(first new id), so the result depends only on its inputs.
Result<Placement> add_tenants(const Placement& current, std::vector<Tenant> tenants,
                              PlaceReport* report = nullptr, const Progress& progress = {});
// Removes the tenant; its load and (m+1)-subsets are free for later placements.
Result<Placement> remove_tenant(const Placement& current, TenantId tenant);
// Adds cells (ids and names must be new). No tenant moves: plan_rebalance fills them.
Result<Placement> add_cells(const Placement& current, std::vector<Cell> cells);
// Marks the cell draining and moves every tenant off it (see plan_rebalance).
Result<Placement> drain_cell(const Placement& current, CellId cell);
// Moves every tenant off the cell and removes it: no shard names it afterwards.
Result<Placement> remove_cell(const Placement& current, CellId cell);

// A fleet of `cells` cells named "cell-<i>", cell i in zone i mod `zones`, each with the
// given capacity (0 = no limit). Requires zones >= 1.
Fleet make_fleet(std::uint32_t cells, std::uint16_t zones, std::uint32_t capacity = 0);
// `count` tenants named "tenant-<id>" with ids first, first+1, ... and shard size k.
// Requires first + count <= 2^32 (asserts): the ids fit in 32 bits.
std::vector<Tenant> make_tenants(std::uint32_t count, std::uint32_t k, std::uint32_t first = 0);
// `count` cells to add to `fleet`: ids after the largest, each in the zone that has the
// fewest cells so far (ties: lowest zone id), with the capacity every existing cell shares
// (else 0). Names: `name_prefix`<n> counting on past the fleet's own `name_prefix`<n> names
// when a prefix is given; else each zone's own scheme when every zone has one with its own
// prefix ("a1".."a3" in one zone, "b1".."b3" in another: the next in the first is "a4"),
// else the fleet's scheme when every name is one prefix and a number (cell_names.h), else
// "cell-<id>". Fails when a name is taken.
Result<std::vector<Cell>> next_cells(const Fleet& fleet, std::uint32_t count,
                                     std::string_view name_prefix = {});

// Checks the value's own invariants: tenants sorted and unique, one shard per tenant, shards
// non-empty with distinct cells that exist in the fleet. Names the first offender.
Status check_placement(const Placement& placement);

}  // namespace cellkit

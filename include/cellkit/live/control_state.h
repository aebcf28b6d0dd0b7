// The control plane's desired state (a Placement, its cells' endpoints included, and pins), the one
// value every API change transforms, validates whole and stores next to the snapshot it implies.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/placement_ops.h"
#include "cellkit/core/rebalance.h"
#include "cellkit/core/routing_delta.h"
#include "cellkit/core/routing_table.h"

namespace cellkit::live {

// Progress of the last rebalance apply: moves planned, moves published, last version.
struct RebalanceProgress {
  std::size_t planned = 0;
  std::size_t applied = 0;
  std::uint64_t version = 0;

  bool operator==(const RebalanceProgress&) const = default;
};

struct ControlState {
  std::uint64_t version = 0;            // routing version of the last publication (0: none)
  Placement placement;                  // cells, tenants, shards, placement options
  std::vector<std::string> zone_names;  // ZoneId i is named zone_names[i]
  Mapping pins;                         // tenant → cells, overriding its shard
  RebalanceProgress rebalance;
  std::uint32_t next_cell = 0;  // ids are handed out in increasing order, never reused
  std::uint32_t next_tenant = 0;

  bool operator==(const ControlState&) const = default;
};

// The state as stored (version 2): {"format": "cellkit.control-state", "version": 2,
// "routing_version", "next_cell", "next_tenant", "default_capacity", "pins", "tenants":
// {id: [shard_size, weight]} for tenants whose shard size differs from their shard's or whose
// weight is not 1, "rebalance", "mapping": <a mapping document (docs/mapping-format.md) with
// the cells and placement options and no tenants>}. Tenants' names and shards are those of
// the snapshot published with it, so the state stays small as tenants grow.
std::string write_state(const ControlState& state);
// Tenants whose shard size or weight the snapshot does not tell (a shard size other than their
// shard's, a weight other than 1): id → {shard_size, weight}, the stored state's "tenants".
using TenantExtras = std::map<TenantId, std::pair<std::uint32_t, std::uint32_t>>;
// Those of every tenant (O(tenants)).
TenantExtras tenant_extras(const ControlState& state);
// Adds those of state.placement.tenants[first...] (O(those tenants)).
void add_tenant_extras(const ControlState& state, std::size_t first, TenantExtras& extras);
// write_state with the extras kept by the caller (equal to tenant_extras(state)), so that a
// change of a few tenants writes the state without a walk over every tenant.
std::string write_state(const ControlState& state, const TenantExtras& extras);
// Reads version 2 with the encoded snapshot published with it, or version 1 (tenants in its
// mapping document; the snapshot is not read). Fails (kDataLoss) naming the field that is
// missing or malformed.
Result<ControlState> parse_state(std::string_view text, std::span<const std::byte> snapshot);

// A cell's capacity: its own, else the placement's default; 0 = unlimited.
std::uint64_t capacity_of(const Placement& placement, const Cell& cell);
// The tenant's pin if it has one, else its shard. Requires that the tenant has a shard.
const Shard& effective_shard(const ControlState& state, TenantId tenant);

// The routing snapshot the state implies under `version`: every cell, disabled cells
// listed as such, shards and pins.
RoutingSnapshot snapshot_of(const ControlState& state, std::uint64_t version);

// The delta from `state` as published at version `parent` to `state` at `version`, when the
// only change since is the tenants appended from state.placement.tenants[first] on, with
// their shards (onboarding: new ids above every other, no pin, no cell changed). Equal to
// diff_snapshots of snapshot_of before and after, but O(new tenants): no snapshot is built.
// The digest is left 0 for the caller (digest_with_additions from the parent's).
RoutingDelta onboarding_delta(const ControlState& state, std::size_t first, std::uint64_t parent,
                              std::uint64_t version);

// The delta from `state` as published at version `parent` (its digest `parent_digest`) to
// `state` without its tenant state.placement.tenants[at] at `version`: that tenant's shard,
// name and pin (when it has one) gone, no cell changed, the result's flags, and the digest
// from the parent's (digest_with_removals). Equal to diff_snapshots of snapshot_of before
// and after, but O(the tenant's entries): no snapshot is built.
RoutingDelta removal_delta(const ControlState& state, std::size_t at, std::uint64_t parent,
                           std::uint64_t version, std::uint64_t parent_digest);

// Removes from `state` the tenants from tenants[first] on (those with ids from `next_tenant`
// on: an onboarding appended them) and their shards; next_tenant becomes `next_tenant`.
void drop_tenants_from(ControlState& state, std::size_t first, std::uint32_t next_tenant);

// The whole state's invariants, as a router would check them and more: the placement's own
// (check_placement), the snapshot builds (RoutingTable::build), no cell above its capacity,
// and under shuffle no two tenants sharing more than max_overlap cells. kFailedPrecondition
// naming the first breach.
Status check_state(const ControlState& state);

}  // namespace cellkit::live

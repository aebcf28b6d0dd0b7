// A routing delta: what changed from one routing snapshot to the next (decision 0009), so a
// publication of one tenant carries that tenant, not the whole fleet.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/routing_table.h"

namespace cellkit {

// A cell as a delta carries it: its address and whether it takes traffic.
struct CellChange {
  CellId cell{};
  std::string name;      // empty when the snapshot carries no addresses
  std::string endpoint;  // "host:port", or empty
  bool disabled = false;

  bool operator==(const CellChange&) const = default;
};

// From the snapshot at `parent` to the one at `version`. Every list is sorted by its key
// and names each key once; an upsert replaces (or adds) the entry, a removal drops it.
// Plain data that may be malformed (read from a wire): apply_delta checks it.
struct RoutingDelta {
  std::uint64_t parent = 0;
  std::uint64_t version = 0;
  ShardLists shards;                // tenants' shards added or changed
  std::vector<TenantId> unsharded;  // tenants whose shard is gone
  ShardLists pins;                  // overrides added or changed
  std::vector<TenantId> unpinned;   // overrides gone
  NameList names;                   // tenant names added or changed
  std::vector<TenantId> unnamed;    // tenant names gone
  std::vector<CellChange> cells;    // cells added or changed
  std::vector<CellId> removed_cells;
  bool allow_empty = false;  // the result's flag
  bool addressed = false;    // the result carries cell addresses (names and endpoints)
  std::uint64_t digest = 0;  // routing_digest of the result

  bool operator==(const RoutingDelta&) const = default;
};

// The order-free digest of a snapshot's routing content: the wrapping sum of an xxHash64 per
// shard (tenant, cells), per pin, per tenant name (tenant, name) and per cell (cell, name,
// endpoint, disabled). Equal snapshots (whatever the order of their lists) have equal
// digests; the version and allow_empty are not part of it.
std::uint64_t routing_digest(const FlatSnapshot& snapshot);

// The delta that turns `from` into `to` (both as RoutingTable::build accepts them; lists in
// any order). apply_delta(from, diff_snapshots(from, to)) equals `to` with sorted lists.
// Given `from_digest` (routing_digest(from), e.g. the previous delta's digest), the result's
// digest is kept up to date in O(change): a hash per entry changed, not per tenant.
RoutingDelta diff_snapshots(const FlatSnapshot& from, const FlatSnapshot& to);
RoutingDelta diff_snapshots(const FlatSnapshot& from, const FlatSnapshot& to,
                            std::uint64_t from_digest);

// The digest of a delta's result from its base's (`base_digest`, routing_digest of the base)
// when the delta only adds tenant entries its base does not hold (shards, pins, names of new
// tenants) and changes no cell and removes nothing: base_digest plus a hash per entry added,
// what diff_snapshots gives for that change. A writer that knows its change (a control plane
// onboarding tenants) finds it without a snapshot. Asserts that the delta removes nothing.
std::uint64_t digest_with_additions(std::uint64_t base_digest, const RoutingDelta& delta);
// The digest of a snapshot from its base's (`base_digest`) when the only change is that the
// given tenant entries (shards, pins, names, as the base holds them) are gone: base_digest
// minus a hash per entry, what diff_snapshots gives for that change (removing tenants). O(the
// entries given).
std::uint64_t digest_with_removals(std::uint64_t base_digest, const ShardLists& shards,
                                   const ShardLists& pins, const NameList& names);

// `base` changed by `delta`, its lists sorted. Refused (kDataLoss, naming the tenant or cell)
// when the delta is not for base's version or not newer, its lists are not sorted or repeat
// a key or their offsets do not frame their cells or names, it removes what is not there, it would
// empty a shard or pin, it removes a cell that a shard or pin still names, or the result's digest
// is not the delta's. The result still needs RoutingTable::build to be a table (RoutingTable::apply
// does both). Given `base_digest` (routing_digest(base)), the result's digest is found in O(change)
// (a hash per tenant entry changed, and the cells whole); a wrong one refuses the delta. On success
// the result's digest is delta.digest: the next delta of a chain takes it as its base's.
Result<FlatSnapshot> apply_delta(const FlatSnapshot& base, const RoutingDelta& delta);
Result<FlatSnapshot> apply_delta(const FlatSnapshot& base, const RoutingDelta& delta,
                                 std::uint64_t base_digest);
// `base` changed by each delta of `chain` in order (apply_delta), the digest carried from
// one to the next: `base_digest` is routing_digest(base), and the result's is the last
// delta's. On a refusal, `refused` is the version of the delta that does not apply.
Result<FlatSnapshot> apply_chain(FlatSnapshot base, std::span<const RoutingDelta> chain,
                                 std::uint64_t base_digest, std::uint64_t& refused);

}  // namespace cellkit

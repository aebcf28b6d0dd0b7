// Routing table: the immutable, versioned, validated snapshot of the mapping that the
// router serves, and the unvalidated snapshot that the control plane publishes.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/mapping.h"

namespace cellkit {

// What crosses from the control plane to the data plane. Plain data that may be
// malformed (as a snapshot read from a wire or a file may be): RoutingTable::build
// validates it whole.
struct RoutingSnapshot {
  std::uint64_t version = 0;
  std::vector<CellId> cells;                          // every cell the shards may name
  std::vector<CellId> disabled;                       // listed cells that take no traffic
  std::vector<std::pair<TenantId, Shard>> shards;     // tenant → cells, preference order
  std::vector<std::pair<TenantId, Shard>> overrides;  // pins: replace a tenant's shard

  bool operator==(const RoutingSnapshot&) const = default;
};

// Builds a snapshot of a mapping; overrides are taken in tenant id order.
RoutingSnapshot make_snapshot(std::uint64_t version, std::vector<CellId> cells,
                              const Mapping& mapping, const Mapping& overrides = {});

// Immutable once built. Lookup is O(1) through dense indexes when tenant and cell ids are
// dense (as the control plane hands them out), O(log T) over sorted arrays otherwise.
class RoutingTable {
 public:
  // The empty table, version 0: every tenant is unknown.
  RoutingTable() = default;

  // Validates the snapshot whole: cell ids unique; disabled cells listed; every shard and override
  // non-empty, without duplicate cells, naming only listed cells; each tenant listed once among
  // shards and once among overrides. On failure nothing is built and the Status names
  // the first offending tenant or cell.
  static Result<RoutingTable> build(const RoutingSnapshot& snapshot);

  std::uint64_t version() const { return version_; }
  // The tenant's cells in preference order (its override when pinned); nullptr when unknown.
  const Shard* find_shard(TenantId tenant) const;
  bool has_cell(CellId cell) const;
  // False for unknown and disabled cells: the router never sends traffic there.
  bool is_routable(CellId cell) const;
  bool is_pinned(TenantId tenant) const;
  std::size_t tenant_count() const;
  const std::vector<CellId>& cells() const { return cells_; }

 private:
  std::uint64_t version_ = 0;
  std::vector<CellId> cells_;                          // sorted
  std::vector<CellId> disabled_;                       // sorted
  std::vector<std::pair<TenantId, Shard>> shards_;     // sorted by tenant
  std::vector<std::pair<TenantId, Shard>> overrides_;  // sorted by tenant
  // Built from the arrays above, for speed only: position+1 in shards_ by tenant id (0:
  // absent), and routability by cell id. Empty when the ids are too sparse.
  std::vector<std::uint32_t> shard_index_;
  std::vector<std::uint8_t> routable_;

  void build_indexes();
};

}  // namespace cellkit

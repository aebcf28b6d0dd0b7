// Routing table: the immutable, versioned, validated snapshot of the mapping that the
// router serves, and the unvalidated snapshot that the control plane publishes.
#pragma once

#include <cstdint>
#include <span>
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

// Immutable once built. shard_of() is O(1) through dense indexes when tenant and cell ids
// are dense (as the control plane hands them out), O(log T) over sorted arrays otherwise.
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
  // The tenant's cells in preference order (its override when pinned); empty when unknown.
  // Inline, and from one flat array of every shard's cells: the router asks once per
  // request, and a pointer chase per shard costs more than the rest of the decision.
  std::span<const CellId> shard_of(TenantId tenant) const {
    if (dense_start_.empty()) {
      const Shard* shard = find_shard(tenant);
      return shard == nullptr ? std::span<const CellId>{} : std::span<const CellId>(*shard);
    }
    const std::uint32_t t = raw(tenant);
    if (t >= dense_start_.size() - 1) return {};  // (t + 1 would wrap at the largest id)
    return {dense_cells_.data() + dense_start_[t], dense_start_[t + 1] - dense_start_[t]};
  }
  // The same as a Shard; nullptr when unknown. O(log T).
  const Shard* find_shard(TenantId tenant) const;
  bool has_cell(CellId cell) const;
  // False for unknown and disabled cells: the router never sends traffic there.
  bool is_routable(CellId cell) const {
    if (routable_.empty()) return is_routable_sorted(cell);
    return raw(cell) < routable_.size() && routable_[raw(cell)] != 0;
  }
  bool is_pinned(TenantId tenant) const;
  std::size_t tenant_count() const;
  const std::vector<CellId>& cells() const { return cells_; }

 private:
  std::uint64_t version_ = 0;
  std::vector<CellId> cells_;                          // sorted
  std::vector<CellId> disabled_;                       // sorted
  std::vector<std::pair<TenantId, Shard>> shards_;     // sorted by tenant
  std::vector<std::pair<TenantId, Shard>> overrides_;  // sorted by tenant
  // Built from the arrays above, for speed only, and empty when the ids are too sparse:
  // tenant t's effective shard is dense_cells_[dense_start_[t], dense_start_[t + 1]) (an
  // empty range: unknown), and routability by cell id.
  std::vector<std::uint32_t> dense_start_;
  std::vector<CellId> dense_cells_;
  std::vector<std::uint8_t> routable_;

  void build_indexes();
  bool is_routable_sorted(CellId cell) const;
};

}  // namespace cellkit

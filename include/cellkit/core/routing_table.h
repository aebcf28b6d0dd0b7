// Routing table: the immutable, versioned, validated snapshot of the mapping that the
// router serves, and the unvalidated snapshot that the control plane publishes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/mapping.h"

namespace cellkit {

// How a live router reaches a cell and what people call it.
struct CellAddress {
  CellId cell{};
  std::string name;      // unique among the snapshot's cells; not empty
  std::string endpoint;  // "host:port"; empty in the simulator (no process to reach)

  bool operator==(const CellAddress&) const = default;
};

// True for "host:port": a non-empty host without spaces, control characters, '/' or ':'
// (except an IPv6 literal in brackets, "[::1]:80"), then a port 1..65535 in decimal.
bool is_host_port(std::string_view endpoint);

// What crosses from the control plane to the data plane. Plain data that may be
// malformed (as a snapshot read from a wire or a file may be): RoutingTable::build
// validates it whole.
struct RoutingSnapshot {
  std::uint64_t version = 0;
  std::vector<CellId> cells;                          // every cell the shards may name
  std::vector<CellId> disabled;                       // listed cells that take no traffic
  std::vector<std::pair<TenantId, Shard>> shards;     // tenant → cells, preference order
  std::vector<std::pair<TenantId, Shard>> overrides;  // pins: replace a tenant's shard
  // Names and endpoints: one entry per listed cell, or none at all (the simulator's).
  std::vector<CellAddress> addresses;
  // Tenant names: one per tenant of `shards` and `overrides`, or none at all.
  std::vector<std::pair<TenantId, std::string>> tenant_names;
  // A snapshot with no tenant or no cell is refused unless it says it means it: an empty
  // table routes nothing, and an empty snapshot is far more often a bug than a wish.
  bool allow_empty = false;

  bool operator==(const RoutingSnapshot&) const = default;
};

// Shard lists in flat form: entry i is tenant ids[i] with the cells
// cells[start[i], start[i + 1]) in preference order. A million shards take 4 bytes per
// tenant and 4 per cell instead of a vector each (about 40 bytes more per tenant).
struct ShardLists {
  std::vector<TenantId> ids;
  std::vector<std::uint32_t> start{0};  // ids.size() + 1 offsets into cells
  std::vector<CellId> cells;

  std::size_t size() const { return ids.size(); }
  bool empty() const { return ids.empty(); }
  std::span<const CellId> shard(std::size_t i) const {
    return {cells.data() + start[i], start[i + 1] - start[i]};
  }
  void add(TenantId tenant, std::span<const CellId> shard) {
    ids.push_back(tenant);
    cells.insert(cells.end(), shard.begin(), shard.end());
    start.push_back(static_cast<std::uint32_t>(cells.size()));
  }
  void reserve(std::size_t entries, std::size_t cell_count) {
    ids.reserve(entries);
    start.reserve(entries + 1);
    cells.reserve(cell_count);
  }
  bool operator==(const ShardLists&) const = default;
};

// Tenant names in one buffer: name i, of tenant ids[i], is text[offsets[i], offsets[i + 1]).
struct NameList {
  std::vector<TenantId> ids;
  std::string text;
  std::vector<std::uint32_t> offsets{0};  // ids.size() + 1 offsets into text

  std::size_t size() const { return ids.size(); }
  bool empty() const { return ids.empty(); }
  std::string_view name(std::size_t i) const {
    return std::string_view(text).substr(offsets[i], offsets[i + 1] - offsets[i]);
  }
  void add(TenantId tenant, std::string_view name) {
    ids.push_back(tenant);
    text += name;
    offsets.push_back(static_cast<std::uint32_t>(text.size()));
  }
  bool operator==(const NameList&) const = default;
};

// RoutingSnapshot in the flat form a router keeps: the binary codec decodes into it and
// RoutingTable::build takes its arrays, so a million-tenant snapshot is applied without a
// vector and a string per tenant. Same meaning, same validation as RoutingSnapshot.
struct FlatSnapshot {
  std::uint64_t version = 0;
  std::vector<CellId> cells;
  std::vector<CellId> disabled;
  ShardLists shards;
  ShardLists overrides;
  std::vector<CellAddress> addresses;
  NameList tenant_names;
  bool allow_empty = false;

  bool operator==(const FlatSnapshot&) const = default;
};

// The same snapshot in the other form. flatten() releases each shard and name as it goes.
FlatSnapshot flatten(RoutingSnapshot&& snapshot);
RoutingSnapshot expand(const FlatSnapshot& snapshot);

struct RoutingDelta;  // core/routing_delta.h
namespace detail {
struct TenantChunk;  // core/tenant_chunks.h
class NameSlots;
}  // namespace detail

// Builds a snapshot of a mapping; overrides are taken in tenant id order.
RoutingSnapshot make_snapshot(std::uint64_t version, std::vector<CellId> cells,
                              const Mapping& mapping, const Mapping& overrides = {});

// Immutable once built. shard_of() is O(1) through dense indexes when tenant and cell ids
// are dense (as the control plane hands them out), O(log T) over sorted arrays otherwise.
// With dense tenant ids the tenants live in chunks of 4096 ids that copies and versions made
// by apply() share: a copy costs O(tenants / 4096) and a delta of k tenants O(k) chunks.
class RoutingTable {
 public:
  // The empty table, version 0: every tenant is unknown.
  RoutingTable() = default;

  // Validates the snapshot whole: cell ids unique; disabled cells listed; every shard and override
  // non-empty, without duplicate cells, naming only listed cells; each tenant listed once among
  // shards and once among overrides; at least one tenant and one cell unless allow_empty;
  // addresses (when given) one per listed cell, names non-empty and unique, endpoints empty
  // or "host:port" (port 1..65535); tenant names (when given) one per tenant, non-empty and
  // unique. On failure nothing is built and the Status names the first offending tenant or
  // cell.
  static Result<RoutingTable> build(const RoutingSnapshot& snapshot);
  // The same, taking the snapshot's arrays instead of copying them (a million-tenant
  // snapshot is about 100 MB: a router applying one should not hold it twice).
  static Result<RoutingTable> build(RoutingSnapshot&& snapshot);
  // The same from the flat form, taking its arrays: about 45 bytes per tenant of 2 cells
  // with names (dense ids), so a served table and a new one fit in memory at once.
  static Result<RoutingTable> build(FlatSnapshot&& snapshot);

  // The snapshot this table was built from, lists sorted by tenant and cell: build(flat())
  // is an equal table. O(tenants).
  FlatSnapshot flat() const;
  // A new table: this one changed by the deltas in order (apply_delta's checks on each,
  // then build's whole validation once). On failure this table is untouched and the Status
  // says why.
  // In O(change) when patch() can (it is tried first), else O(tenants).
  Result<RoutingTable> apply(std::span<const RoutingDelta> chain) const;
  Result<RoutingTable> apply(const RoutingDelta& delta) const;
  // The same given this table's routing_digest (e.g. the digest of the delta that led here),
  // which apply() otherwise computes whole.
  Result<RoutingTable> apply(std::span<const RoutingDelta> chain, std::uint64_t digest) const;
  // The table apply(chain, digest) gives, built in O(change): sharing this table's chunks
  // but those the deltas touch (plus O(cells) and O(tenants / 4096) per delta; now and then
  // O(tenants) to grow or clean the name index). nullopt when it cannot: the ids are not
  // dense, a delta removes a cell, or a delta does not apply or gives no valid table (then
  // apply() finds the same in O(tenants) and says why). This table is never changed.
  std::optional<RoutingTable> patch(std::span<const RoutingDelta> chain,
                                    std::uint64_t digest) const;

  std::uint64_t version() const { return version_; }
  // The tenant's cells in preference order (its override when pinned); empty when unknown.
  // Inline, and from one flat array of every shard's cells: the router asks once per
  // request, and a pointer chase per shard costs more than the rest of the decision.
  std::span<const CellId> shard_of(TenantId tenant) const {
    if (chunk_views_.empty()) return find_sorted(tenant);
    const std::uint32_t t = raw(tenant);
    const std::uint32_t c = t >> kChunkBits;
    if (c >= chunk_views_.size()) return {};
    const ChunkView& v = chunk_views_[c];
    const std::uint32_t i = t & (kChunkTenants - 1);
    return {v.cells + v.start[i], v.start[i + 1] - v.start[i]};
  }
  bool has_cell(CellId cell) const;
  // False for unknown and disabled cells: the router never sends traffic there.
  bool is_routable(CellId cell) const {
    if (routable_.empty()) return is_routable_sorted(cell);
    return raw(cell) < routable_.size() && routable_[raw(cell)] != 0;
  }
  bool is_pinned(TenantId tenant) const;
  std::size_t tenant_count() const { return tenant_count_; }
  const std::vector<CellId>& cells() const { return cells_; }
  const std::vector<CellId>& disabled() const { return disabled_; }

  // The tenant called `name`, O(1) on average. When the snapshot carries no tenant names,
  // a tenant id written in decimal ("42") names the tenant instead; nullopt when unknown.
  std::optional<TenantId> find_tenant(std::string_view name) const;
  // Empty when the snapshot has no names (or the tenant is unknown).
  std::string_view tenant_name(TenantId tenant) const;
  // The cell's name and endpoint; empty when the snapshot has no addresses or the cell is
  // not listed.
  std::string_view cell_name(CellId cell) const;
  std::string_view cell_endpoint(CellId cell) const;
  bool has_names() const { return !names_.list.empty() || named_ > 0; }

 private:
  // Tenant names for find_tenant: the names in one buffer and an open-addressing table of
  // indexes into it (about 20 bytes per tenant, so a million names stay small).
  struct NameIndex {
    NameList list;                     // sorted by tenant
    std::vector<std::uint32_t> slots;  // core/name_slots.h: 0 = empty, else index + 1 and tag
  };

  static constexpr std::uint32_t kChunkBits = 12;  // core/tenant_chunks.h
  static constexpr std::uint32_t kChunkTenants = std::uint32_t{1} << kChunkBits;
  // A chunk's arrays, for shard_of() without a pointer chase through the chunk.
  struct ChunkView {
    const std::uint32_t* start = nullptr;
    const CellId* cells = nullptr;
  };

  std::uint64_t version_ = 0;
  std::vector<CellId> cells_;     // sorted
  std::vector<CellId> disabled_;  // sorted
  // Sorted by tenant; both empty when the tenants are in chunks_.
  ShardLists shards_;
  ShardLists overrides_;
  std::size_t tenant_count_ = 0;
  bool allow_empty_ = false;
  // Empty when the tenant ids are too sparse. Else tenant t is in chunks_[t >> kChunkBits]
  // (its effective shard through chunk_views_, which chunks_ keeps alive), chunks covering ids
  // 0..max_tenant_ at least; shard and pin entries and names counted for patch().
  std::vector<std::shared_ptr<const detail::TenantChunk>> chunks_;
  std::vector<ChunkView> chunk_views_;
  std::uint32_t max_tenant_ = 0;
  std::size_t shard_entries_ = 0;
  std::size_t pin_entries_ = 0;
  std::size_t named_ = 0;
  std::shared_ptr<const detail::NameSlots> name_slots_;  // null when named_ is 0
  // Routability by cell id; empty when the cell ids are too sparse.
  std::vector<std::uint8_t> routable_;
  std::vector<CellAddress> addresses_;  // sorted by cell; empty or one per cell
  NameIndex names_;                     // empty when the tenants are in chunks_

  std::span<const CellId> find_sorted(TenantId tenant) const;
  FlatSnapshot flat_chunks() const;
  void build_indexes();
  void build_routable();
  void build_chunks(std::uint32_t max_tenant);
  void index_chunk_names();
  void set_chunk(std::size_t c, std::shared_ptr<const detail::TenantChunk> chunk);
  const detail::TenantChunk* chunk_of(TenantId tenant, std::uint32_t& offset) const;
  // patch(): one delta, and its parts.
  std::optional<RoutingTable> patch_one(const RoutingDelta& delta, std::uint64_t digest) const;
  bool patch_cells(const RoutingDelta& delta, std::uint64_t& digest);
  bool patch_tenants(const RoutingDelta& delta, std::uint64_t& digest,
                     std::vector<TenantId>& unnamed, std::vector<TenantId>& named);
  template <class Changes>
  bool patch_chunk(std::uint32_t c, Changes& changes, std::uint64_t& digest,
                   std::vector<TenantId>& unnamed, std::vector<TenantId>& named);
  bool patch_names(const RoutingTable& base, std::span<const TenantId> unnamed,
                   std::span<const TenantId> named);
  Status build_names(NameList names);
  const CellAddress* address_of(CellId cell) const;
  bool is_routable_sorted(CellId cell) const;
};

}  // namespace cellkit

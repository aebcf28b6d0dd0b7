// A routing table's tenants with dense ids in chunks of 4096 ids, and its tenant-name index in
// pages of 4096 slots: versions share them, so a new version copies the chunks and pages a
// delta touches and the vectors of pointers to them, not the table (routing_table_patch.cc).
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cellkit/base/hash.h"
#include "cellkit/core/routing_table.h"

namespace cellkit::detail {

inline constexpr std::uint32_t kChunkBits = 12;
inline constexpr std::uint32_t kChunkTenants = std::uint32_t{1} << kChunkBits;

// One tenant as a chunk holds it; each part is empty when the tenant has none (a valid table
// has no empty shard, pin or name).
struct TenantEntry {
  std::span<const CellId> shard;
  std::span<const CellId> pin;
  std::string_view name;

  bool listed() const { return !shard.empty() || !pin.empty(); }
};

// Tenants first .. first + 4095. Immutable once a table holds it.
struct TenantChunk {
  std::uint32_t first = 0;
  // Offset i's effective shard (its pin when pinned) is cells[start[i], start[i + 1]).
  std::array<std::uint32_t, kChunkTenants + 1> start{};
  std::vector<CellId> cells;
  std::array<std::uint32_t, kChunkTenants + 1> name_start{};
  std::string names;
  std::vector<std::uint16_t> pinned;  // sorted offsets of the pinned tenants
  ShardLists shadowed;                // the shards behind those pins, by tenant

  std::span<const CellId> effective(std::uint32_t i) const {
    return {cells.data() + start[i], start[i + 1] - start[i]};
  }
  std::string_view name(std::uint32_t i) const {
    return std::string_view(names).substr(name_start[i], name_start[i + 1] - name_start[i]);
  }
  bool is_pinned(std::uint32_t i) const {
    return !pinned.empty() &&
           std::binary_search(pinned.begin(), pinned.end(), static_cast<std::uint16_t>(i));
  }
  TenantEntry entry(std::uint32_t i) const;
};

// Builds a chunk tenant by tenant: put() offsets 0, 1, ... in order.
class ChunkWriter {
 public:
  explicit ChunkWriter(std::uint32_t first);
  // Room for about this many cells and name bytes (a chunk like one changed a little).
  void reserve(std::size_t cells, std::size_t name_bytes);
  void put(const TenantEntry& entry);
  // Tenants not put are absent.
  std::shared_ptr<const TenantChunk> finish();

 private:
  std::shared_ptr<TenantChunk> chunk_;
  std::uint32_t next_ = 0;
};

// Tenants first .. first + 4095 of sorted lists without pins, as build takes them: the
// shards from `s` and the names from `n` on, both cursors moved past the chunk. Copies the
// chunk's cells and names as two ranges.
std::shared_ptr<const TenantChunk> copy_chunk(std::uint32_t first, const ShardLists& shards,
                                              std::size_t& s, const NameList& names,
                                              std::size_t& n);

inline constexpr std::uint32_t kPageBits = 12;
using SlotPage = std::array<std::uint32_t, std::size_t{1} << kPageBits>;

// The open addressing of core/name_slots.h (linear probing, load <= 1/2, a tag of the hash in
// the bits above the mask) with the tenant id + 1 in the low bits instead of a list index (so
// the slot count exceeds the largest tenant id + 1), in pages that versions share. A removed
// name leaves a tombstone (tag bits all set, low bits 0): moving the names after it back would
// touch a run of pages. name_of(tenant) gives a tenant's name.
class NameSlots {
 public:
  // `flat` (a power of two, at least one page) whose values are 0 or tag | (tenant + 1).
  explicit NameSlots(const std::vector<std::uint32_t>& flat, std::size_t names);
  // A copy shares every page and owns none: its first change of a page copies it.
  NameSlots(const NameSlots& other)
      : mask_(other.mask_),
        names_(other.names_),
        tombstones_(other.tombstones_),
        pages_(other.pages_) {}
  NameSlots& operator=(const NameSlots&) = delete;

  std::size_t size() const { return std::size_t{mask_} + 1; }
  std::size_t names() const { return names_; }
  // Names plus tombstones: the probes' load.
  std::size_t used() const { return names_ + tombstones_; }

  template <class NameOf>
  std::optional<TenantId> find(std::string_view name, const NameOf& name_of) const {
    const Probe p = probe(name, name_of);
    if (!p.found) return std::nullopt;
    return TenantId{(at(*p.found) & mask_) - 1};
  }
  // The pages this version changes are copied once, on their first change.
  template <class NameOf>
  bool erase(std::string_view name, TenantId tenant, const NameOf& name_of) {
    const Probe p = probe(name, name_of);
    if (!p.found || (at(*p.found) & mask_) - 1 != raw(tenant)) return false;
    set(*p.found, tombstone());
    --names_;
    ++tombstones_;
    return true;
  }
  // False (and nothing added) when an equal name is there. Requires used() < size() / 2.
  template <class NameOf>
  bool insert(std::string_view name, TenantId tenant, const NameOf& name_of) {
    assert(used() < size() / 2);  // else a probe might find no empty slot
    const Probe p = probe(name, name_of);
    if (p.found) return false;
    const std::size_t slot = p.free.value_or(p.end);
    if (at(slot) == tombstone()) --tombstones_;
    set(slot, p.tag | (raw(tenant) + 1));
    ++names_;
    return true;
  }

 private:
  struct Probe {
    std::uint32_t tag = 0;
    std::optional<std::size_t> found;  // the equal name's slot
    std::optional<std::size_t> free;   // the first tombstone met
    std::size_t end = 0;               // the empty slot that ended the probe
  };

  template <class NameOf>
  Probe probe(std::string_view name, const NameOf& name_of) const {
    const std::uint64_t hash = table_hash(name);
    Probe p{.tag = static_cast<std::uint32_t>(hash >> 32) & ~mask_};
    for (std::size_t slot = hash & mask_;; slot = (slot + 1) & mask_) {
      const std::uint32_t value = at(slot);
      if (value == 0) {
        p.end = slot;
        return p;
      }
      if (value == tombstone()) {
        if (!p.free) p.free = slot;
      } else if ((value & ~mask_) == p.tag && name_of(TenantId{(value & mask_) - 1}) == name) {
        p.found = slot;
        return p;
      }
    }
  }

  std::uint32_t tombstone() const { return ~mask_; }
  std::uint32_t at(std::size_t slot) const {
    return (*pages_[slot >> kPageBits])[slot & ((std::size_t{1} << kPageBits) - 1)];
  }
  void set(std::size_t slot, std::uint32_t value);

  std::uint32_t mask_ = 0;
  std::size_t names_ = 0;
  std::size_t tombstones_ = 0;
  std::vector<std::shared_ptr<const SlotPage>> pages_;
  // Pages this copy made (writable); a copy of the index starts owning none.
  std::vector<std::shared_ptr<SlotPage>> own_;
};

// The name index of every name the chunks hold (`names` of them, tenant ids up to
// `max_tenant`), at load <= 1/3; nullopt when two tenants share a name.
std::optional<NameSlots> index_names(std::span<const std::shared_ptr<const TenantChunk>> chunks,
                                     std::size_t names, std::uint32_t max_tenant);

}  // namespace cellkit::detail

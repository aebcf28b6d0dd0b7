// PlacementState: per-cell loads and used subsets, shared by the strategies, the
// incremental operations and the rebalance planner.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "cellkit/core/fleet.h"
#include "cellkit/core/mapping.h"
#include "cellkit/core/tenant.h"
#include "core/used_subsets.h"

namespace cellkit {

// The cells that may take new tenants, grouped by zone (zone-aware) or in one group.
// Built once per fleet; capacity is checked per candidate against the live loads.
struct CellPools {
  std::vector<ZoneId> zones;                // zones with placeable cells, increasing
  std::vector<std::vector<CellId>> groups;  // groups[i]: placeable cells of zones[i], by id
  std::vector<CellId> all;                  // every placeable cell, by id
  std::vector<std::uint32_t> capacity;      // by raw cell id: the effective cap (0 = none)
  std::vector<std::uint16_t> zone_of;       // by raw cell id: index into `zones`
  // Distinct for every build() in the process (copies share it): a strategy may keep what
  // it derived from pools with the same serial, since pools are never changed after build.
  std::uint64_t serial = 0;

  // `default_capacity` applies to cells whose own capacity is 0.
  static CellPools build(const Fleet& fleet, std::uint32_t default_capacity);
  // The same cells, zones and capacities (the serial aside).
  bool same_cells(const CellPools& other) const {
    return zones == other.zones && groups == other.groups && all == other.all &&
           capacity == other.capacity && zone_of == other.zone_of;
  }
  std::uint32_t cap(CellId cell) const {
    return raw(cell) < capacity.size() ? capacity[raw(cell)] : 0;
  }
};

// Loads (sum of tenant weights per cell) and, under an overlap limit, the used subsets.
class PlacementState {
 public:
  explicit PlacementState(std::optional<std::uint32_t> max_overlap);

  // Records every shard of the mapping (weights from `tenants`, 1 when absent).
  void add_mapping(const Mapping& mapping, std::span<const Tenant> tenants);
  void add(TenantId tenant, const Shard& shard, std::uint32_t weight);
  // Records a codeword of design `key` (non-zero; one key per design and cell assignment,
  // DesignPicker::key()) without its subsets while
  // every shard recorded is one: distinct codewords of a design share at most m cells, so
  // checking them against one another is wasted work (at 1,000,000 tenants most of place()'s
  // time). Any other add, a remove, or record_deferred() records the subsets held back.
  void add_codeword(TenantId tenant, const Shard& shard, std::uint32_t weight, std::uint64_t key);
  // True when every shard recorded is a codeword added by add_codeword with this key.
  bool only_codewords_of(std::uint64_t key) const {
    return key != 0 && key == deferred_key_ && deferred_shards_ == tenants_;
  }
  // Adds the subsets of the codewords held back to the table: fits_with is exact afterwards.
  void record_deferred();
  // Makes room for `shards` more shards of `shard_size` cells (a hint; avoids rehashing).
  // Applied when subsets are first recorded, so codewords held back cost no table.
  void reserve(std::size_t shards, std::size_t shard_size) { reserve_hint_ = {shards, shard_size}; }
  // Requires that the shard was added (asserts).
  void remove(TenantId tenant, const Shard& shard);

  std::uint64_t load(CellId cell) const {
    return raw(cell) < loads_.size() ? loads_[raw(cell)] : 0;
  }
  std::uint32_t weight(TenantId tenant) const;
  // True when adding `weight` keeps the cell within `cap` (0 = no limit).
  bool has_room(CellId cell, std::uint32_t cap, std::uint32_t weight) const {
    return cap == 0 || load(cell) + weight <= cap;
  }
  bool bounded() const { return subsets_.has_value(); }
  // Without an overlap limit every candidate fits. Requires no codeword held back (asserts):
  // call record_deferred() first unless only_codewords_of() the candidate's design.
  bool fits_with(std::span<const CellId> chosen, CellId cell) const {
    assert(deferred_shards_ == 0);
    return !subsets_ || subsets_->fits_with(chosen, cell);
  }
  std::size_t tenants() const { return tenants_; }

 private:
  void add_load(TenantId tenant, const Shard& shard, std::uint32_t weight);
  void apply_reserve_hint();

  std::vector<std::uint64_t> loads_;  // by raw cell id
  // Raw tenant id -> weight, only for tenants of weight != 1. Ids are sparse and may be as
  // large as 2^32-1, so never a vector indexed by id. Only looked up, never iterated.
  std::unordered_map<std::uint32_t, std::uint32_t> weights_;
  std::optional<UsedSubsets> subsets_;
  std::size_t tenants_ = 0;
  // Codewords recorded without their subsets, flat (deferred_size_ cells each).
  std::vector<CellId> deferred_;
  std::size_t deferred_shards_ = 0;
  std::size_t deferred_size_ = 0;
  std::uint64_t deferred_key_ = 0;
  std::pair<std::size_t, std::size_t> reserve_hint_{0, 0};  // (shards, shard size) to come
};

}  // namespace cellkit

// PlacementState: per-cell loads and used subsets, shared by the strategies, the
// incremental operations and the rebalance planner.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "cellkit/core/fleet.h"
#include "cellkit/core/mapping.h"
#include "cellkit/core/tenant.h"
#include "core/subset_table.h"

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
  // Makes room for `shards` more shards of `shard_size` cells (a hint; avoids rehashing).
  void reserve(std::size_t shards, std::size_t shard_size) {
    if (subsets_) subsets_->reserve(shards, shard_size);
  }
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
  // Without an overlap limit every candidate fits.
  bool fits_with(std::span<const CellId> chosen, CellId cell) const {
    return !subsets_ || subsets_->fits_with(chosen, cell);
  }
  std::size_t tenants() const { return tenants_; }

 private:
  std::vector<std::uint64_t> loads_;  // by raw cell id
  // Raw tenant id -> weight, only for tenants of weight != 1. Ids are sparse and may be as
  // large as 2^32-1, so never a vector indexed by id. Only looked up, never iterated.
  std::unordered_map<std::uint32_t, std::uint32_t> weights_;
  std::optional<SubsetTable> subsets_;
  std::size_t tenants_ = 0;
};

}  // namespace cellkit

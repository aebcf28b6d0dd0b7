// PlacementState and CellPools.
#include "core/placement_state.h"

#include <algorithm>
#include <atomic>
#include <cassert>

namespace cellkit {

CellPools CellPools::build(const Fleet& fleet, std::uint32_t default_capacity) {
  static std::atomic<std::uint64_t> next_serial{1};
  CellPools pools;
  pools.serial = next_serial.fetch_add(1, std::memory_order_relaxed);
  for (const Cell& c : fleet.cells()) {
    if (raw(c.id) >= pools.capacity.size()) {
      pools.capacity.resize(raw(c.id) + 1, 0);
      pools.zone_of.resize(raw(c.id) + 1, 0);
    }
    pools.capacity[raw(c.id)] = c.capacity != 0 ? c.capacity : default_capacity;
  }
  pools.all = fleet.placeable_cells();
  for (CellId id : pools.all) {
    const ZoneId zone = fleet.cell(id).zone;
    auto it = std::lower_bound(pools.zones.begin(), pools.zones.end(), zone);
    if (it == pools.zones.end() || *it != zone) {
      const auto at = it - pools.zones.begin();
      pools.zones.insert(it, zone);
      pools.groups.insert(pools.groups.begin() + at, std::vector<CellId>{});
    }
  }
  for (CellId id : pools.all) {
    const auto at = std::lower_bound(pools.zones.begin(), pools.zones.end(), fleet.cell(id).zone) -
                    pools.zones.begin();
    pools.groups[static_cast<std::size_t>(at)].push_back(id);
    pools.zone_of[raw(id)] = static_cast<std::uint16_t>(at);
  }
  return pools;
}

PlacementState::PlacementState(std::optional<std::uint32_t> max_overlap) {
  if (max_overlap) subsets_.emplace(*max_overlap);
}

void PlacementState::add_mapping(const Mapping& mapping, std::span<const Tenant> tenants) {
  if (!mapping.empty()) reserve(mapping.size(), mapping.begin()->second.size());
  auto t = tenants.begin();
  for (const auto& [id, shard] : mapping) {
    while (t != tenants.end() && t->id < id)
      ++t;
    add(id, shard, (t != tenants.end() && t->id == id) ? t->weight : 1);
  }
}

void PlacementState::add(TenantId tenant, const Shard& shard, std::uint32_t weight) {
  record_deferred();
  add_load(tenant, shard, weight);
  if (!subsets_) return;
  apply_reserve_hint();
  subsets_->add(shard);
}

void PlacementState::apply_reserve_hint() {
  if (reserve_hint_.first == 0) return;
  subsets_->reserve(reserve_hint_.first, reserve_hint_.second);
  reserve_hint_ = {0, 0};
}

void PlacementState::add_codeword(TenantId tenant, const Shard& shard, std::uint32_t weight,
                                  std::uint64_t key) {
  if (!subsets_ || key == 0 || !(tenants_ == 0 || only_codewords_of(key)) ||
      (deferred_shards_ > 0 && shard.size() != deferred_size_)) {
    add(tenant, shard, weight);
    return;
  }
  add_load(tenant, shard, weight);
  deferred_key_ = key;
  deferred_size_ = shard.size();
  deferred_.insert(deferred_.end(), shard.begin(), shard.end());
  ++deferred_shards_;
}

void PlacementState::record_deferred() {
  if (deferred_shards_ == 0) return;
  apply_reserve_hint();
  const std::span<const CellId> cells(deferred_);
  for (std::size_t i = 0; i < deferred_shards_; ++i)
    subsets_->add(cells.subspan(i * deferred_size_, deferred_size_));
  deferred_ = {};
  deferred_shards_ = 0;
  deferred_key_ = 0;
}

void PlacementState::add_load(TenantId tenant, const Shard& shard, std::uint32_t weight) {
  for (CellId c : shard) {
    if (raw(c) >= loads_.size()) loads_.resize(raw(c) + 1, 0);
    loads_[raw(c)] += weight;
  }
  if (weight != 1) {
    weights_[raw(tenant)] = weight;
  } else if (!weights_.empty()) {
    weights_.erase(raw(tenant));
  }
  ++tenants_;
}

void PlacementState::remove(TenantId tenant, const Shard& shard) {
  record_deferred();
  const std::uint32_t w = weight(tenant);
  for (CellId c : shard) {
    assert(load(c) >= w);
    loads_[raw(c)] -= w;
  }
  if (subsets_) subsets_->remove(shard);
  --tenants_;
}

std::uint32_t PlacementState::weight(TenantId tenant) const {
  if (weights_.empty()) return 1;
  const auto it = weights_.find(raw(tenant));
  return it != weights_.end() ? it->second : 1;
}

}  // namespace cellkit

// Mapping: every tenant's shard, the cells it is assigned to in preference order.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "cellkit/base/ids.h"

namespace cellkit {

using Shard = std::vector<CellId>;

// A value type; iteration is in increasing tenant id order, so output built from it is
// reproducible. It does not check shards against a fleet: RoutingTable::build does.
class Mapping {
 public:
  using Entries = std::map<TenantId, Shard>;

  // Sets or replaces the tenant's shard.
  void assign(TenantId tenant, Shard shard) {
    // Appending in increasing id order, as file readers do, costs O(1) with a hint instead
    // of a walk down the tree (a cache miss per level at millions of tenants).
    if (shards_.empty() || shards_.rbegin()->first < tenant) {
      shards_.emplace_hint(shards_.end(), tenant, std::move(shard));
      return;
    }
    shards_[tenant] = std::move(shard);
  }
  // Returns false when the tenant had no shard.
  bool remove(TenantId tenant) { return shards_.erase(tenant) > 0; }

  // nullptr when the tenant has no shard.
  const Shard* find_shard(TenantId tenant) const;
  // Requires that the tenant has a shard (asserts).
  const Shard& shard(TenantId tenant) const;

  // Tenants whose shard contains the cell, in id order.
  std::vector<TenantId> tenants_on(CellId cell) const;

  std::size_t size() const { return shards_.size(); }
  bool empty() const { return shards_.empty(); }
  Entries::const_iterator begin() const { return shards_.begin(); }
  Entries::const_iterator end() const { return shards_.end(); }

  bool operator==(const Mapping&) const = default;

 private:
  Entries shards_;
};

}  // namespace cellkit

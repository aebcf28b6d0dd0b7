// Mapping lookups.
#include "cellkit/core/mapping.h"

#include <algorithm>
#include <cassert>

namespace cellkit {

const Shard* Mapping::find_shard(TenantId tenant) const {
  auto it = shards_.find(tenant);
  return it == shards_.end() ? nullptr : &it->second;
}

const Shard& Mapping::shard(TenantId tenant) const {
  const Shard* found = find_shard(tenant);
  assert(found != nullptr && "Mapping::shard requires an assigned tenant");
  return *found;
}

std::vector<TenantId> Mapping::tenants_on(CellId cell) const {
  std::vector<TenantId> tenants;
  for (const auto& [tenant, shard] : shards_) {
    if (std::find(shard.begin(), shard.end(), cell) != shard.end()) tenants.push_back(tenant);
  }
  return tenants;
}

}  // namespace cellkit

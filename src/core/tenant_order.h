// The one stable reordering by tenant of the routing table's flat lists (ShardLists, NameList).
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "cellkit/core/routing_table.h"

namespace cellkit::detail {

// Reorders a flat list, whose entry i is ids[i] with items[offsets[i], offsets[i + 1]), into
// stable tenant order (entries of one tenant keep their order). `Items` is a vector of cells
// or a string of names; offsets must be consistent with ids and items.
template <class Items>
void sort_by_tenant(std::vector<TenantId>& ids, std::vector<std::uint32_t>& offsets, Items& items) {
  std::vector<std::uint32_t> order(ids.size());
  std::iota(order.begin(), order.end(), std::uint32_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return ids[a] < ids[b]; });
  std::vector<TenantId> sorted_ids;
  std::vector<std::uint32_t> sorted_offsets;
  Items sorted_items;
  sorted_ids.reserve(ids.size());
  sorted_offsets.reserve(offsets.size());
  sorted_items.reserve(items.size());
  sorted_offsets.push_back(0);
  for (std::uint32_t i : order) {
    sorted_ids.push_back(ids[i]);
    sorted_items.insert(sorted_items.end(), items.begin() + offsets[i],
                        items.begin() + offsets[i + 1]);
    sorted_offsets.push_back(static_cast<std::uint32_t>(sorted_items.size()));
  }
  ids = std::move(sorted_ids);
  offsets = std::move(sorted_offsets);
  items = std::move(sorted_items);
}

inline void sort_by_tenant(ShardLists& lists) {
  sort_by_tenant(lists.ids, lists.start, lists.cells);
}
inline void sort_by_tenant(NameList& names) {
  sort_by_tenant(names.ids, names.offsets, names.text);
}

}  // namespace cellkit::detail

// Routing table construction and validation.
#include "cellkit/core/routing_table.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/routing_names.h"

namespace cellkit {
namespace {

using Entries = std::vector<std::pair<TenantId, Shard>>;

const Shard* lookup(const Entries& entries, TenantId tenant) {
  auto it = std::lower_bound(entries.begin(), entries.end(), tenant,
                             [](const auto& entry, TenantId key) { return entry.first < key; });
  return (it != entries.end() && it->first == tenant) ? &it->second : nullptr;
}

Status check_cells(std::vector<CellId>& cells) {
  std::sort(cells.begin(), cells.end());
  auto dup = std::adjacent_find(cells.begin(), cells.end());
  if (dup != cells.end()) {
    return data_loss(fmt::format("snapshot lists cell {} twice", raw(*dup)));
  }
  return Status::ok();
}

Status check_disabled(std::vector<CellId>& disabled, const std::vector<CellId>& cells) {
  std::sort(disabled.begin(), disabled.end());
  disabled.erase(std::unique(disabled.begin(), disabled.end()), disabled.end());
  for (CellId cell : disabled) {
    if (!std::binary_search(cells.begin(), cells.end(), cell)) {
      return data_loss(fmt::format("snapshot disables unknown cell {}", raw(cell)));
    }
  }
  return Status::ok();
}

Status check_shard(const char* what, TenantId tenant, const Shard& shard,
                   const std::vector<CellId>& cells) {
  if (shard.empty()) {
    return data_loss(fmt::format("{} of tenant {} is empty", what, raw(tenant)));
  }
  for (std::size_t i = 0; i < shard.size(); ++i) {
    if (!std::binary_search(cells.begin(), cells.end(), shard[i])) {
      return data_loss(
          fmt::format("{} of tenant {} names unknown cell {}", what, raw(tenant), raw(shard[i])));
    }
    if (std::find(shard.begin(), shard.begin() + i, shard[i]) != shard.begin() + i) {
      return data_loss(
          fmt::format("{} of tenant {} repeats cell {}", what, raw(tenant), raw(shard[i])));
    }
  }
  return Status::ok();
}

// Sorts entries by tenant and validates each; a tenant listed twice is an error.
Status check_entries(const char* what, Entries& entries, const std::vector<CellId>& cells) {
  // Snapshots come sorted (the codec and the mapping reader write them so): checking is
  // cheaper than sorting, and a stable sort would borrow a buffer as large as the entries.
  const auto by_tenant = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(entries.begin(), entries.end(), by_tenant)) {
    std::stable_sort(entries.begin(), entries.end(), by_tenant);
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0 && entries[i - 1].first == entries[i].first) {
      return data_loss(fmt::format("tenant {} has two {}s", raw(entries[i].first), what));
    }
    if (Status s = check_shard(what, entries[i].first, entries[i].second, cells); !s.is_ok()) {
      return s;
    }
  }
  return Status::ok();
}

Status check_not_empty(const std::vector<CellId>& cells, const Entries& shards,
                       const Entries& overrides, bool allow_empty) {
  if (allow_empty) return Status::ok();
  if (cells.empty()) {
    return data_loss("snapshot lists no cell (a snapshot meant to be empty says allow_empty)");
  }
  if (shards.empty() && overrides.empty()) {
    return data_loss("snapshot lists no tenant (a snapshot meant to be empty says allow_empty)");
  }
  return Status::ok();
}

}  // namespace

RoutingSnapshot make_snapshot(std::uint64_t version, std::vector<CellId> cells,
                              const Mapping& mapping, const Mapping& overrides) {
  RoutingSnapshot snapshot{.version = version, .cells = std::move(cells)};
  snapshot.shards.assign(mapping.begin(), mapping.end());
  snapshot.overrides.assign(overrides.begin(), overrides.end());
  return snapshot;
}

Result<RoutingTable> RoutingTable::build(const RoutingSnapshot& snapshot) {
  return build(RoutingSnapshot(snapshot));
}

Result<RoutingTable> RoutingTable::build(RoutingSnapshot&& snapshot) {
  RoutingTable table;
  table.version_ = snapshot.version;
  table.cells_ = std::move(snapshot.cells);
  table.shards_ = std::move(snapshot.shards);
  table.overrides_ = std::move(snapshot.overrides);
  table.disabled_ = std::move(snapshot.disabled);
  if (Status s = check_cells(table.cells_); !s.is_ok()) return s;
  if (Status s = check_disabled(table.disabled_, table.cells_); !s.is_ok()) return s;
  if (Status s = check_entries("shard", table.shards_, table.cells_); !s.is_ok()) return s;
  if (Status s = check_entries("override", table.overrides_, table.cells_); !s.is_ok()) return s;
  if (Status s =
          check_not_empty(table.cells_, table.shards_, table.overrides_, snapshot.allow_empty);
      !s.is_ok()) {
    return s;
  }
  table.addresses_ = std::move(snapshot.addresses);
  if (Status s = detail::check_addresses(table.addresses_, table.cells_); !s.is_ok()) return s;
  if (Status s = table.build_names(std::move(snapshot.tenant_names)); !s.is_ok()) return s;
  table.build_indexes();
  return table;
}

// Dense ids (at most 4 slots per entry, plus slack) get direct indexes; sparse ones keep
// binary search, so a stray huge id cannot blow up memory.
void RoutingTable::build_indexes() {
  const auto dense_enough = [](std::uint64_t max_id, std::size_t count) {
    return max_id < 4 * static_cast<std::uint64_t>(count) + 1024;
  };
  std::uint64_t max_tenant = 0;
  std::uint64_t listed = 0;  // cells over all shards and overrides
  for (const auto* entries : {&shards_, &overrides_}) {
    if (!entries->empty())
      max_tenant = std::max<std::uint64_t>(max_tenant, raw(entries->back().first));
    for (const auto& [tenant, shard] : *entries)
      listed += shard.size();
  }
  const std::size_t entries = shards_.size() + overrides_.size();
  if (entries > 0 && dense_enough(max_tenant, entries) && listed < UINT32_MAX) {
    dense_start_.assign(max_tenant + 2, 0);
    dense_cells_.reserve(listed);
    // Both lists are sorted by tenant: walk them together; a pin replaces the shard.
    std::size_t s = 0, o = 0;
    for (std::uint64_t t = 0; t <= max_tenant; ++t) {
      dense_start_[t] = static_cast<std::uint32_t>(dense_cells_.size());
      const Shard* shard = nullptr;
      if (o < overrides_.size() && raw(overrides_[o].first) == t) shard = &overrides_[o++].second;
      if (s < shards_.size() && raw(shards_[s].first) == t) {
        if (shard == nullptr) shard = &shards_[s].second;
        ++s;
      }
      if (shard != nullptr) dense_cells_.insert(dense_cells_.end(), shard->begin(), shard->end());
    }
    dense_start_[max_tenant + 1] = static_cast<std::uint32_t>(dense_cells_.size());
  }
  if (!cells_.empty() && dense_enough(raw(cells_.back()), cells_.size())) {
    routable_.assign(raw(cells_.back()) + 1, 0);
    for (CellId c : cells_)
      routable_[raw(c)] = 1;
    for (CellId c : disabled_)
      routable_[raw(c)] = 0;
  }
}

const Shard* RoutingTable::find_shard(TenantId tenant) const {
  if (!overrides_.empty()) {
    if (const Shard* pinned = lookup(overrides_, tenant)) return pinned;
  }
  return lookup(shards_, tenant);
}

bool RoutingTable::has_cell(CellId cell) const {
  return std::binary_search(cells_.begin(), cells_.end(), cell);
}

bool RoutingTable::is_routable_sorted(CellId cell) const {
  return has_cell(cell) && !std::binary_search(disabled_.begin(), disabled_.end(), cell);
}

bool RoutingTable::is_pinned(TenantId tenant) const {
  return lookup(overrides_, tenant) != nullptr;
}

std::size_t RoutingTable::tenant_count() const {
  std::size_t pinned_only = 0;
  for (const auto& [tenant, shard] : overrides_) {
    if (lookup(shards_, tenant) == nullptr) ++pinned_only;
  }
  return shards_.size() + pinned_only;
}

}  // namespace cellkit

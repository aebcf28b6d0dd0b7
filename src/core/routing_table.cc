// Routing table construction and validation.
#include "cellkit/core/routing_table.h"

#include <algorithm>

#include <fmt/format.h>

#include "cellkit/core/routing_delta.h"
#include "core/routing_names.h"
#include "core/tenant_order.h"

namespace cellkit {
namespace {

// Index of `tenant` among the lists' sorted ids; nullopt when absent.
std::optional<std::size_t> find_entry(const ShardLists& lists, TenantId tenant) {
  auto it = std::lower_bound(lists.ids.begin(), lists.ids.end(), tenant);
  if (it == lists.ids.end() || *it != tenant) return std::nullopt;
  return static_cast<std::size_t>(it - lists.ids.begin());
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

// Whether ids up to max_id among `count` entries are dense enough for a direct index (at most
// 4 slots per entry, plus slack): a stray huge id must not blow up memory.
bool dense_enough(std::uint64_t max_id, std::size_t count) {
  return max_id < 4 * static_cast<std::uint64_t>(count) + 1024;
}

// The listed cells, asked once per shard cell: a byte per id when the ids are dense (a binary
// search per cell, its branches mispredicted, was an eighth of a million-tenant PUT), else a
// binary search of the sorted list.
class ListedCells {
 public:
  explicit ListedCells(const std::vector<CellId>& sorted) : sorted_(sorted) {
    if (sorted.empty() || !dense_enough(raw(sorted.back()), sorted.size())) return;
    listed_.assign(raw(sorted.back()) + 1, 0);
    for (CellId c : sorted)
      listed_[raw(c)] = 1;
  }

  bool has(CellId cell) const {
    if (listed_.empty()) return std::binary_search(sorted_.begin(), sorted_.end(), cell);
    return raw(cell) < listed_.size() && listed_[raw(cell)] != 0;
  }

 private:
  const std::vector<CellId>& sorted_;
  std::vector<std::uint8_t> listed_;
};

Status check_shard(const char* what, TenantId tenant, std::span<const CellId> shard,
                   const ListedCells& cells) {
  if (shard.empty()) {
    return data_loss(fmt::format("{} of tenant {} is empty", what, raw(tenant)));
  }
  for (std::size_t i = 0; i < shard.size(); ++i) {
    if (!cells.has(shard[i])) {
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
Status check_entries(const char* what, ShardLists& lists, const std::vector<CellId>& cells) {
  // Snapshots come sorted (the codec and the mapping reader write them so): checking is
  // cheaper than sorting.
  if (lists.start.size() != lists.ids.size() + 1 || lists.start.front() != 0 ||
      lists.start.back() != lists.cells.size() ||
      !std::is_sorted(lists.start.begin(), lists.start.end())) {
    return data_loss(fmt::format("snapshot's {} lists are inconsistent", what));
  }
  if (!std::is_sorted(lists.ids.begin(), lists.ids.end())) detail::sort_by_tenant(lists);
  const ListedCells listed(cells);
  for (std::size_t i = 0; i < lists.size(); ++i) {
    if (i > 0 && lists.ids[i - 1] == lists.ids[i]) {
      return data_loss(fmt::format("tenant {} has two {}s", raw(lists.ids[i]), what));
    }
    if (Status s = check_shard(what, lists.ids[i], lists.shard(i), listed); !s.is_ok()) return s;
  }
  return Status::ok();
}

Status check_not_empty(const FlatSnapshot& s) {
  if (s.allow_empty) return Status::ok();
  if (s.cells.empty()) {
    return data_loss("snapshot lists no cell (a snapshot meant to be empty says allow_empty)");
  }
  if (s.shards.empty() && s.overrides.empty()) {
    return data_loss("snapshot lists no tenant (a snapshot meant to be empty says allow_empty)");
  }
  return Status::ok();
}

// Tenants with a shard or a pin (both lists sorted and without repeats).
std::size_t count_tenants(const ShardLists& shards, const ShardLists& overrides) {
  std::size_t pinned_only = 0;
  for (TenantId tenant : overrides.ids) {
    if (!std::binary_search(shards.ids.begin(), shards.ids.end(), tenant)) ++pinned_only;
  }
  return shards.size() + pinned_only;
}

template <class T>
void release(std::vector<T>& v) {
  std::vector<T>().swap(v);
}

}  // namespace

FlatSnapshot flatten(RoutingSnapshot&& snapshot) {
  FlatSnapshot flat{.version = snapshot.version,
                    .cells = std::move(snapshot.cells),
                    .disabled = std::move(snapshot.disabled),
                    .addresses = std::move(snapshot.addresses),
                    .allow_empty = snapshot.allow_empty};
  const auto move_lists = [](std::vector<std::pair<TenantId, Shard>>& from, ShardLists& to) {
    std::size_t cells = 0;
    for (const auto& entry : from)
      cells += entry.second.size();
    to.reserve(from.size(), cells);
    for (auto& [tenant, shard] : from) {
      to.add(tenant, shard);
      release(shard);
    }
    release(from);
  };
  move_lists(snapshot.shards, flat.shards);
  move_lists(snapshot.overrides, flat.overrides);
  std::size_t text = 0;
  for (const auto& entry : snapshot.tenant_names)
    text += entry.second.size();
  flat.tenant_names.ids.reserve(snapshot.tenant_names.size());
  flat.tenant_names.offsets.reserve(snapshot.tenant_names.size() + 1);
  flat.tenant_names.text.reserve(text);
  for (auto& [tenant, name] : snapshot.tenant_names) {
    flat.tenant_names.add(tenant, name);
    std::string().swap(name);
  }
  release(snapshot.tenant_names);
  return flat;
}

RoutingSnapshot expand(const FlatSnapshot& flat) {
  RoutingSnapshot snapshot{.version = flat.version,
                           .cells = flat.cells,
                           .disabled = flat.disabled,
                           .addresses = flat.addresses,
                           .allow_empty = flat.allow_empty};
  const auto expand_lists = [](const ShardLists& from,
                               std::vector<std::pair<TenantId, Shard>>& to) {
    to.reserve(from.size());
    for (std::size_t i = 0; i < from.size(); ++i) {
      const std::span<const CellId> shard = from.shard(i);
      to.emplace_back(from.ids[i], Shard(shard.begin(), shard.end()));
    }
  };
  expand_lists(flat.shards, snapshot.shards);
  expand_lists(flat.overrides, snapshot.overrides);
  snapshot.tenant_names.reserve(flat.tenant_names.size());
  for (std::size_t i = 0; i < flat.tenant_names.size(); ++i)
    snapshot.tenant_names.emplace_back(flat.tenant_names.ids[i], flat.tenant_names.name(i));
  return snapshot;
}

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
  return build(flatten(std::move(snapshot)));
}

Result<RoutingTable> RoutingTable::build(FlatSnapshot&& snapshot) {
  RoutingTable table;
  table.version_ = snapshot.version;
  if (Status s = check_cells(snapshot.cells); !s.is_ok()) return s;
  if (Status s = check_disabled(snapshot.disabled, snapshot.cells); !s.is_ok()) return s;
  if (Status s = check_entries("shard", snapshot.shards, snapshot.cells); !s.is_ok()) return s;
  if (Status s = check_entries("override", snapshot.overrides, snapshot.cells); !s.is_ok()) {
    return s;
  }
  if (Status s = check_not_empty(snapshot); !s.is_ok()) return s;
  if (Status s = detail::check_addresses(snapshot.addresses, snapshot.cells); !s.is_ok()) return s;
  table.cells_ = std::move(snapshot.cells);
  table.disabled_ = std::move(snapshot.disabled);
  table.shards_ = std::move(snapshot.shards);
  table.overrides_ = std::move(snapshot.overrides);
  table.addresses_ = std::move(snapshot.addresses);
  table.tenant_count_ = count_tenants(table.shards_, table.overrides_);
  table.allow_empty_ = snapshot.allow_empty;
  if (Status s = table.build_names(std::move(snapshot.tenant_names)); !s.is_ok()) return s;
  table.build_indexes();
  return table;
}

// Dense ids (dense_enough) get direct indexes, which then hold the shards; sparse ones keep
// binary search.
void RoutingTable::build_indexes() {
  std::uint64_t max_tenant = 0;
  for (const ShardLists* lists : {&shards_, &overrides_}) {
    if (!lists->empty()) max_tenant = std::max<std::uint64_t>(max_tenant, raw(lists->ids.back()));
  }
  const std::size_t entries = shards_.size() + overrides_.size();
  const std::size_t listed = shards_.cells.size() + overrides_.cells.size();
  if (entries > 0 && dense_enough(max_tenant, entries) && listed < UINT32_MAX) {
    build_dense(max_tenant);
  }
  if (!cells_.empty() && dense_enough(raw(cells_.back()), cells_.size())) {
    routable_.assign(raw(cells_.back()) + 1, 0);
    for (CellId c : cells_)
      routable_[raw(c)] = 1;
    for (CellId c : disabled_)
      routable_[raw(c)] = 0;
  }
}

// Tenant t's effective shard at dense_cells_[dense_start_[t], dense_start_[t + 1]); the
// shard lists' arrays are taken over (not copied) when no tenant is pinned.
void RoutingTable::build_dense(std::uint64_t max_tenant) {
  if (overrides_.empty()) {
    const bool every_id =
        shards_.ids.back() == TenantId{static_cast<std::uint32_t>(shards_.size() - 1)};
    if (every_id) {
      dense_start_ = std::move(shards_.start);  // ids 0..n-1: the offsets are the index
    } else {
      dense_start_.assign(max_tenant + 2, 0);
      std::size_t e = 0;
      for (std::uint64_t t = 0; t <= max_tenant; ++t) {
        dense_start_[t] = shards_.start[e];
        if (e < shards_.size() && raw(shards_.ids[e]) == t) ++e;
      }
      dense_start_[max_tenant + 1] = shards_.start[e];
    }
    dense_cells_ = std::move(shards_.cells);
    shards_ = {};
    return;
  }
  dense_start_.assign(max_tenant + 2, 0);
  dense_cells_.reserve(shards_.cells.size() + overrides_.cells.size());
  // Both lists are sorted by tenant: walk them together; a pin replaces the shard, which
  // is kept aside (flat() gives it back).
  ShardLists pinned_shards;
  std::size_t s = 0, o = 0;
  for (std::uint64_t t = 0; t <= max_tenant; ++t) {
    dense_start_[t] = static_cast<std::uint32_t>(dense_cells_.size());
    std::span<const CellId> shard;
    if (o < overrides_.size() && raw(overrides_.ids[o]) == t) shard = overrides_.shard(o++);
    if (s < shards_.size() && raw(shards_.ids[s]) == t) {
      if (shard.empty()) {
        shard = shards_.shard(s);
      } else {
        pinned_shards.add(shards_.ids[s], shards_.shard(s));
      }
      ++s;
    }
    dense_cells_.insert(dense_cells_.end(), shard.begin(), shard.end());
  }
  dense_start_[max_tenant + 1] = static_cast<std::uint32_t>(dense_cells_.size());
  shards_ = std::move(pinned_shards);
}

// With the dense index, a tenant's shard is its dense range unless it is pinned (the range
// then holds its pin, and its shard, if any, was kept in shards_).
ShardLists RoutingTable::flat_shards() const {
  if (dense_start_.empty()) return shards_;
  ShardLists out;
  out.reserve(tenant_count_, dense_cells_.size());
  std::size_t s = 0, o = 0;
  for (std::size_t t = 0; t + 1 < dense_start_.size(); ++t) {
    const TenantId tenant{static_cast<std::uint32_t>(t)};
    if (o < overrides_.size() && overrides_.ids[o] == tenant) {
      ++o;
      if (s < shards_.size() && shards_.ids[s] == tenant) out.add(tenant, shards_.shard(s++));
      continue;
    }
    if (dense_start_[t] != dense_start_[t + 1]) {
      out.add(tenant,
              {dense_cells_.data() + dense_start_[t], dense_cells_.data() + dense_start_[t + 1]});
    }
  }
  return out;
}

FlatSnapshot RoutingTable::flat() const {
  return FlatSnapshot{.version = version_,
                      .cells = cells_,
                      .disabled = disabled_,
                      .shards = flat_shards(),
                      .overrides = overrides_,
                      .addresses = addresses_,
                      .tenant_names = names_.list,
                      .allow_empty = allow_empty_};
}

Result<RoutingTable> RoutingTable::apply(const RoutingDelta& delta) const {
  return apply(std::span(&delta, 1));
}

Result<RoutingTable> RoutingTable::apply(std::span<const RoutingDelta> chain) const {
  FlatSnapshot base = flat();
  const std::uint64_t digest = routing_digest(base);
  std::uint64_t refused = 0;
  Result<FlatSnapshot> next = apply_chain(std::move(base), chain, digest, refused);
  if (!next.is_ok()) return next.status();
  return build(std::move(next).value());
}

std::span<const CellId> RoutingTable::find_sorted(TenantId tenant) const {
  if (const auto pinned = find_entry(overrides_, tenant)) return overrides_.shard(*pinned);
  if (const auto i = find_entry(shards_, tenant)) return shards_.shard(*i);
  return {};
}

bool RoutingTable::has_cell(CellId cell) const {
  return std::binary_search(cells_.begin(), cells_.end(), cell);
}

bool RoutingTable::is_routable_sorted(CellId cell) const {
  return has_cell(cell) && !std::binary_search(disabled_.begin(), disabled_.end(), cell);
}

bool RoutingTable::is_pinned(TenantId tenant) const {
  return find_entry(overrides_, tenant).has_value();
}

}  // namespace cellkit

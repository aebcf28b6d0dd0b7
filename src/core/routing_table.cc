// Routing table construction and validation.
#include "cellkit/core/routing_table.h"

#include <algorithm>

#include <fmt/format.h>

#include "cellkit/core/routing_delta.h"
#include "core/routing_checks.h"
#include "core/routing_names.h"
#include "core/tenant_chunks.h"
#include "core/tenant_order.h"

namespace cellkit {
namespace detail {

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

}  // namespace detail

namespace {

using detail::check_cells;
using detail::check_disabled;
using detail::check_shard;
using detail::dense_enough;
using detail::ListedCells;

// Index of `tenant` among the lists' sorted ids; nullopt when absent.
std::optional<std::size_t> find_entry(const ShardLists& lists, TenantId tenant) {
  auto it = std::lower_bound(lists.ids.begin(), lists.ids.end(), tenant);
  if (it == lists.ids.end() || *it != tenant) return std::nullopt;
  return static_cast<std::size_t>(it - lists.ids.begin());
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

// Dense tenant ids (dense_enough) go to chunks, which then hold the shards; sparse ones keep
// binary search.
void RoutingTable::build_indexes() {
  std::uint64_t max_tenant = 0;
  for (const ShardLists* lists : {&shards_, &overrides_}) {
    if (!lists->empty()) max_tenant = std::max<std::uint64_t>(max_tenant, raw(lists->ids.back()));
  }
  const std::size_t entries = shards_.size() + overrides_.size();
  if (entries > 0 && dense_enough(max_tenant, entries)) {
    build_chunks(static_cast<std::uint32_t>(max_tenant));
  }
  build_routable();
}

void RoutingTable::build_routable() {
  routable_.clear();
  if (cells_.empty() || !dense_enough(raw(cells_.back()), cells_.size())) return;
  routable_.assign(raw(cells_.back()) + 1, 0);
  for (CellId c : cells_)
    routable_[raw(c)] = 1;
  for (CellId c : disabled_)
    routable_[raw(c)] = 0;
}

// Tenants 0..max_tenant into chunks, from the sorted lists (walked together: a pin replaces
// the shard as the effective one, and the chunk keeps the shard behind it), then the names'
// index; the lists are released.
void RoutingTable::build_chunks(std::uint32_t max_tenant) {
  const std::size_t count = std::size_t{max_tenant} / kChunkTenants + 1;
  chunks_.reserve(count);
  chunk_views_.reserve(count);
  std::size_t s = 0, o = 0, n = 0;
  const NameList& names = names_.list;
  for (std::size_t c = 0; c < count; ++c) {
    const auto first = static_cast<std::uint32_t>(c * kChunkTenants);
    if (overrides_.empty()) {  // the common case, copied by ranges rather than tenant by tenant
      set_chunk(c, detail::copy_chunk(first, shards_, s, names, n));
      continue;
    }
    detail::ChunkWriter writer(first);
    for (std::uint32_t i = 0; i < kChunkTenants; ++i) {
      const TenantId tenant{first + i};
      detail::TenantEntry e;
      if (s < shards_.size() && shards_.ids[s] == tenant) e.shard = shards_.shard(s++);
      if (o < overrides_.size() && overrides_.ids[o] == tenant) e.pin = overrides_.shard(o++);
      if (n < names.size() && names.ids[n] == tenant) e.name = names.name(n++);
      writer.put(e);
    }
    set_chunk(c, writer.finish());
  }
  max_tenant_ = max_tenant;
  shard_entries_ = shards_.size();
  pin_entries_ = overrides_.size();
  named_ = names.size();
  index_chunk_names();
  shards_ = {};
  overrides_ = {};
  names_ = {};
}

// The names' index by tenant id: build_names' index by list position rewritten in place when
// it has room for the ids, else made again from the chunks.
void RoutingTable::index_chunk_names() {
  if (named_ == 0) return;
  std::vector<std::uint32_t>& slots = names_.slots;
  const std::size_t page = std::size_t{1} << detail::kPageBits;
  if (slots.size() < page || slots.size() < std::size_t{max_tenant_} + 3) {
    std::optional<detail::NameSlots> index = detail::index_names(chunks_, named_, max_tenant_);
    name_slots_ = std::make_shared<const detail::NameSlots>(*index);  // build checked the names
    return;
  }
  const std::vector<TenantId>& ids = names_.list.ids;
  const auto mask = static_cast<std::uint32_t>(slots.size() - 1);
  // Names of tenants 0..n-1 (sorted) are at their own tenant's position: nothing to rewrite.
  const bool every_id = raw(ids.back()) + 1 == ids.size();
  for (std::uint32_t& v : slots) {
    if (v != 0 && !every_id) v = (v & ~mask) | (raw(ids[(v & mask) - 1]) + 1);
  }
  name_slots_ = std::make_shared<const detail::NameSlots>(slots, named_);
}

void RoutingTable::set_chunk(std::size_t c, std::shared_ptr<const detail::TenantChunk> chunk) {
  static_assert(kChunkBits == detail::kChunkBits);
  if (c >= chunks_.size()) {
    chunks_.resize(c + 1);
    chunk_views_.resize(c + 1);
  }
  chunk_views_[c] = {chunk->start.data(), chunk->cells.data()};
  chunks_[c] = std::move(chunk);
}

const detail::TenantChunk* RoutingTable::chunk_of(TenantId tenant, std::uint32_t& offset) const {
  const std::size_t c = raw(tenant) >> kChunkBits;
  if (c >= chunks_.size()) return nullptr;
  offset = raw(tenant) & (kChunkTenants - 1);
  return chunks_[c].get();
}

// The lists back from the chunks, sorted by tenant.
FlatSnapshot RoutingTable::flat_chunks() const {
  FlatSnapshot out;
  out.shards.reserve(shard_entries_, 0);
  for (const auto& chunk : chunks_) {
    for (std::uint32_t i = 0; i < kChunkTenants; ++i) {
      const detail::TenantEntry e = chunk->entry(i);
      const TenantId tenant{chunk->first + i};
      if (!e.shard.empty()) out.shards.add(tenant, e.shard);
      if (!e.pin.empty()) out.overrides.add(tenant, e.pin);
      if (!e.name.empty()) out.tenant_names.add(tenant, e.name);
    }
  }
  return out;
}

FlatSnapshot RoutingTable::flat() const {
  FlatSnapshot out =
      chunks_.empty()
          ? FlatSnapshot{.shards = shards_, .overrides = overrides_, .tenant_names = names_.list}
          : flat_chunks();
  out.version = version_;
  out.cells = cells_;
  out.disabled = disabled_;
  out.addresses = addresses_;
  out.allow_empty = allow_empty_;
  return out;
}

Result<RoutingTable> RoutingTable::apply(const RoutingDelta& delta) const {
  return apply(std::span(&delta, 1));
}

Result<RoutingTable> RoutingTable::apply(std::span<const RoutingDelta> chain) const {
  return apply(chain, routing_digest(flat()));
}

Result<RoutingTable> RoutingTable::apply(std::span<const RoutingDelta> chain,
                                         std::uint64_t digest) const {
  if (std::optional<RoutingTable> next = patch(chain, digest)) return std::move(*next);
  std::uint64_t refused = 0;
  Result<FlatSnapshot> next = apply_chain(flat(), chain, digest, refused);
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
  std::uint32_t offset = 0;
  if (const detail::TenantChunk* chunk = chunks_.empty() ? nullptr : chunk_of(tenant, offset)) {
    return chunk->is_pinned(offset);
  }
  return find_entry(overrides_, tenant).has_value();
}

}  // namespace cellkit

// Routing deltas: the digest, the diff of two snapshots, and applying a delta to a snapshot.
#include "cellkit/core/routing_delta.h"

#include <algorithm>
#include <cassert>
#include <optional>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "cellkit/base/hash.h"
#include "core/routing_delta_parts.h"
#include "core/tenant_order.h"

namespace cellkit {
namespace {

// Seeds of the digest's entry kinds, so a shard and a pin of the same cells differ.
enum : std::uint64_t { kShardSeed = 1, kPinSeed = 2, kNameSeed = 3, kCellSeed = 4 };

// Little-endian bytes of one digest entry, reused across entries (no allocation per tenant).
class EntryBytes {
 public:
  EntryBytes& u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      bytes_.push_back(static_cast<std::byte>(v >> (8 * i)));
    return *this;
  }
  EntryBytes& text(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    for (char c : s)
      bytes_.push_back(static_cast<std::byte>(c));
    return *this;
  }
  std::uint64_t hash(std::uint64_t seed) {
    const std::uint64_t h = hash64(std::span<const std::byte>(bytes_), seed);
    bytes_.clear();
    return h;
  }

 private:
  std::vector<std::byte> bytes_;
};

std::uint64_t entry_hash(const ShardLists& lists, std::size_t i, std::uint64_t seed,
                         EntryBytes& b) {
  b.u32(raw(lists.ids[i]));
  for (CellId c : lists.shard(i))
    b.u32(raw(c));
  return b.hash(seed);
}

std::uint64_t entry_hash(const NameList& names, std::size_t i, std::uint64_t seed, EntryBytes& b) {
  return b.u32(raw(names.ids[i])).text(names.name(i)).hash(seed);
}

std::uint64_t entry_hash(const std::vector<CellChange>& rows, std::size_t i, std::uint64_t seed,
                         EntryBytes& b) {
  const CellChange& r = rows[i];
  return b.u32(raw(r.cell)).u32(r.disabled ? 1 : 0).text(r.name).text(r.endpoint).hash(seed);
}

template <class List>
std::uint64_t list_digest(const List& list, std::uint64_t seed, EntryBytes& b) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < list.size(); ++i)
    sum += entry_hash(list, i, seed, b);
  return sum;
}

// How one list's part of the digest moves as entries leave it and join it: the digest is a
// wrapping sum, so a change costs a hash per entry changed, not per entry kept.
class DigestChange {
 public:
  explicit DigestChange(std::uint64_t seed) : seed_(seed) {}
  template <class List>
  void leave(const List& list, std::size_t i) {
    sum_ -= entry_hash(list, i, seed_, bytes_);
  }
  template <class List>
  void join(const List& list, std::size_t i) {
    sum_ += entry_hash(list, i, seed_, bytes_);
  }
  std::uint64_t sum() const { return sum_; }

 private:
  std::uint64_t seed_;
  std::uint64_t sum_ = 0;
  EntryBytes bytes_;
};

// The snapshot's cells as delta rows, sorted by cell: address (when given) and disabled flag.
std::vector<CellChange> cell_rows(const FlatSnapshot& s) {
  std::vector<CellId> disabled = s.disabled;
  std::sort(disabled.begin(), disabled.end());
  std::vector<CellChange> rows;
  rows.reserve(s.cells.size());
  for (CellId c : s.cells)
    rows.push_back(
        {.cell = c, .disabled = std::binary_search(disabled.begin(), disabled.end(), c)});
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.cell < b.cell; });
  for (const CellAddress& a : s.addresses) {
    auto it = std::lower_bound(rows.begin(), rows.end(), a.cell,
                               [](const CellChange& r, CellId c) { return r.cell < c; });
    if (it == rows.end() || it->cell != a.cell) continue;  // build refuses such a snapshot
    it->name = a.name;
    it->endpoint = a.endpoint;
  }
  return rows;
}

void put_cells(const std::vector<CellChange>& rows, bool addressed, FlatSnapshot& out) {
  for (const CellChange& r : rows) {
    out.cells.push_back(r.cell);
    if (r.disabled) out.disabled.push_back(r.cell);
    if (addressed)
      out.addresses.push_back({.cell = r.cell, .name = r.name, .endpoint = r.endpoint});
  }
}

// The three kinds of keyed list a delta changes, seen through one set of accessors.
TenantId key_at(const ShardLists& l, std::size_t i) {
  return l.ids[i];
}
TenantId key_at(const NameList& l, std::size_t i) {
  return l.ids[i];
}
CellId key_at(const std::vector<CellChange>& l, std::size_t i) {
  return l[i].cell;
}
void copy_entry(ShardLists& out, const ShardLists& from, std::size_t i) {
  out.add(from.ids[i], from.shard(i));
}
void copy_entry(NameList& out, const NameList& from, std::size_t i) {
  out.add(from.ids[i], from.name(i));
}
void copy_entry(std::vector<CellChange>& out, const std::vector<CellChange>& from, std::size_t i) {
  out.push_back(from[i]);
}
bool same_entry(const ShardLists& a, std::size_t i, const ShardLists& b, std::size_t j) {
  return std::ranges::equal(a.shard(i), b.shard(j));
}
bool same_entry(const NameList& a, std::size_t i, const NameList& b, std::size_t j) {
  return a.name(i) == b.name(j);
}
bool same_entry(const std::vector<CellChange>& a, std::size_t i, const std::vector<CellChange>& b,
                std::size_t j) {
  return a[i] == b[j];
}
std::string describe(TenantId t) {
  return fmt::format("tenant {}", raw(t));
}
std::string describe(CellId c) {
  return fmt::format("cell {}", raw(c));
}

// `list` itself when sorted by tenant, else a sorted copy kept in `copy`.
template <class List>
const List& sorted_view(const List& list, std::optional<List>& copy) {
  if (std::is_sorted(list.ids.begin(), list.ids.end())) return list;
  copy = list;
  detail::sort_by_tenant(*copy);
  return *copy;
}

// The upserts and removals from `from` to `to` (both sorted), and the digest's change.
template <class List, class Key>
void diff_lists(const List& from, const List& to, List& upserts, std::vector<Key>& removals,
                DigestChange& digest) {
  std::size_t i = 0, j = 0;
  while (i < from.size() || j < to.size()) {
    if (j == to.size() || (i < from.size() && key_at(from, i) < key_at(to, j))) {
      digest.leave(from, i);
      removals.push_back(key_at(from, i++));
    } else if (i == from.size() || key_at(to, j) < key_at(from, i)) {
      digest.join(to, j);
      copy_entry(upserts, to, j++);
    } else {
      if (!same_entry(from, i, to, j)) {
        digest.leave(from, i);
        digest.join(to, j);
        copy_entry(upserts, to, j);
      }
      ++i, ++j;
    }
  }
}

template <class List, class Key>
Status check_keys(const List& upserts, const std::vector<Key>& removals, std::string_view what) {
  for (std::size_t i = 1; i < upserts.size(); ++i) {
    if (!(key_at(upserts, i - 1) < key_at(upserts, i))) {
      return data_loss(fmt::format("delta's {} are not sorted by key at {}", what,
                                   describe(key_at(upserts, i))));
    }
  }
  if (!std::is_sorted(removals.begin(), removals.end()) ||
      std::adjacent_find(removals.begin(), removals.end()) != removals.end()) {
    return data_loss(fmt::format("delta's removed {} are not sorted and distinct", what));
  }
  for (std::size_t i = 0; i < upserts.size(); ++i) {
    if (std::binary_search(removals.begin(), removals.end(), key_at(upserts, i))) {
      return data_loss(fmt::format("delta both changes and removes the {} of {}", what,
                                   describe(key_at(upserts, i))));
    }
  }
  return Status::ok();
}

// `base` (sorted) with `upserts` replacing or adding entries and `removals` dropping them;
// `digest` follows the entries that leave and join.
template <class List, class Key>
Result<List> merge_lists(const List& base, const List& upserts, const std::vector<Key>& removals,
                         std::string_view what, DigestChange& digest) {
  if (Status s = check_keys(upserts, removals, what); !s.is_ok()) return s;
  List out;
  std::size_t u = 0, r = 0;
  auto take_upsert = [&] {
    digest.join(upserts, u);
    copy_entry(out, upserts, u++);
  };
  for (std::size_t i = 0; i < base.size(); ++i) {
    const Key key = key_at(base, i);
    while (u < upserts.size() && key_at(upserts, u) < key)
      take_upsert();
    if (r < removals.size() && removals[r] < key) break;  // removes what is not there
    const bool removed = r < removals.size() && removals[r] == key;
    const bool replaced = !removed && u < upserts.size() && key_at(upserts, u) == key;
    if (removed || replaced) digest.leave(base, i);
    if (removed) {
      ++r;
    } else if (replaced) {
      take_upsert();
    } else {
      copy_entry(out, base, i);
    }
  }
  if (r < removals.size()) {
    return data_loss(
        fmt::format("delta removes the {} of {}, which has none", what, describe(removals[r])));
  }
  while (u < upserts.size())
    take_upsert();
  return out;
}

Status check_not_emptied(const ShardLists& upserts, std::string_view what) {
  if (upserts.start.size() != upserts.ids.size() + 1 || upserts.start.front() != 0 ||
      upserts.start.back() != upserts.cells.size() ||
      !std::is_sorted(upserts.start.begin(), upserts.start.end())) {
    return data_loss(fmt::format("delta's {} lists are inconsistent", what));
  }
  for (std::size_t i = 0; i < upserts.size(); ++i) {
    if (upserts.shard(i).empty()) {
      return data_loss(
          fmt::format("delta would empty the {} of {}", what, describe(upserts.ids[i])));
    }
  }
  return Status::ok();
}

// A hand-made name list whose offsets do not frame its text (the decoder never makes one).
Status check_name_offsets(const NameList& names) {
  const std::vector<std::uint32_t>& o = names.offsets;
  if (o.size() != names.ids.size() + 1 || o.front() != 0 || o.back() != names.text.size() ||
      !std::is_sorted(o.begin(), o.end())) {
    return data_loss("delta's name lists are inconsistent");
  }
  return Status::ok();
}

// A removed cell that a shard or pin of the result still names (the references the
// control plane must move away first).
Status check_removed_cells(const FlatSnapshot& result, const std::vector<CellId>& removed) {
  if (removed.empty()) return Status::ok();
  for (const auto& [lists, what] :
       {std::pair{&result.shards, "shard"}, {&result.overrides, "pin"}}) {
    for (std::size_t i = 0; i < lists->size(); ++i) {
      for (CellId c : lists->shard(i)) {
        if (std::binary_search(removed.begin(), removed.end(), c)) {
          return data_loss(
              fmt::format("delta removes cell {}, which the {} of tenant {} still names", raw(c),
                          what, raw(lists->ids[i])));
        }
      }
    }
  }
  return Status::ok();
}

Status check_versions(const FlatSnapshot& base, const RoutingDelta& delta) {
  if (delta.parent != base.version) {
    return data_loss(fmt::format("delta to version {} applies to version {}, not to version {}",
                                 delta.version, delta.parent, base.version));
  }
  if (delta.version <= delta.parent) {
    return data_loss(fmt::format("delta to version {} is not newer than its parent {}",
                                 delta.version, delta.parent));
  }
  return Status::ok();
}

}  // namespace

std::uint64_t routing_digest(const FlatSnapshot& s) {
  EntryBytes b;
  return list_digest(s.shards, kShardSeed, b) + list_digest(s.overrides, kPinSeed, b) +
         list_digest(s.tenant_names, kNameSeed, b) + list_digest(cell_rows(s), kCellSeed, b);
}

RoutingDelta diff_snapshots(const FlatSnapshot& from, const FlatSnapshot& to) {
  return diff_snapshots(from, to, routing_digest(from));
}

RoutingDelta diff_snapshots(const FlatSnapshot& from, const FlatSnapshot& to,
                            std::uint64_t from_digest) {
  RoutingDelta d{.parent = from.version,
                 .version = to.version,
                 .allow_empty = to.allow_empty,
                 .addressed = !to.addresses.empty()};
  DigestChange shards(kShardSeed), pins(kPinSeed), names(kNameSeed), cells(kCellSeed);
  std::optional<ShardLists> a, b;
  diff_lists(sorted_view(from.shards, a), sorted_view(to.shards, b), d.shards, d.unsharded, shards);
  a.reset(), b.reset();
  diff_lists(sorted_view(from.overrides, a), sorted_view(to.overrides, b), d.pins, d.unpinned,
             pins);
  std::optional<NameList> na, nb;
  diff_lists(sorted_view(from.tenant_names, na), sorted_view(to.tenant_names, nb), d.names,
             d.unnamed, names);
  diff_lists(cell_rows(from), cell_rows(to), d.cells, d.removed_cells, cells);
  d.digest = from_digest + shards.sum() + pins.sum() + names.sum() + cells.sum();
  return d;
}

std::uint64_t digest_with_additions(std::uint64_t base_digest, const RoutingDelta& delta) {
  assert(delta.unsharded.empty() && delta.unpinned.empty() && delta.unnamed.empty() &&
         delta.cells.empty() && delta.removed_cells.empty());
  DigestChange shards(kShardSeed), pins(kPinSeed), names(kNameSeed);
  for (std::size_t i = 0; i < delta.shards.size(); ++i)
    shards.join(delta.shards, i);
  for (std::size_t i = 0; i < delta.pins.size(); ++i)
    pins.join(delta.pins, i);
  for (std::size_t i = 0; i < delta.names.size(); ++i)
    names.join(delta.names, i);
  return base_digest + shards.sum() + pins.sum() + names.sum();
}

std::uint64_t digest_with_removals(std::uint64_t base_digest, const ShardLists& shards,
                                   const ShardLists& pins, const NameList& names) {
  DigestChange shard_change(kShardSeed), pin_change(kPinSeed), name_change(kNameSeed);
  for (std::size_t i = 0; i < shards.size(); ++i)
    shard_change.leave(shards, i);
  for (std::size_t i = 0; i < pins.size(); ++i)
    pin_change.leave(pins, i);
  for (std::size_t i = 0; i < names.size(); ++i)
    name_change.leave(names, i);
  return base_digest + shard_change.sum() + pin_change.sum() + name_change.sum();
}

namespace {

// `base`'s tenant lists changed by the delta, into `out`; `digest` follows them.
Status merge_tenant_lists(const FlatSnapshot& base, const RoutingDelta& delta, FlatSnapshot& out,
                          std::uint64_t& digest) {
  DigestChange shard_change(kShardSeed), pin_change(kPinSeed), name_change(kNameSeed);
  std::optional<ShardLists> sorted;
  Result<ShardLists> shards = merge_lists(sorted_view(base.shards, sorted), delta.shards,
                                          delta.unsharded, "shard", shard_change);
  if (!shards.is_ok()) return shards.status();
  sorted.reset();
  Result<ShardLists> pins = merge_lists(sorted_view(base.overrides, sorted), delta.pins,
                                        delta.unpinned, "pin", pin_change);
  if (!pins.is_ok()) return pins.status();
  std::optional<NameList> sorted_names;
  Result<NameList> names = merge_lists(sorted_view(base.tenant_names, sorted_names), delta.names,
                                       delta.unnamed, "name", name_change);
  if (!names.is_ok()) return names.status();
  out.shards = std::move(shards).value();
  out.overrides = std::move(pins).value();
  out.tenant_names = std::move(names).value();
  digest += shard_change.sum() + pin_change.sum() + name_change.sum();
  return Status::ok();
}

// A shard's or a pin's term, from the entry's parts rather than a list.
std::uint64_t cells_term(TenantId tenant, std::span<const CellId> cells, std::uint64_t seed) {
  EntryBytes b;
  b.u32(raw(tenant));
  for (CellId c : cells)
    b.u32(raw(c));
  return b.hash(seed);
}

}  // namespace

namespace detail {

// `base`'s cells changed by the delta, into `out`. Their part of the digest is taken whole
// (cells are few): a delta that drops the addresses changes every row, not only its own.
Status merge_cells(const FlatSnapshot& base, const RoutingDelta& delta, FlatSnapshot& out,
                   std::uint64_t& digest) {
  const std::vector<CellChange> base_rows = cell_rows(base);
  DigestChange unused(kCellSeed);
  Result<std::vector<CellChange>> cells =
      merge_lists(base_rows, delta.cells, delta.removed_cells, "cell", unused);
  if (!cells.is_ok()) return cells.status();
  put_cells(*cells, delta.addressed, out);
  EntryBytes b;
  digest += list_digest(cell_rows(out), kCellSeed, b) - list_digest(base_rows, kCellSeed, b);
  return Status::ok();
}

std::uint64_t shard_term(TenantId tenant, std::span<const CellId> cells) {
  return cells_term(tenant, cells, kShardSeed);
}

std::uint64_t pin_term(TenantId tenant, std::span<const CellId> cells) {
  return cells_term(tenant, cells, kPinSeed);
}

std::uint64_t name_term(TenantId tenant, std::string_view name) {
  EntryBytes b;
  return b.u32(raw(tenant)).text(name).hash(kNameSeed);
}

Status check_delta_form(const RoutingDelta& delta) {
  for (const Status& s :
       {check_not_emptied(delta.shards, "shard"), check_not_emptied(delta.pins, "pin"),
        check_name_offsets(delta.names), check_keys(delta.shards, delta.unsharded, "shard"),
        check_keys(delta.pins, delta.unpinned, "pin"),
        check_keys(delta.names, delta.unnamed, "name"),
        check_keys(delta.cells, delta.removed_cells, "cell")}) {
    if (!s.is_ok()) return s;
  }
  return Status::ok();
}

}  // namespace detail

Result<FlatSnapshot> apply_delta(const FlatSnapshot& base, const RoutingDelta& delta) {
  return apply_delta(base, delta, routing_digest(base));
}

Result<FlatSnapshot> apply_delta(const FlatSnapshot& base, const RoutingDelta& delta,
                                 std::uint64_t base_digest) {
  if (Status s = check_versions(base, delta); !s.is_ok()) return s;
  if (Status s = check_not_emptied(delta.shards, "shard"); !s.is_ok()) return s;
  if (Status s = check_not_emptied(delta.pins, "pin"); !s.is_ok()) return s;
  if (Status s = check_name_offsets(delta.names); !s.is_ok()) return s;
  FlatSnapshot out{.version = delta.version, .allow_empty = delta.allow_empty};
  std::uint64_t digest = base_digest;
  if (Status s = merge_tenant_lists(base, delta, out, digest); !s.is_ok()) return s;
  if (Status s = detail::merge_cells(base, delta, out, digest); !s.is_ok()) return s;
  if (Status s = check_removed_cells(out, delta.removed_cells); !s.is_ok()) return s;
  if (digest != delta.digest) {
    return data_loss(
        fmt::format("delta to version {}: the result's digest {:016x} is not the "
                    "delta's {:016x}",
                    delta.version, digest, delta.digest));
  }
  return out;
}

Result<FlatSnapshot> apply_chain(FlatSnapshot base, std::span<const RoutingDelta> chain,
                                 std::uint64_t base_digest, std::uint64_t& refused) {
  std::uint64_t digest = base_digest;
  for (const RoutingDelta& delta : chain) {
    Result<FlatSnapshot> next = apply_delta(base, delta, digest);
    if (!next.is_ok()) {
      refused = delta.version;
      return next.status();
    }
    base = std::move(next).value();
    digest = delta.digest;
  }
  return base;
}

}  // namespace cellkit

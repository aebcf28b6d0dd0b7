// Routing deltas: the digest, the diff of two snapshots, and applying a delta to a snapshot.
#include "cellkit/core/routing_delta.h"

#include <algorithm>
#include <optional>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "cellkit/base/hash.h"
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

std::uint64_t lists_digest(const ShardLists& lists, std::uint64_t seed, EntryBytes& b) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < lists.size(); ++i) {
    b.u32(raw(lists.ids[i]));
    for (CellId c : lists.shard(i))
      b.u32(raw(c));
    sum += b.hash(seed);
  }
  return sum;
}

// The snapshot's cells as delta rows, sorted by cell: address (when given) and disabled flag.
std::vector<CellChange> cell_rows(const FlatSnapshot& s) {
  std::vector<CellChange> rows;
  rows.reserve(s.cells.size());
  for (CellId c : s.cells)
    rows.push_back(
        {.cell = c,
         .disabled = std::find(s.disabled.begin(), s.disabled.end(), c) != s.disabled.end()});
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

template <class List, class Key>
void diff_lists(const List& from, const List& to, List& upserts, std::vector<Key>& removals) {
  std::size_t i = 0, j = 0;
  while (i < from.size() || j < to.size()) {
    if (j == to.size() || (i < from.size() && key_at(from, i) < key_at(to, j))) {
      removals.push_back(key_at(from, i++));
    } else if (i == from.size() || key_at(to, j) < key_at(from, i)) {
      copy_entry(upserts, to, j++);
    } else {
      if (!same_entry(from, i, to, j)) copy_entry(upserts, to, j);
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

// `base` (sorted) with `upserts` replacing or adding entries and `removals` dropping them.
template <class List, class Key>
Result<List> merge_lists(const List& base, const List& upserts, const std::vector<Key>& removals,
                         std::string_view what) {
  if (Status s = check_keys(upserts, removals, what); !s.is_ok()) return s;
  List out;
  std::size_t u = 0, r = 0;
  for (std::size_t i = 0; i < base.size(); ++i) {
    const Key key = key_at(base, i);
    while (u < upserts.size() && key_at(upserts, u) < key)
      copy_entry(out, upserts, u++);
    if (r < removals.size() && removals[r] < key) break;  // removes what is not there
    if (r < removals.size() && removals[r] == key) {
      ++r;
    } else if (u < upserts.size() && key_at(upserts, u) == key) {
      copy_entry(out, upserts, u++);
    } else {
      copy_entry(out, base, i);
    }
  }
  if (r < removals.size()) {
    return data_loss(
        fmt::format("delta removes the {} of {}, which has none", what, describe(removals[r])));
  }
  while (u < upserts.size())
    copy_entry(out, upserts, u++);
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
  std::uint64_t sum =
      lists_digest(s.shards, kShardSeed, b) + lists_digest(s.overrides, kPinSeed, b);
  for (std::size_t i = 0; i < s.tenant_names.size(); ++i)
    sum += b.u32(raw(s.tenant_names.ids[i])).text(s.tenant_names.name(i)).hash(kNameSeed);
  for (const CellChange& r : cell_rows(s))
    sum += b.u32(raw(r.cell)).u32(r.disabled ? 1 : 0).text(r.name).text(r.endpoint).hash(kCellSeed);
  return sum;
}

RoutingDelta diff_snapshots(const FlatSnapshot& from, const FlatSnapshot& to) {
  RoutingDelta d{.parent = from.version,
                 .version = to.version,
                 .allow_empty = to.allow_empty,
                 .addressed = !to.addresses.empty(),
                 .digest = routing_digest(to)};
  std::optional<ShardLists> a, b;
  diff_lists(sorted_view(from.shards, a), sorted_view(to.shards, b), d.shards, d.unsharded);
  a.reset(), b.reset();
  diff_lists(sorted_view(from.overrides, a), sorted_view(to.overrides, b), d.pins, d.unpinned);
  std::optional<NameList> na, nb;
  diff_lists(sorted_view(from.tenant_names, na), sorted_view(to.tenant_names, nb), d.names,
             d.unnamed);
  diff_lists(cell_rows(from), cell_rows(to), d.cells, d.removed_cells);
  return d;
}

Result<FlatSnapshot> apply_delta(const FlatSnapshot& base, const RoutingDelta& delta) {
  if (Status s = check_versions(base, delta); !s.is_ok()) return s;
  if (Status s = check_not_emptied(delta.shards, "shard"); !s.is_ok()) return s;
  if (Status s = check_not_emptied(delta.pins, "pin"); !s.is_ok()) return s;
  std::optional<ShardLists> sorted;
  Result<ShardLists> shards =
      merge_lists(sorted_view(base.shards, sorted), delta.shards, delta.unsharded, "shard");
  if (!shards.is_ok()) return shards.status();
  sorted.reset();
  Result<ShardLists> pins =
      merge_lists(sorted_view(base.overrides, sorted), delta.pins, delta.unpinned, "pin");
  if (!pins.is_ok()) return pins.status();
  std::optional<NameList> sorted_names;
  Result<NameList> names =
      merge_lists(sorted_view(base.tenant_names, sorted_names), delta.names, delta.unnamed, "name");
  if (!names.is_ok()) return names.status();
  Result<std::vector<CellChange>> cells =
      merge_lists(cell_rows(base), delta.cells, delta.removed_cells, "cell");
  if (!cells.is_ok()) return cells.status();
  FlatSnapshot out{.version = delta.version,
                   .shards = std::move(shards).value(),
                   .overrides = std::move(pins).value(),
                   .tenant_names = std::move(names).value(),
                   .allow_empty = delta.allow_empty};
  put_cells(*cells, delta.addressed, out);
  if (Status s = check_removed_cells(out, delta.removed_cells); !s.is_ok()) return s;
  if (const std::uint64_t digest = routing_digest(out); digest != delta.digest) {
    return data_loss(
        fmt::format("delta to version {}: the result's digest {:016x} is not the "
                    "delta's {:016x}",
                    delta.version, digest, delta.digest));
  }
  return out;
}

}  // namespace cellkit

// Applying routing deltas to a table in O(change): a new version that shares with the old one
// every chunk of 4096 tenants and every page of the name index that the deltas do not touch.
//
// Why a persistent (copy-on-write) table and not one table changed in place: readers hold the
// version they started with (a shared_ptr) and must never see a delta half applied. Changing
// one table in place would need either a lock or epoch on the request path, or two whole
// tables kept in step (the served one and the one being changed, each delta applied twice):
// twice the memory of a million tenants for good. Sharing chunks costs a copy of the chunk
// index (tenants / 4096 pointers) and of each chunk touched per delta, and the old version
// stays whole for as long as a reader holds it.
#include <algorithm>
#include <optional>

#include "cellkit/core/routing_delta.h"
#include "cellkit/core/routing_table.h"
#include "core/routing_checks.h"
#include "core/routing_delta_parts.h"
#include "core/routing_names.h"
#include "core/tenant_chunks.h"

namespace cellkit {
namespace {

// A delta's six tenant lists walked together in tenant order, as apply_delta merges them:
// what each tenant it names becomes, the digest moved by each entry that leaves or joins.
class TenantChanges {
 public:
  TenantChanges(const RoutingDelta& d, const std::vector<CellId>& cells) : d_(d), listed_(cells) {}

  // The next tenant the delta names; nullopt after the last.
  std::optional<TenantId> next() const {
    std::optional<TenantId> t;
    const auto consider = [&](const std::vector<TenantId>& ids, std::size_t at) {
      if (at < ids.size() && (!t || ids[at] < *t)) t = ids[at];
    };
    consider(d_.shards.ids, shard_);
    consider(d_.unsharded, unshard_);
    consider(d_.pins.ids, pin_);
    consider(d_.unpinned, unpin_);
    consider(d_.names.ids, name_);
    consider(d_.unnamed, unname_);
    return t;
  }

  // `e` (the next tenant's entry in the base) changed by the delta, checked as build checks
  // an entry; false when the delta removes what is not there or the entry is not valid.
  bool change(TenantId t, detail::TenantEntry& e, std::uint64_t& digest) {
    if (!change_cells(t, d_.shards, shard_, d_.unsharded, unshard_, e.shard, digest,
                      detail::shard_term, "shard") ||
        !change_cells(t, d_.pins, pin_, d_.unpinned, unpin_, e.pin, digest, detail::pin_term,
                      "override")) {
      return false;
    }
    if (name_ < d_.names.size() && d_.names.ids[name_] == t) {
      if (!e.name.empty()) digest -= detail::name_term(t, e.name);
      e.name = d_.names.name(name_++);
      if (e.name.empty()) return false;
      digest += detail::name_term(t, e.name);
    }
    if (unname_ < d_.unnamed.size() && d_.unnamed[unname_] == t) {
      ++unname_;
      if (e.name.empty()) return false;
      digest -= detail::name_term(t, e.name);
      e.name = {};
    }
    return e.name.empty() || e.listed();  // a name needs a shard or a pin
  }

 private:
  using Term = std::uint64_t (*)(TenantId, std::span<const CellId>);

  bool change_cells(TenantId t, const ShardLists& upserts, std::size_t& u,
                    const std::vector<TenantId>& removals, std::size_t& r,
                    std::span<const CellId>& cells, std::uint64_t& digest, Term term,
                    const char* what) const {
    if (u < upserts.size() && upserts.ids[u] == t) {
      if (!cells.empty()) digest -= term(t, cells);
      cells = upserts.shard(u++);
      digest += term(t, cells);
      return detail::check_shard(what, t, cells, listed_).is_ok();
    }
    if (r < removals.size() && removals[r] == t) {
      ++r;
      if (cells.empty()) return false;
      digest -= term(t, cells);
      cells = {};
    }
    return true;
  }

  const RoutingDelta& d_;
  detail::ListedCells listed_;
  std::size_t shard_ = 0, unshard_ = 0, pin_ = 0, unpin_ = 0, name_ = 0, unname_ = 0;
};

// The largest tenant id the delta names (0 when none).
std::uint32_t top_tenant(const RoutingDelta& d) {
  std::uint32_t top = 0;
  for (const std::vector<TenantId>* ids :
       {&d.shards.ids, &d.unsharded, &d.pins.ids, &d.unpinned, &d.names.ids, &d.unnamed}) {
    if (!ids->empty()) top = std::max(top, raw(ids->back()));
  }
  return top;
}

int present(bool now, bool before) {
  return (now ? 1 : 0) - (before ? 1 : 0);
}

}  // namespace

std::optional<RoutingTable> RoutingTable::patch(std::span<const RoutingDelta> chain,
                                                std::uint64_t digest) const {
  if (chunks_.empty() || chain.empty()) return std::nullopt;
  std::optional<RoutingTable> table = patch_one(chain.front(), digest);
  for (std::size_t i = 1; table && i < chain.size(); ++i)
    table = table->patch_one(chain[i], chain[i - 1].digest);
  return table;
}

// Every check apply_delta and build make, in O(change): the delta's own form, the cells
// whole (few), each changed entry against the new cells; what the entries left alone could
// break is covered by the counts (a name for every tenant or none) and by leaving a delta
// that removes a cell (which a shard left alone may still name) to apply().
std::optional<RoutingTable> RoutingTable::patch_one(const RoutingDelta& delta,
                                                    std::uint64_t digest) const {
  if (delta.parent != version_ || delta.version <= delta.parent) return std::nullopt;
  if (!delta.removed_cells.empty() || !detail::check_delta_form(delta).is_ok()) {
    return std::nullopt;
  }
  RoutingTable next = *this;  // shares the chunks and the name pages
  next.version_ = delta.version;
  next.allow_empty_ = delta.allow_empty;
  std::vector<TenantId> unnamed, named;
  if (!next.patch_cells(delta, digest) || !next.patch_tenants(delta, digest, unnamed, named) ||
      !next.patch_names(*this, unnamed, named)) {
    return std::nullopt;
  }
  if (digest != delta.digest) return std::nullopt;
  if (!next.allow_empty_ && (next.cells_.empty() || next.tenant_count_ == 0)) return std::nullopt;
  return next;
}

// The cells changed as apply_delta changes them and checked whole, as build checks them.
bool RoutingTable::patch_cells(const RoutingDelta& delta, std::uint64_t& digest) {
  if (delta.cells.empty() && delta.addressed == !addresses_.empty()) return true;
  const FlatSnapshot base{.cells = cells_, .disabled = disabled_, .addresses = addresses_};
  FlatSnapshot out;
  if (!detail::merge_cells(base, delta, out, digest).is_ok() ||
      !detail::check_cells(out.cells).is_ok() ||
      !detail::check_disabled(out.disabled, out.cells).is_ok() ||
      !detail::check_addresses(out.addresses, out.cells).is_ok()) {
    return false;
  }
  cells_ = std::move(out.cells);
  disabled_ = std::move(out.disabled);
  addresses_ = std::move(out.addresses);
  build_routable();
  return true;
}

// Each chunk holding a tenant the delta names is written anew; `unnamed` and `named` get the
// tenants whose name leaves and joins the index.
bool RoutingTable::patch_tenants(const RoutingDelta& delta, std::uint64_t& digest,
                                 std::vector<TenantId>& unnamed, std::vector<TenantId>& named) {
  const std::uint32_t top = top_tenant(delta);
  const std::size_t entries =
      shard_entries_ + pin_entries_ + delta.shards.size() + delta.pins.size();
  // Chunks up to a stray huge id would blow up memory: apply() builds a sparse table instead.
  if (top > max_tenant_ && !detail::dense_enough(top, entries)) return false;
  TenantChanges changes(delta, cells_);
  while (const std::optional<TenantId> t = changes.next()) {
    if (!patch_chunk(raw(*t) >> kChunkBits, changes, digest, unnamed, named)) return false;
  }
  max_tenant_ = std::max(max_tenant_, top);
  if (named_ != 0 && named_ != tenant_count_) return false;
  return detail::dense_enough(max_tenant_, shard_entries_ + pin_entries_);
}

template <class Changes>
bool RoutingTable::patch_chunk(std::uint32_t c, Changes& changes, std::uint64_t& digest,
                               std::vector<TenantId>& unnamed, std::vector<TenantId>& named) {
  const detail::TenantChunk* old = c < chunks_.size() ? chunks_[c].get() : nullptr;
  const std::uint32_t first = c * kChunkTenants;
  detail::ChunkWriter writer(first);
  if (old != nullptr) writer.reserve(old->cells.size() + 16, old->names.size() + 256);
  for (std::uint32_t i = 0; i < kChunkTenants; ++i) {
    const TenantId tenant{first + i};
    const detail::TenantEntry before = old ? old->entry(i) : detail::TenantEntry{};
    detail::TenantEntry after = before;
    if (const std::optional<TenantId> t = changes.next(); t && *t == tenant) {
      if (!changes.change(tenant, after, digest)) return false;
      tenant_count_ += present(after.listed(), before.listed());
      shard_entries_ += present(!after.shard.empty(), !before.shard.empty());
      pin_entries_ += present(!after.pin.empty(), !before.pin.empty());
      named_ += present(!after.name.empty(), !before.name.empty());
      if (before.name != after.name) {
        if (!before.name.empty()) unnamed.push_back(tenant);
        if (!after.name.empty()) named.push_back(tenant);
      }
    }
    writer.put(after);
  }
  for (std::uint32_t gap = static_cast<std::uint32_t>(chunks_.size()); gap < c; ++gap)
    set_chunk(gap, detail::ChunkWriter(gap * kChunkTenants).finish());
  set_chunk(c, writer.finish());
  return true;
}

// The name index moved by the renamed tenants: their old names (as `base` holds them) out
// first, then the new ones in, so two tenants may swap names in one delta; an equal name
// already there refuses the delta. Made again whole (O(tenants), now and then) when it would
// fill past half its slots or a tenant id outgrows them.
bool RoutingTable::patch_names(const RoutingTable& base, std::span<const TenantId> unnamed,
                               std::span<const TenantId> named) {
  if (unnamed.empty() && named.empty()) return true;
  if (named_ == 0) {
    name_slots_.reset();
    return true;
  }
  const detail::NameSlots* slots = name_slots_.get();
  if (slots == nullptr || (slots->used() + named.size()) * 2 > slots->size() ||
      std::size_t{max_tenant_} + 3 > slots->size()) {
    std::optional<detail::NameSlots> index = detail::index_names(chunks_, named_, max_tenant_);
    if (!index) return false;
    name_slots_ = std::make_shared<const detail::NameSlots>(*index);
    return true;
  }
  auto changed = std::make_shared<detail::NameSlots>(*slots);
  const auto old_name = [&](TenantId t) { return base.tenant_name(t); };
  for (TenantId t : unnamed) {
    if (!changed->erase(base.tenant_name(t), t, old_name)) return false;
  }
  const auto new_name = [&](TenantId t) { return tenant_name(t); };
  for (TenantId t : named) {
    if (!changed->insert(tenant_name(t), t, new_name)) return false;
  }
  name_slots_ = std::move(changed);
  return true;
}

}  // namespace cellkit

// Tenant chunks and paged name slots: the parts of a routing table that versions share.
#include "core/tenant_chunks.h"

#include <cstring>

#include "core/name_slots.h"

namespace cellkit::detail {

TenantEntry TenantChunk::entry(std::uint32_t i) const {
  TenantEntry e{.name = name(i)};
  if (!is_pinned(i)) {
    e.shard = effective(i);
    return e;
  }
  e.pin = effective(i);
  const TenantId tenant{first + i};
  auto it = std::lower_bound(shadowed.ids.begin(), shadowed.ids.end(), tenant);
  if (it != shadowed.ids.end() && *it == tenant)
    e.shard = shadowed.shard(static_cast<std::size_t>(it - shadowed.ids.begin()));
  return e;
}

ChunkWriter::ChunkWriter(std::uint32_t first) : chunk_(std::make_shared<TenantChunk>()) {
  chunk_->first = first;
}

void ChunkWriter::reserve(std::size_t cells, std::size_t name_bytes) {
  chunk_->cells.reserve(cells);
  chunk_->names.reserve(name_bytes);
}

void ChunkWriter::put(const TenantEntry& entry) {
  TenantChunk& c = *chunk_;
  const std::span<const CellId> effective = entry.pin.empty() ? entry.shard : entry.pin;
  c.cells.insert(c.cells.end(), effective.begin(), effective.end());
  c.names += entry.name;
  if (!entry.pin.empty()) {
    c.pinned.push_back(static_cast<std::uint16_t>(next_));
    if (!entry.shard.empty()) c.shadowed.add(TenantId{c.first + next_}, entry.shard);
  }
  ++next_;
  c.start[next_] = static_cast<std::uint32_t>(c.cells.size());
  c.name_start[next_] = static_cast<std::uint32_t>(c.names.size());
}

std::shared_ptr<const TenantChunk> ChunkWriter::finish() {
  TenantChunk& c = *chunk_;
  for (std::uint32_t i = next_ + 1; i <= kChunkTenants; ++i) {
    c.start[i] = c.start[next_];
    c.name_start[i] = c.name_start[next_];
  }
  return std::move(chunk_);
}

namespace {

// Offsets [begin, end) of a flat list's entries for tenants first .. first + 4095 into
// `out` (offset i: tenant first + i's first item, relative to the chunk's), moving `at` past
// them; returns the items' range in the list.
template <class Offsets>
std::pair<std::uint32_t, std::uint32_t> chunk_offsets(
    std::uint32_t first, const std::vector<TenantId>& ids, const Offsets& offsets, std::size_t& at,
    std::array<std::uint32_t, kChunkTenants + 1>& out) {
  const std::uint32_t base = offsets[at];
  for (std::uint32_t i = 0; i < kChunkTenants; ++i) {
    out[i] = offsets[at] - base;
    if (at < ids.size() && raw(ids[at]) == first + i) ++at;
  }
  out[kChunkTenants] = offsets[at] - base;
  return {base, offsets[at]};
}

}  // namespace

std::shared_ptr<const TenantChunk> copy_chunk(std::uint32_t first, const ShardLists& shards,
                                              std::size_t& s, const NameList& names,
                                              std::size_t& n) {
  auto chunk = std::make_shared<TenantChunk>();
  chunk->first = first;
  const auto [cells_from, cells_to] =
      chunk_offsets(first, shards.ids, shards.start, s, chunk->start);
  chunk->cells.assign(shards.cells.begin() + cells_from, shards.cells.begin() + cells_to);
  const auto [names_from, names_to] =
      chunk_offsets(first, names.ids, names.offsets, n, chunk->name_start);
  chunk->names.assign(names.text, names_from, names_to - names_from);
  return chunk;
}

NameSlots::NameSlots(const std::vector<std::uint32_t>& flat, std::size_t names)
    : mask_(static_cast<std::uint32_t>(flat.size() - 1)), names_(names) {
  constexpr std::size_t kPage = std::size_t{1} << kPageBits;
  pages_.reserve(flat.size() / kPage);
  for (std::size_t at = 0; at < flat.size(); at += kPage) {
    auto page = std::make_shared<SlotPage>();
    std::memcpy(page->data(), flat.data() + at, kPage * sizeof(std::uint32_t));
    pages_.push_back(std::move(page));
  }
}

void NameSlots::set(std::size_t slot, std::uint32_t value) {
  const std::size_t p = slot >> kPageBits;
  if (own_.size() < pages_.size()) own_.resize(pages_.size());
  if (!own_[p]) {
    own_[p] = std::make_shared<SlotPage>(*pages_[p]);
    pages_[p] = own_[p];
  }
  (*own_[p])[slot & ((std::size_t{1} << kPageBits) - 1)] = value;
}

std::optional<NameSlots> index_names(std::span<const std::shared_ptr<const TenantChunk>> chunks,
                                     std::size_t names, std::uint32_t max_tenant) {
  // At least one page, and more slots than tenant ids + 1 (the low bits hold tenant + 1).
  const std::size_t wanted =
      std::max({(3 * names + 1) / 2, (std::size_t{max_tenant} + 3) / 2, std::size_t{1} << 11});
  std::vector<std::uint32_t> flat = name_slots(wanted);
  const auto name_of = [&](std::uint32_t tenant) {
    return chunks[tenant >> kChunkBits]->name(tenant & (kChunkTenants - 1));
  };
  for (const auto& chunk : chunks) {
    for (std::uint32_t i = 0; i < kChunkTenants; ++i) {
      if (chunk->name(i).empty()) continue;
      if (add_name(flat, chunk->first + i, name_of)) return std::nullopt;
    }
  }
  return NameSlots(flat, names);
}

}  // namespace cellkit::detail

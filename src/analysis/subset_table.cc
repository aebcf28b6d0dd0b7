// An open-addressing hash table with linear probing. Chosen over std::unordered_map (one
// allocation per node, 3-4x the memory at millions of subsets) and over sorting all subset
// keys (needs every occurrence in memory at once, not only the distinct ones).
#include "subset_table.h"

#include <bit>

namespace cellkit::analysis_internal {
namespace {

std::uint64_t mix(UInt128 key) {
  std::uint64_t h = static_cast<std::uint64_t>(key) ^
                    (static_cast<std::uint64_t>(key >> 64) * 0x9E3779B97F4A7C15ULL);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

SubsetKeys::SubsetKeys(std::size_t cell_count)
    : bits_(std::max(1u, static_cast<std::uint32_t>(std::bit_width(cell_count)))) {}

std::span<const UInt128> SubsetKeys::of(std::span<const std::uint32_t> shard) {
  const std::size_t masks = std::size_t{1} << shard.size();
  buffer_.resize(masks);
  buffer_[0] = 0;
  // The highest cell of a subset is its last chunk: key(mask) = key(mask − top) + top chunk.
  for (std::size_t mask = 1; mask < masks; ++mask) {
    const auto top = static_cast<std::uint32_t>(std::bit_width(mask) - 1);
    const auto position = static_cast<std::uint32_t>(std::popcount(mask) - 1);
    const UInt128 chunk = UInt128{shard[top] + 1u} << (bits_ * position);
    buffer_[mask] = buffer_[mask ^ (std::size_t{1} << top)] | chunk;
  }
  return {buffer_.data(), masks};
}

std::uint32_t SubsetKeys::size_of(UInt128 key) const {
  const auto high = static_cast<std::uint64_t>(key >> 64);
  const auto width =
      high != 0 ? 64 + std::bit_width(high) : std::bit_width(static_cast<std::uint64_t>(key));
  return (static_cast<std::uint32_t>(width) + bits_ - 1) / bits_;
}

std::vector<std::uint32_t> SubsetKeys::cells_of(UInt128 key) const {
  std::vector<std::uint32_t> cells;
  const UInt128 chunk_mask = (UInt128{1} << bits_) - 1;
  for (; key != 0; key >>= bits_)
    cells.push_back(static_cast<std::uint32_t>(key & chunk_mask) - 1);
  return cells;
}

SubsetTable SubsetTable::build(const CompactMapping& m, SubsetKeys& keys) {
  SubsetTable table;
  table.slots_.resize(std::size_t{1} << 16);
  table.mask_ = table.slots_.size() - 1;
  for (std::size_t t = 0; t < m.tenant_count(); ++t) {
    const std::span<const UInt128> subset_keys = keys.of(m.shard(t));
    for (std::size_t mask = 1; mask < subset_keys.size(); ++mask)
      table.add(subset_keys[mask], mask == subset_keys.size() - 1);
  }
  return table;
}

std::size_t SubsetTable::slot_of(UInt128 key) const {
  std::size_t slot = mix(key) & mask_;
  while (slots_[slot].key != 0 && slots_[slot].key != key)
    slot = (slot + 1) & mask_;
  return slot;
}

const SubsetTable::Entry* SubsetTable::find(UInt128 key) const {
  const Entry& entry = slots_[slot_of(key)];
  return entry.key == key ? &entry : nullptr;
}

void SubsetTable::add(UInt128 key, bool whole_shard) {
  Entry& entry = slots_[slot_of(key)];
  if (entry.key == 0) {
    entry.key = key;
    ++size_;
  }
  ++entry.count;
  entry.exact += whole_shard ? 1 : 0;
  if (size_ * 2 > slots_.size()) grow();
}

void SubsetTable::grow() {
  std::vector<Entry> old(slots_.size() * 2);
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const Entry& entry : old) {
    if (entry.key != 0) slots_[slot_of(entry.key)] = entry;
  }
}

}  // namespace cellkit::analysis_internal

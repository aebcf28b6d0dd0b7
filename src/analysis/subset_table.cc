// Subset counts: dense arrays for small subsets, a hash table for the rest.
#include "subset_table.h"

#include <bit>
#include <utility>

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

SubsetTable::SubsetTable(std::size_t cell_count, const SubsetKeys& keys, std::size_t expected)
    : keys_(keys), cells_(cell_count), singles_(cell_count) {
  if (cell_count <= kMaxDensePairCells) pairs_.resize(cell_count * cell_count);
  // Sized for every expected subset distinct at a load of at most 0.7, so it rarely grows;
  // capped at 16M slots (384 MB): a bound that large usually counts repeats, past it, grow.
  std::size_t slots = std::size_t{1} << 10;
  while (slots * 7 < expected * 10 && slots < (std::size_t{1} << 24))
    slots *= 2;
  slots_.resize(slots);
  mask_ = slots - 1;
}

SubsetTable SubsetTable::build(const CompactMapping& m, SubsetKeys& keys) {
  std::size_t hashed = 0;
  for (std::size_t t = 0; t < m.tenant_count(); ++t) {
    const std::size_t k = m.shard(t).size();
    hashed += (std::size_t{1} << k) - 1 - k -
              (m.cell_count() <= kMaxDensePairCells ? k * (k - 1) / 2 : 0);
  }
  SubsetTable table(m.cell_count(), keys, hashed);
  SubsetKeys ahead(m.cell_count());
  for (std::size_t t = 0; t < m.tenant_count(); ++t) {
    if (t + kPrefetchDistance < m.tenant_count())
      table.prefetch(m.shard(t + kPrefetchDistance), ahead);
    const std::span<const UInt128> subset_keys = keys.of(m.shard(t));
    const std::size_t full = subset_keys.size() - 1;
    for (std::size_t mask = 1; mask <= full; ++mask) {
      Counts* counts = table.dense(subset_keys[mask]);
      if (counts == nullptr) counts = &table.insert(subset_keys[mask]);
      ++counts->count;
      counts->exact += mask == full ? 1 : 0;
    }
  }
  return table;
}

// Singles and (when dense) pairs; nullptr for larger subsets.
const SubsetTable::Counts* SubsetTable::dense(UInt128 key) const {
  const std::uint32_t bits = keys_.bits();
  if ((key >> bits) == 0) return &singles_[static_cast<std::size_t>(key) - 1];
  if (pairs_.empty() || (key >> (2 * bits)) != 0) return nullptr;
  const UInt128 chunk = (UInt128{1} << bits) - 1;
  const auto a = static_cast<std::size_t>(key & chunk) - 1;
  const auto b = static_cast<std::size_t>(key >> bits) - 1;
  return &pairs_[a * cells_ + b];
}

SubsetTable::Counts* SubsetTable::dense(UInt128 key) {
  return const_cast<Counts*>(std::as_const(*this).dense(key));
}

std::size_t SubsetTable::slot_of(UInt128 key) const {
  std::size_t slot = mix(key) & mask_;
  const auto lo = static_cast<std::uint64_t>(key);
  const auto hi = static_cast<std::uint64_t>(key >> 64);
  for (;;) {
    const Slot& s = slots_[slot];
    if ((s.lo == lo && s.hi == hi) || (s.lo == 0 && s.hi == 0)) return slot;
    slot = (slot + 1) & mask_;
  }
}

void SubsetTable::prefetch(std::span<const std::uint32_t> shard, SubsetKeys& scratch) const {
  const std::span<const UInt128> keys = scratch.of(shard);
  for (std::size_t mask = 1; mask < keys.size(); ++mask) {
    const Counts* counts = dense(keys[mask]);
    if (counts != nullptr) {
      __builtin_prefetch(counts);
    } else {
      __builtin_prefetch(&slots_[mix(keys[mask]) & mask_]);
    }
  }
}

const SubsetTable::Counts* SubsetTable::find(UInt128 key) const {
  if (const Counts* counts = dense(key)) return counts->count > 0 ? counts : nullptr;
  const Slot& slot = slots_[slot_of(key)];
  return slot.lo == 0 && slot.hi == 0 ? nullptr : &slot.counts;
}

SubsetTable::Counts& SubsetTable::insert(UInt128 key) {
  if ((size_ + 1) * 10 > slots_.size() * 7) grow();
  Slot& slot = slots_[slot_of(key)];
  if (slot.lo == 0 && slot.hi == 0) {
    slot.lo = static_cast<std::uint64_t>(key);
    slot.hi = static_cast<std::uint64_t>(key >> 64);
    ++size_;
  }
  return slot.counts;
}

void SubsetTable::grow() {
  HugeVector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.lo != 0 || slot.hi != 0) slots_[slot_of(key_of(slot))] = slot;
  }
}

}  // namespace cellkit::analysis_internal

// Counts, for every subset of cells that occurs inside some shard, how many shards contain
// it and how many shards are exactly it. Private to the analysis module.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cellkit/analysis/exact.h"
#include "compact_mapping.h"
#include "huge_pages.h"

namespace cellkit::analysis_internal {

// Packs a sorted set of cell indices into one exact key: (index + 1) in `bits` bits each,
// the first cell lowest. Every chunk is non-zero, so the key also tells the set's size.
class SubsetKeys {
 public:
  explicit SubsetKeys(std::size_t cell_count);
  // keys[mask] for every mask of the shard's cells (keys[0] = 0, the empty set). Reuses
  // the returned buffer between calls.
  std::span<const UInt128> of(std::span<const std::uint32_t> shard);
  // The number of cells in the set a key stands for.
  std::uint32_t size_of(UInt128 key) const;
  // Cell indices of the set, increasing.
  std::vector<std::uint32_t> cells_of(UInt128 key) const;
  std::uint32_t bits() const { return bits_; }

 private:
  std::uint32_t bits_;
  std::vector<UInt128> buffer_;
};

// Subsets of one and two cells live in dense arrays (when the fleet has at most
// kMaxDensePairCells cells); larger ones in an open-addressing hash table with linear probing.
// Chosen over std::unordered_map (a node per subset, 3-4x the memory at millions of subsets)
// and over sorting all subset occurrences (every occurrence in memory at once).
class SubsetTable {
 public:
  static constexpr std::size_t kMaxDensePairCells = 4096;

  struct Counts {
    std::uint32_t count = 0;  // shards containing the subset
    std::uint32_t exact = 0;  // shards equal to the subset
  };

  // Adds every non-empty subset of every shard of the mapping.
  static SubsetTable build(const CompactMapping& m, SubsetKeys& keys);

  // nullptr when no shard contains the subset.
  const Counts* find(UInt128 key) const;
  // Starts loading the counts of every subset of the shard, for finds a little later. The
  // table is larger than the caches; overlapping the misses of the next few tenants with
  // the work on this one hides most of their latency. `scratch` holds the keys.
  void prefetch(std::span<const std::uint32_t> shard, SubsetKeys& scratch) const;
  // How many tenants ahead loops prefetch.
  static constexpr std::size_t kPrefetchDistance = 4;
  // Calls f(subset size, counts) for every subset some shard contains, in no set order.
  template <class F>
  void for_each(F f) const {
    for (const Counts& c : singles_)
      f(1u, c);
    for (const Counts& c : pairs_)
      f(2u, c);
    for (const Slot& slot : slots_) {
      if (slot.lo != 0 || slot.hi != 0) f(keys_.size_of(key_of(slot)), slot.counts);
    }
  }

 private:
  // The key as two halves: 24 bytes a slot rather than 32 with a 16-byte-aligned UInt128.
  struct Slot {
    std::uint64_t lo = 0, hi = 0;  // both 0: empty (the empty set is never stored)
    Counts counts;
  };
  static UInt128 key_of(const Slot& s) { return (UInt128{s.hi} << 64) | s.lo; }

  SubsetTable(std::size_t cell_count, const SubsetKeys& keys, std::size_t expected);
  Counts* dense(UInt128 key);
  const Counts* dense(UInt128 key) const;
  Counts& insert(UInt128 key);
  void grow();
  std::size_t slot_of(UInt128 key) const;

  SubsetKeys keys_;
  std::size_t cells_;
  std::vector<Counts> singles_;  // by cell index
  HugeVector<Counts> pairs_;     // by a·cells + b, a < b; empty when the fleet is too large
  HugeVector<Slot> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
};

}  // namespace cellkit::analysis_internal

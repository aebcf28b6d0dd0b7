// Counts, for every subset of cells that occurs inside some shard, how many shards contain
// it and how many shards are exactly it. Private to the analysis module.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cellkit/analysis/exact.h"
#include "compact_mapping.h"

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

 private:
  std::uint32_t bits_;
  std::vector<UInt128> buffer_;
};

class SubsetTable {
 public:
  struct Entry {
    UInt128 key = 0;          // 0 marks an empty slot (the empty set is never stored)
    std::uint32_t count = 0;  // shards containing the subset
    std::uint32_t exact = 0;  // shards equal to the subset
  };

  // Adds every non-empty subset of every shard of the mapping.
  static SubsetTable build(const CompactMapping& m, SubsetKeys& keys);

  // nullptr when no shard contains the subset.
  const Entry* find(UInt128 key) const;
  std::span<const Entry> slots() const { return slots_; }  // includes empty slots (key 0)
  std::size_t size() const { return size_; }

 private:
  void add(UInt128 key, bool whole_shard);
  void grow();
  std::size_t slot_of(UInt128 key) const;

  std::vector<Entry> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
};

}  // namespace cellkit::analysis_internal

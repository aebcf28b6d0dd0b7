// UsedSubsets: which (m+1)-subsets of cells some shard already uses, for bounded overlap.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "cellkit/base/ids.h"
#include "core/flat_counter.h"

namespace cellkit {

// Records the (m+1)-subsets of accepted shards. Two shards share more than m cells exactly
// when they share an (m+1)-subset, so refusing any reuse bounds every pair's overlap by m.
class UsedSubsets {
 public:
  // `max_overlap` is m. Subsets of m+1 cells are keyed exactly (sorted ids packed in 64 bits)
  // when the ids fit, else by xxHash64 of the sorted ids; keys are counted, so a hash
  // collision can only refuse a shard that would have fitted, never admit a violation.
  // Requires max_overlap <= 15 (asserts; validate() refuses more).
  explicit UsedSubsets(std::uint32_t max_overlap);

  std::uint32_t max_overlap() const { return m_; }
  // True when no (m+1)-subset of `chosen` ∪ {cell} that contains `cell` is in use.
  // `chosen` must not contain `cell`.
  bool fits_with(std::span<const CellId> chosen, CellId cell) const;
  // True when no (m+1)-subset of the shard is in use.
  bool fits(std::span<const CellId> shard) const;
  void add(std::span<const CellId> shard);
  // Requires that the shard was added (asserts).
  void remove(std::span<const CellId> shard);
  std::size_t used_subsets() const { return used_.size(); }
  // Makes room for the subsets of `shards` shards of `shard_size` cells.
  void reserve(std::size_t shards, std::size_t shard_size);

 private:
  std::uint64_t key(std::span<const CellId> subset) const;
  // Calls f(key) for every (m+1)-subset of `cells` that contains cells[pinned] (or every
  // subset when pinned == npos); returns false as soon as f does.
  template <class F>
  bool each_subset(std::span<const CellId> cells, std::size_t pinned, F&& f) const;

  std::uint32_t m_;
  FlatCounter<std::uint64_t> used_;
};

}  // namespace cellkit

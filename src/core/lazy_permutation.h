// LazyPermutation: Fisher–Yates drawn one element at a time, without copying the items.
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "cellkit/base/ids.h"
#include "cellkit/base/random.h"

namespace cellkit {

// next() returns the elements of `items` in a uniformly random order, drawing exactly as a
// partial Fisher–Yates (uniform_int(i, n−1), swap) would, so results match sample_distinct.
// Only displaced positions are stored: O(draws) memory, not O(n).
class LazyPermutation {
 public:
  explicit LazyPermutation(std::span<const CellId> items) : items_(items) {}

  bool done() const { return next_ == items_.size(); }
  std::size_t drawn() const { return next_; }
  // Requires !done().
  CellId next(Random& random) {
    const auto j = static_cast<std::size_t>(random.uniform_int(next_, items_.size() - 1));
    const CellId value = at(j);
    set(j, at(next_));
    ++next_;
    return value;
  }

 private:
  CellId at(std::size_t i) const {
    for (auto it = moved_.rbegin(); it != moved_.rend(); ++it) {
      if (it->first == i) return it->second;
    }
    return items_[i];
  }
  void set(std::size_t i, CellId value) { moved_.push_back({i, value}); }

  std::span<const CellId> items_;
  std::size_t next_ = 0;
  std::vector<std::pair<std::size_t, CellId>> moved_;
};

}  // namespace cellkit

// DonorQueue: the rebalance planner's donors while it fills new cells, most loaded first.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "cellkit/base/ids.h"

namespace cellkit {

// The cells of each group (a zone, or one group for the fleet) whose load is above the
// group's share, ordered by load, most first, then by cell id, least first: first() is the
// rule "the most-loaded donor above the share, the lowest id among equals" in O(log n)
// (plus the cells it skips) where a scan of every cell was O(n) per pick. Loads are told to
// the queue as they change; a cell at or below its group's share leaves it until told a
// higher load.
class DonorQueue {
 public:
  // `shares[g]`: the share of group g; a cell is a donor while its load exceeds it.
  explicit DonorQueue(std::vector<std::uint64_t> shares)
      : shares_(std::move(shares)), by_group_(shares_.size()) {}

  // Sets the load of `cell`, a cell of `group`.
  void set(CellId cell, std::uint32_t group, std::uint64_t load) {
    const std::uint32_t c = raw(cell);
    if (c >= load_.size()) {
      load_.resize(c + 1, kAbsent);
      group_.resize(c + 1, 0);
    }
    if (load_[c] != kAbsent) by_group_[group_[c]].erase(key(load_[c], c));
    group_[c] = group;
    load_[c] = load > shares_[group] ? load : kAbsent;
    if (load_[c] != kAbsent) by_group_[group].insert(key(load, c));
  }

  // Calls visit(cell) for every donor of `group`, in the queue's order.
  template <class Visit>
  void for_each(std::uint32_t group, Visit visit) const {
    for (const auto& [inverse_load, c] : by_group_[group])
      visit(CellId{c});
  }

  // The first donor of `group` in the queue's order for which skip(cell) is false, or nothing.
  // skip is called on the donors in that order, each once, until it returns false; it may
  // change anything but this queue.
  template <class Skip>
  std::optional<CellId> first(std::uint32_t group, Skip skip) const {
    for (const auto& [inverse_load, c] : by_group_[group]) {
      if (!skip(CellId{c})) return CellId{c};
    }
    return std::nullopt;
  }

 private:
  static constexpr std::uint64_t kAbsent = 0;  // no donor has load 0: it is above a share
  // Ascending order of (~load, id) is descending load, then ascending id.
  static std::pair<std::uint64_t, std::uint32_t> key(std::uint64_t load, std::uint32_t c) {
    return {~load, c};
  }

  std::vector<std::uint64_t> shares_;
  std::vector<std::set<std::pair<std::uint64_t, std::uint32_t>>> by_group_;
  std::vector<std::uint64_t> load_;   // by raw cell id: the load queued, kAbsent when none
  std::vector<std::uint32_t> group_;  // by raw cell id
};

}  // namespace cellkit

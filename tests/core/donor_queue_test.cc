// DonorQueue picks what the rebalance planner's scan of every cell picked, on random loads.
#include "core/donor_queue.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace cellkit {
namespace {

// The planner's old rule, kept as the reference: scan the cells by id; among those of the
// group above its share and not skipped, the first with the largest load.
std::optional<CellId> scan(const std::vector<std::uint64_t>& load,
                           const std::vector<std::uint32_t>& group, std::uint32_t g,
                           std::uint64_t share, const std::vector<bool>& skipped) {
  std::optional<std::uint32_t> best;
  for (std::uint32_t c = 0; c < load.size(); ++c) {
    if (group[c] != g || load[c] <= share || skipped[c]) continue;
    if (!best || load[c] > load[*best]) best = c;
  }
  return best ? std::optional<CellId>(CellId{*best}) : std::nullopt;
}

TEST(DonorQueue, PicksTheMostLoadedThenTheLowestIdAndForgetsCellsAtTheShare) {
  DonorQueue q({3});
  q.set(CellId{4}, 0, 7);
  q.set(CellId{2}, 0, 7);
  q.set(CellId{1}, 0, 3);  // at the share: no donor
  const auto none = [](CellId) { return false; };
  EXPECT_EQ(q.first(0, none), CellId{2});
  EXPECT_EQ(q.first(0, [](CellId c) { return c == CellId{2}; }), CellId{4});
  q.set(CellId{2}, 0, 3);
  EXPECT_EQ(q.first(0, none), CellId{4});
  q.set(CellId{4}, 0, 2);
  EXPECT_EQ(q.first(0, none), std::nullopt);
}

TEST(DonorQueue, VisitsTheDonorsOfAGroupInItsOrder) {
  DonorQueue q({3, 0});
  q.set(CellId{5}, 0, 4);
  q.set(CellId{2}, 0, 9);
  q.set(CellId{1}, 1, 1);
  q.set(CellId{7}, 0, 4);
  q.set(CellId{3}, 0, 3);  // at the share: no donor
  std::vector<CellId> visited;
  q.for_each(0, [&](CellId c) { visited.push_back(c); });
  EXPECT_EQ(visited, (std::vector<CellId>{CellId{2}, CellId{5}, CellId{7}}));
}

// Random groups, shares and loads; then picks with random cells skipped, each followed by a
// change of the picked cell's load (a move off it, or any other value): every pick equals
// the scan's.
RC_GTEST_PROP(DonorQueue, EveryPickIsTheScansPick,
              (std::vector<std::pair<std::uint8_t, std::uint8_t>> cells,
               std::vector<std::pair<std::uint8_t, std::uint8_t>> picks)) {
  const std::vector<std::uint64_t> shares = {2, 5, 0};
  std::vector<std::uint64_t> load;
  std::vector<std::uint32_t> group;
  DonorQueue q(shares);
  for (const auto& [l, g] : cells) {
    const auto c = static_cast<std::uint32_t>(load.size());
    load.push_back(l % 12);  // small loads: many ties
    group.push_back(g % 3);
    q.set(CellId{c}, group[c], load[c]);
  }
  for (const auto& [pick, change] : picks) {
    const std::uint32_t g = pick % 3;
    std::vector<bool> skipped(load.size());
    for (std::size_t c = 0; c < load.size(); ++c)
      skipped[c] = (c * 7 + pick) % 5 == 0;  // a fifth of the cells, a different fifth each time
    const auto skip = [&](CellId c) { return static_cast<bool>(skipped[raw(c)]); };
    const std::optional<CellId> got = q.first(g, skip);
    RC_ASSERT(got == scan(load, group, g, shares[g], skipped));
    if (!got) continue;
    const std::uint32_t c = raw(*got);
    load[c] = change % 4 == 0 ? change % 12 : load[c] - 1;  // mostly one tenant moved off
    q.set(*got, group[c], load[c]);
  }
}

}  // namespace
}  // namespace cellkit

#include "cellkit/core/placement.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace cellkit {
namespace {

Fleet fleet_of(std::uint32_t n) {
  Fleet fleet;
  for (std::uint32_t i = 0; i < n; ++i) {
    EXPECT_TRUE(fleet.add({.id = CellId{i}, .name = "cell-" + std::to_string(i)}).is_ok());
  }
  return fleet;
}

TEST(RandomPlacement, ChoosesKDistinctPlaceableCells) {
  Fleet fleet = fleet_of(6);
  fleet.cell(CellId{2}).healthy = false;
  fleet.cell(CellId{4}).state = CellState::kDraining;
  RandomPlacement strategy;
  Random random(1);
  for (int i = 0; i < 200; ++i) {
    Result<Shard> shard = strategy.choose(fleet, {}, {.name = "t", .shard_size = 3}, random);
    ASSERT_TRUE(shard.is_ok());
    ASSERT_EQ(shard->size(), 3u);
    std::set<CellId> distinct(shard->begin(), shard->end());
    EXPECT_EQ(distinct.size(), 3u);
    EXPECT_EQ(distinct.count(CellId{2}), 0u) << "unhealthy cell chosen";
    EXPECT_EQ(distinct.count(CellId{4}), 0u) << "draining cell chosen";
  }
}

TEST(RandomPlacement, RefusesWhenFewerThanKCellsArePlaceable) {
  Fleet fleet = fleet_of(3);
  fleet.cell(CellId{0}).healthy = false;
  RandomPlacement strategy;
  Random random(1);
  Result<Shard> shard = strategy.choose(fleet, {}, {.name = "tenant-4", .shard_size = 3}, random);
  ASSERT_FALSE(shard.is_ok());
  EXPECT_EQ(shard.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(shard.status().message(),
            "tenant 'tenant-4' needs 3 cells but only 2 healthy active cells exist");
}

TEST(RandomPlacement, RefusesZeroCells) {
  RandomPlacement strategy;
  Random random(1);
  EXPECT_EQ(
      strategy.choose(fleet_of(2), {}, {.name = "t", .shard_size = 0}, random).status().code(),
      StatusCode::kInvalidArgument);
}

TEST(RandomPlacement, SameSeedSameShards) {
  RandomPlacement strategy;
  Random a(9), b(9);
  const Fleet fleet = fleet_of(10);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(*strategy.choose(fleet, {}, {.shard_size = 2}, a),
              *strategy.choose(fleet, {}, {.shard_size = 2}, b));
  }
}

TEST(RandomPlacement, EveryPairIsReachable) {
  RandomPlacement strategy;
  Random random(3);
  const Fleet fleet = fleet_of(4);
  std::set<std::pair<CellId, CellId>> seen;
  for (int i = 0; i < 500; ++i) {
    Shard s = *strategy.choose(fleet, {}, {.shard_size = 2}, random);
    std::sort(s.begin(), s.end());
    seen.insert({s[0], s[1]});
  }
  EXPECT_EQ(seen.size(), 6u);
}

RC_GTEST_PROP(SampleDistinct, ReturnsKDistinctMembersOfThePool, (std::uint64_t seed)) {
  const auto n = *rc::gen::inRange<std::uint32_t>(1, 40);
  const auto k = *rc::gen::inRange<std::uint32_t>(0, n + 1);
  std::vector<CellId> pool;
  for (std::uint32_t i = 0; i < n; ++i)
    pool.push_back(CellId{i * 3});
  Random random(seed);
  const Shard s = sample_distinct(pool, k, random);
  RC_ASSERT(s.size() == k);
  RC_ASSERT(std::set<CellId>(s.begin(), s.end()).size() == k);
  for (CellId c : s)
    RC_ASSERT(std::find(pool.begin(), pool.end(), c) != pool.end());
}

}  // namespace
}  // namespace cellkit

#include "cellkit/core/placement_summary.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/placement_test_support.h"

namespace cellkit {
namespace {

using namespace testing_support;

// The obviously-correct O(T²) reference.
std::vector<std::uint64_t> brute_force(const Mapping& m, std::size_t k) {
  std::vector<std::uint64_t> n(k + 1, 0);
  std::vector<Shard> shards;
  for (const auto& [t, s] : m)
    shards.push_back(s);
  for (std::size_t i = 0; i < shards.size(); ++i) {
    for (std::size_t j = i + 1; j < shards.size(); ++j) {
      std::size_t o = 0;
      for (CellId c : shards[i])
        o += std::count(shards[j].begin(), shards[j].end(), c);
      ++n[o];
    }
  }
  return n;
}

TEST(Summary, EightCellsShardTwoAllPairsGiveThePublishedCounts) {
  // 28 tenants on the 28 distinct pairs of 8 cells: P0=15/28, P1=12/28, P2=0 (all distinct).
  Placement p{.fleet = fleet_of(8)};
  std::uint32_t t = 0;
  for (std::uint32_t a = 0; a < 8; ++a) {
    for (std::uint32_t b = a + 1; b < 8; ++b, ++t) {
      p.tenants.push_back({.id = TenantId{t}, .name = std::to_string(t)});
      p.mapping.assign(TenantId{t}, {CellId{a}, CellId{b}});
    }
  }
  const PlacementSummary s = summarize(p);
  EXPECT_EQ(s.pairs_by_overlap, (std::vector<std::uint64_t>{210, 168, 0}));
  EXPECT_EQ(s.load.min, 7u);
  EXPECT_EQ(s.load.max, 7u);
  EXPECT_DOUBLE_EQ(s.load.mean, 7.0);
}

TEST(Summary, SkipsTheHistogramBeyondTheWorkLimit) {
  Placement p = *place(fleet_of(10), tenants_of(20, 3), {});
  EXPECT_TRUE(summarize(p, 100).pairs_by_overlap.empty());
  EXPECT_EQ(summarize(p, 140).pairs_by_overlap.size(), 4u);
}

TEST(PlacementFill, IsPlacedOverTheBoundUnderAnOverlapLimit) {
  // N = 30, k = 4, m = 2: bound C(30,3)/C(4,3) = 4060/4 = 1015.
  const Placement p =
      *place(fleet_of(30), tenants_of(100, 4), {.strategy = Strategy::kShuffle, .max_overlap = 2});
  const std::optional<PlacementFill> fill = placement_fill(p);
  ASSERT_TRUE(fill.has_value());
  EXPECT_EQ(fill->placed, 100u);
  EXPECT_EQ(fill->bound, 1015u);
  EXPECT_DOUBLE_EQ(fill->fraction(), 100.0 / 1015.0);
}

TEST(PlacementFill, IsNoneWithoutALimitOrWithMixedShardSizes) {
  EXPECT_FALSE(placement_fill(*place(fleet_of(30), tenants_of(10, 4), {})).has_value());
  std::vector<Tenant> mixed = tenants_of(10, 4);
  mixed[3].shard_size = 3;
  const Placement p =
      *place(fleet_of(30), std::move(mixed), {.strategy = Strategy::kShuffle, .max_overlap = 2});
  EXPECT_FALSE(placement_fill(p).has_value());
}

// 40 tenants of 8 cells drawn from the top 12 of 1,000 cells: indices of 10 bits, so a
// subset's key runs past the first 64 bits, and many pairs share several cells.
TEST(Summary, CountsExactlyWhenASubsetKeyCrossesSixtyFourBits) {
  Placement p{.fleet = fleet_of(1000)};
  for (std::uint32_t t = 0; t < 40; ++t) {
    Shard shard;
    for (std::uint32_t i = 0; i < 8; ++i)
      shard.push_back(CellId{988 + (t * 5 + i * (1 + t % 3)) % 12});
    std::sort(shard.begin(), shard.end());
    shard.erase(std::unique(shard.begin(), shard.end()), shard.end());
    p.tenants.push_back({.id = TenantId{t}, .name = std::to_string(t)});
    p.mapping.assign(TenantId{t}, shard);
  }
  const std::size_t k = 8;
  EXPECT_EQ(summarize(p).pairs_by_overlap, brute_force(p.mapping, k));
}

TEST(Summary, LeavesTheHistogramOutWhenAShardDoesNotFitAnExactKey) {
  // 13 cells of 10 bits each: 130 bits.
  const Placement p = *place(fleet_of(1000), tenants_of(3, 13), {});
  EXPECT_TRUE(summarize(p).pairs_by_overlap.empty());
  const Placement q = *place(fleet_of(1000), tenants_of(3, 12), {});
  EXPECT_EQ(summarize(q).pairs_by_overlap, brute_force(q.mapping, 12));
}

// Cells 5 and 6 are not in the 4-cell fleet: as indices they would both be "past the end",
// and the two tenants would seem to share two cells where they share one.
TEST(Summary, LeavesTheHistogramOutWhenAShardHoldsACellOutsideTheFleet) {
  Placement p{.fleet = fleet_of(4)};
  p.tenants = {{.id = TenantId{0}, .name = "a"}, {.id = TenantId{1}, .name = "b"}};
  p.mapping.assign(TenantId{0}, Shard{CellId{0}, CellId{5}});
  p.mapping.assign(TenantId{1}, Shard{CellId{0}, CellId{6}});
  EXPECT_TRUE(summarize(p).pairs_by_overlap.empty());
}

RC_GTEST_PROP(Summary, HistogramMatchesPairwiseCounting, ()) {
  const auto n = *rc::gen::inRange<std::uint32_t>(4, 12);
  const auto k = *rc::gen::inRange<std::uint32_t>(1, 5);
  Placement p = *place(fleet_of(n), tenants_of(*rc::gen::inRange<std::uint32_t>(0, 40), k),
                       {.seed = *rc::gen::arbitrary<std::uint64_t>()});
  const PlacementSummary s = summarize(p);
  if (p.mapping.empty()) return;
  RC_ASSERT(s.pairs_by_overlap == brute_force(p.mapping, k));
}

TEST(IdenticalGroups, CountsGroupsPairsAndWhatRandomPlacementWouldGive) {
  // 8 cells, shards of 2: tenants 0-2 on {0,1}, 3-4 on {1,0} (the same set), 5 on {2,3}.
  Placement p{.fleet = fleet_of(8)};
  const std::vector<Shard> shards = {{CellId{0}, CellId{1}}, {CellId{0}, CellId{1}},
                                     {CellId{0}, CellId{1}}, {CellId{1}, CellId{0}},
                                     {CellId{1}, CellId{0}}, {CellId{2}, CellId{3}}};
  for (std::uint32_t t = 0; t < shards.size(); ++t) {
    p.tenants.push_back({.id = TenantId{t}, .name = std::to_string(t), .shard_size = 2});
    p.mapping.assign(TenantId{t}, shards[t]);
  }
  const IdenticalGroups g = identical_groups(p);
  EXPECT_EQ(g.largest, 5u);
  EXPECT_EQ(g.groups, 1u);
  EXPECT_EQ(g.pairs, 10u);
  EXPECT_DOUBLE_EQ(g.expected_pairs_if_random, 15.0 / 28.0);  // C(6,2) / C(8,2)
  EXPECT_TRUE(g.worse_than_random());
}

TEST(IdenticalGroups, LeastLoadedOnAHundredCellsMakesNoIdenticalGroups) {
  // Ties broken by id put these 1,000 tenants into 25 groups of 40 identical shards.
  Result<Placement> p =
      place(fleet_of(100), tenants_of(1000, 4), {.strategy = Strategy::kLeastLoaded, .seed = 1});
  ASSERT_TRUE(p.is_ok());
  const IdenticalGroups g = identical_groups(*p);
  EXPECT_FALSE(g.worse_than_random());
  EXPECT_LE(g.largest, 2u);
  const LoadSpread load = load_spread(*p);
  EXPECT_EQ(load.min, 40u);
  EXPECT_EQ(load.max, 40u);
}

}  // namespace
}  // namespace cellkit

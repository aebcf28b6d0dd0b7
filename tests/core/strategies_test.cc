#include "cellkit/core/strategies.h"

#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cellkit/core/control_plane.h"
#include "cellkit/core/placement_ops.h"
#include "core/placement_test_support.h"

namespace cellkit {
namespace {

Fleet fleet_of(std::uint32_t n, std::uint16_t zones = 1, std::uint32_t capacity = 0) {
  Fleet fleet;
  for (std::uint32_t i = 0; i < n; ++i) {
    EXPECT_TRUE(fleet
                    .add({.id = CellId{i},
                          .name = "cell-" + std::to_string(i),
                          .zone = ZoneId{static_cast<std::uint16_t>(i % zones)},
                          .capacity = capacity})
                    .is_ok());
  }
  return fleet;
}

std::unique_ptr<PlacementStrategy> strategy(PlacementOptions o) {
  auto s = make_strategy(o);
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return std::move(s).value();
}

Tenant tenant(std::uint32_t id, std::uint32_t k, std::uint32_t weight = 1) {
  return {.id = TenantId{id},
          .name = "tenant-" + std::to_string(id),
          .shard_size = k,
          .weight = weight};
}

// Places tenants 0..count-1 with shard size k; fails the test on a refusal.
std::vector<Shard> place_all(PlacementStrategy& s, const Fleet& fleet, std::uint32_t count,
                             std::uint32_t k, std::uint64_t seed = 1) {
  Random random(seed);
  std::vector<Shard> shards;
  for (std::uint32_t t = 0; t < count; ++t) {
    Result<Shard> shard = s.choose(fleet, {}, tenant(t, k), random);
    EXPECT_TRUE(shard.is_ok()) << shard.status().message();
    if (!shard.is_ok()) break;
    shards.push_back(*shard);
  }
  return shards;
}

std::size_t overlap(Shard a, Shard b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  Shard both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  return both.size();
}

std::map<CellId, int> loads(const std::vector<Shard>& shards) {
  std::map<CellId, int> load;
  for (const Shard& s : shards)
    for (CellId c : s)
      ++load[c];
  return load;
}

TEST(Strategies, NamesParseBackAndUnknownNamesDoNot) {
  for (std::string_view name : strategy_names())
    EXPECT_EQ(to_string(*parse_strategy(name)), name);
  EXPECT_EQ(parse_strategy("least-loaded"), Strategy::kLeastLoaded);
  EXPECT_EQ(parse_strategy("design"), Strategy::kDesign);
  EXPECT_EQ(parse_strategy("hash"), std::nullopt);
  EXPECT_EQ(parse_strategy("Shuffle"), std::nullopt);
}

TEST(Strategies, ValidateRefusesAHugeOverlapLimit) {
  EXPECT_EQ(validate({.strategy = Strategy::kShuffle, .max_overlap = 16}).message(),
            "max_overlap (16) must be at most 15");
}

TEST(Strategies, AnOverlapLimitFitsOnlyBelowTheShardSize) {
  EXPECT_TRUE(overlap_fits({.strategy = Strategy::kShuffle, .max_overlap = 2}, 3));
  EXPECT_FALSE(overlap_fits({.strategy = Strategy::kShuffle, .max_overlap = 3}, 3));
  EXPECT_FALSE(overlap_fits({.strategy = Strategy::kPacking, .max_overlap = 2}, 2));
  EXPECT_TRUE(overlap_fits({.strategy = Strategy::kRandom, .max_overlap = 5}, 3));  // no limit
}

TEST(Strategies, FactoryMakesEachNamedStrategy) {
  for (std::string_view name : strategy_names()) {
    EXPECT_EQ(strategy({.strategy = *parse_strategy(name)})->name(), name);
  }
}

TEST(Strategies, RandomDrawsLikeTheSeedsRandomPlacement) {
  const Fleet fleet = fleet_of(20);
  RandomPlacement seed_strategy;
  auto named = strategy({.strategy = Strategy::kRandom});
  Random a(5), b(5);
  for (std::uint32_t t = 0; t < 50; ++t) {
    EXPECT_EQ(*seed_strategy.choose(fleet, {}, tenant(t, 3), a),
              *named->choose(fleet, {}, tenant(t, 3), b));
  }
}

TEST(Strategies, EveryStrategyRefusesWhenTooFewCellsArePlaceable) {
  for (std::string_view name : strategy_names()) {
    auto s = strategy({.strategy = *parse_strategy(name), .max_overlap = 1});
    Random random(1);
    EXPECT_EQ(s->choose(fleet_of(2), {}, tenant(4, 3), random).status().message(),
              "tenant 'tenant-4' needs 3 cells but only 2 healthy active cells exist");
  }
}

TEST(LeastLoaded, KeepsLoadsWithinOneAndBreaksTiesWithTheSeededStream) {
  auto s = strategy({.strategy = Strategy::kLeastLoaded});
  const std::vector<Shard> shards = place_all(*s, fleet_of(10), 25, 3);
  auto again = strategy({.strategy = Strategy::kLeastLoaded});
  EXPECT_EQ(place_all(*again, fleet_of(10), 25, 3), shards);  // same seed, same shards
  // Not the lowest ids (ties by id gave {0,1,2} then {3,4,5}); the second shard avoids the
  // first's loaded cells.
  EXPECT_NE(shards[0], (Shard{CellId{0}, CellId{1}, CellId{2}}));
  for (CellId c : shards[1])
    EXPECT_EQ(std::count(shards[0].begin(), shards[0].end(), c), 0);
  const auto load = loads(shards);
  const auto [lo, hi] = std::minmax_element(load.begin(), load.end(),
                                            [](auto& a, auto& b) { return a.second < b.second; });
  EXPECT_LE(hi->second - lo->second, 1);
}

TEST(LeastLoaded, CountsTenantWeights) {
  auto s = strategy({.strategy = Strategy::kLeastLoaded});
  Random random(1);
  const Fleet fleet = fleet_of(3);
  const Shard heavy = *s->choose(fleet, {}, tenant(0, 1, 10), random);
  const Shard a = *s->choose(fleet, {}, tenant(1, 1, 4), random);
  const Shard b = *s->choose(fleet, {}, tenant(2, 1, 4), random);
  EXPECT_NE(a, heavy);
  EXPECT_NE(b, heavy);
  EXPECT_NE(a, b);
  // Loads 10, 4, 4: the light tenant goes to one of the cells of load 4.
  const Shard light = *s->choose(fleet, {}, tenant(3, 1, 1), random);
  EXPECT_TRUE(light == a || light == b);
}

TEST(LeastLoaded, ForgetFreesTheLoad) {
  auto s = strategy({.strategy = Strategy::kLeastLoaded});
  Random random(1);
  const Fleet fleet = fleet_of(2);
  const Shard first = *s->choose(fleet, {}, tenant(0, 1), random);
  const Shard second = *s->choose(fleet, {}, tenant(1, 1), random);
  EXPECT_NE(first, second);
  s->forget(TenantId{0}, first);
  EXPECT_EQ(*s->choose(fleet, {}, tenant(2, 1), random), first);
}

TEST(Capacity, IsNeverExceededAndRefusalIsClear) {
  for (std::string_view name : strategy_names()) {
    auto s = strategy({.strategy = *parse_strategy(name), .max_overlap = 1, .capacity = 3});
    const Fleet fleet = fleet_of(6);
    Random random(2);
    std::vector<Shard> shards;
    Status refusal;
    for (std::uint32_t t = 0; t < 20 && refusal.is_ok(); ++t) {
      Result<Shard> shard = s->choose(fleet, {}, tenant(t, 2), random);
      if (shard.is_ok()) {
        shards.push_back(*shard);
      } else {
        refusal = shard.status();
      }
    }
    for (const auto& [cell, load] : loads(shards))
      EXPECT_LE(load, 3) << name;
    EXPECT_EQ(refusal.code(), StatusCode::kResourceExhausted) << name;
    if (name != "shuffle" && name != "design" && name != "packing") {
      EXPECT_EQ(shards.size(), 9u) << name;
      EXPECT_EQ(refusal.message(),
                "tenant 'tenant-9' needs 2 cells but only 0 there can take it (placeable, below "
                "capacity)")
          << name;
    }
  }
}

TEST(Capacity, ACellsOwnCapacityWinsOverTheDefault) {
  Fleet fleet = fleet_of(2);
  fleet.cell(CellId{0}).capacity = 1;
  auto s = strategy({.strategy = Strategy::kLeastLoaded, .capacity = 5});
  const std::vector<Shard> shards = place_all(*s, fleet, 6, 1);
  EXPECT_EQ(loads(shards)[CellId{0}], 1);
  EXPECT_EQ(loads(shards)[CellId{1}], 5);
}

TEST(Rendezvous, IsStatelessAndSeeded) {
  auto a = strategy({.strategy = Strategy::kRendezvous, .seed = 3});
  auto b = strategy({.strategy = Strategy::kRendezvous, .seed = 3});
  auto c = strategy({.strategy = Strategy::kRendezvous, .seed = 4});
  const Fleet fleet = fleet_of(30);
  Random r1(1), r2(99);
  int differs = 0;
  for (std::uint32_t t = 0; t < 50; ++t) {
    const Shard x = *a->choose(fleet, {}, tenant(t, 3), r1);
    EXPECT_EQ(x, *b->choose(fleet, {}, tenant(t, 3), r2));
    differs += x != *c->choose(fleet, {}, tenant(t, 3), r1) ? 1 : 0;
  }
  EXPECT_GT(differs, 40);
}

// Every stateless rendezvous property in one pass over random fleets and tenants.
RC_GTEST_PROP(Rendezvous, AddingACellChangesAShardByAtMostThatCell, ()) {
  const auto n = *rc::gen::inRange<std::uint32_t>(2, 40);
  const auto k = *rc::gen::inRange<std::uint32_t>(1, n);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  auto s = strategy({.strategy = Strategy::kRendezvous, .seed = seed});
  Random random(0);
  const Fleet small = fleet_of(n), big = fleet_of(n + 1);
  for (std::uint32_t t = 0; t < 30; ++t) {
    Shard before = *s->choose(small, {}, tenant(t, k), random);
    Shard after = *s->choose(big, {}, tenant(t, k), random);
    const std::size_t same = overlap(before, after);
    RC_ASSERT(same + 1 >= k);
    if (same + 1 == k) RC_ASSERT(std::find(after.begin(), after.end(), CellId{n}) != after.end());
  }
}

RC_GTEST_PROP(Rendezvous, GrowingTheShardKeepsTheOldOneAsAPrefix, ()) {
  const auto n = *rc::gen::inRange<std::uint32_t>(3, 40);
  const auto k = *rc::gen::inRange<std::uint32_t>(1, n);
  const auto zones = *rc::gen::inRange<std::uint16_t>(1, 4);
  const bool zoned = *rc::gen::arbitrary<bool>();
  auto s = strategy({.strategy = Strategy::kRendezvous, .zone_aware = zoned, .seed = 7});
  Random random(0);
  const Fleet fleet = fleet_of(n, zones);
  for (std::uint32_t t = 0; t < 20; ++t) {
    Result<Shard> small = s->choose(fleet, {}, tenant(t, k), random);
    Result<Shard> big = s->choose(fleet, {}, tenant(t, k + 1), random);
    if (!small.is_ok() || !big.is_ok()) continue;  // a zone too small for its quota
    RC_ASSERT(overlap(*small, *big) == k);
  }
}

TEST(Rendezvous, RemovingACellChangesOnlyItsHolders) {
  auto s = strategy({.strategy = Strategy::kRendezvous, .seed = 11});
  Random random(0);
  Fleet fleet = fleet_of(20);
  const std::vector<Shard> before = place_all(*s, fleet, 200, 3);
  ASSERT_TRUE(fleet.remove(CellId{7}).is_ok());
  const std::vector<Shard> after = place_all(*s, fleet, 200, 3);
  for (std::size_t t = 0; t < before.size(); ++t) {
    const bool held = std::find(before[t].begin(), before[t].end(), CellId{7}) != before[t].end();
    EXPECT_EQ(overlap(before[t], after[t]), held ? 2u : 3u) << "tenant " << t;
  }
}

TEST(ZoneAware, SpreadsEveryShardEvenlyOverZones) {
  for (std::string_view name : strategy_names()) {
    auto s = strategy({.strategy = *parse_strategy(name), .max_overlap = 2, .zone_aware = true});
    const Fleet fleet = fleet_of(30, 3);
    for (const Shard& shard : place_all(*s, fleet, 60, 5)) {
      std::map<int, int> per_zone;
      for (CellId c : shard)
        ++per_zone[static_cast<int>(raw(c) % 3)];
      ASSERT_EQ(per_zone.size(), 3u) << name;
      for (const auto& [zone, count] : per_zone)
        EXPECT_TRUE(count == 1 || count == 2) << name;
    }
  }
}

TEST(ZoneAware, RefusesWhenAZoneLacksCellsForItsQuota) {
  Fleet fleet = fleet_of(4);
  ASSERT_TRUE(fleet.add({.id = CellId{4}, .name = "lonely", .zone = ZoneId{1}}).is_ok());
  auto s = strategy({.strategy = Strategy::kLeastLoaded, .zone_aware = true});
  Random random(1);
  EXPECT_EQ(s->choose(fleet, {}, tenant(0, 4), random).status().message(),
            "tenant 'tenant-0' needs 2 cells in zone 1 but only 1 there can take it (placeable, "
            "below capacity)");
}

TEST(Shuffle, RefusesTheSecondTenantOnFiveCells) {
  auto s = strategy({.strategy = Strategy::kShuffle, .max_overlap = 2});
  Random random(1);
  const Fleet fleet = fleet_of(5);
  ASSERT_TRUE(s->choose(fleet, {}, tenant(0, 4), random).is_ok());
  Result<Shard> second = s->choose(fleet, {}, tenant(1, 4), random);
  EXPECT_EQ(second.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(second.status().message(),
            "shuffle cannot place tenant 'tenant-1': every shard of 4 cells would share more "
            "than 2 cells with one of the 1 tenants placed or exceed a cell's capacity (at most "
            "C(5,3)/C(4,3) = 2 tenants fit 5 cells)");
}

TEST(Shuffle, RefusesAnOverlapLimitNotBelowTheShardSize) {
  auto s = strategy({.strategy = Strategy::kShuffle, .max_overlap = 3});
  Random random(1);
  EXPECT_EQ(s->choose(fleet_of(5), {}, tenant(0, 3), random).status().message(),
            "max_overlap (3) must be less than the shard size (3) of tenant 'tenant-0'");
}

TEST(Shuffle, ForgetFreesTheSubsetsOfARemovedTenant) {
  auto s = strategy({.strategy = Strategy::kShuffle, .max_overlap = 2});
  Random random(1);
  const Fleet fleet = fleet_of(5);
  const Shard first = *s->choose(fleet, {}, tenant(0, 4), random);
  s->forget(TenantId{0}, first);
  EXPECT_TRUE(s->choose(fleet, {}, tenant(1, 4), random).is_ok());
}

TEST(Shuffle, RememberedShardsCount) {
  auto s = strategy({.strategy = Strategy::kShuffle, .max_overlap = 1});
  Random random(1);
  s->remember(tenant(0, 3), {CellId{0}, CellId{1}, CellId{2}});
  for (int i = 0; i < 20; ++i) {
    const Shard shard = *s->choose(fleet_of(9), {}, tenant(1, 3), random);
    EXPECT_LE(overlap(shard, {CellId{0}, CellId{1}, CellId{2}}), 1u);
    s->forget(TenantId{1}, shard);
  }
}

RC_GTEST_PROP(Shuffle, NoTwoTenantsShareMoreThanTheLimit, ()) {
  const auto n = *rc::gen::inRange<std::uint32_t>(4, 16);
  const auto k = *rc::gen::inRange<std::uint32_t>(2, std::min<std::uint32_t>(n, 6));
  const auto m = *rc::gen::inRange<std::uint32_t>(0, k);
  const auto zones = *rc::gen::inRange<std::uint16_t>(1, 3);
  auto s = strategy({.strategy = Strategy::kShuffle, .max_overlap = m, .zone_aware = zones > 1});
  Random random(*rc::gen::arbitrary<std::uint64_t>());
  const Fleet fleet = fleet_of(n, zones);
  std::vector<Shard> shards;
  for (std::uint32_t t = 0; t < 40; ++t) {
    Result<Shard> shard = s->choose(fleet, {}, tenant(t, k), random);
    if (!shard.is_ok()) {
      RC_ASSERT(shard.status().code() == StatusCode::kResourceExhausted);
      continue;
    }
    RC_ASSERT(shard->size() == k);
    for (const Shard& other : shards)
      RC_ASSERT(overlap(*shard, other) <= m);
    shards.push_back(*shard);
  }
}

}  // namespace
}  // namespace cellkit

namespace cellkit {
namespace {

using testing_support::shared_pairs;
using testing_support::tenants_of;

Mapping rendezvous(const Fleet& fleet, std::uint32_t k, bool zoned = false) {
  PlaceReport report;
  Result<Placement> p =
      place(fleet, tenants_of(10'000, k),
            {.strategy = Strategy::kRendezvous, .zone_aware = zoned, .seed = 5}, &report);
  EXPECT_EQ(report.refused, 0u);
  return p->mapping;
}

// Tenants whose shard differs, and whether every change is one cell.
std::pair<int, bool> changes(const Mapping& before, const Mapping& after) {
  int changed = 0;
  bool at_most_one = true;
  for (const auto& [tenant, shard] : before) {
    const std::size_t same = overlap(shard, after.shard(tenant));
    changed += same != shard.size() ? 1 : 0;
    at_most_one = at_most_one && same + 1 >= shard.size();
  }
  return {changed, at_most_one};
}

TEST(RendezvousAcceptance, HundredCellsTenThousandTenants) {
  const Mapping m = rendezvous(fleet_of(100), 4);
  for (const auto& [tenant, shard] : m) {
    ASSERT_EQ(std::set<CellId>(shard.begin(), shard.end()).size(), 4u);
  }
  // Every one of the 100 cells, so a cell holding no tenant fails too.
  const auto loads = testing_support::loads_of(m);
  for (std::uint32_t id = 0; id < 100; ++id) {
    const auto it = loads.find(CellId{id});
    const std::uint64_t load = it != loads.end() ? it->second : 0;
    EXPECT_GE(load, 300u) << "cell " << id;
    EXPECT_LE(load, 500u) << "cell " << id;
  }
  // Pairs sharing o cells from subset counts: S3 = n3 + 4 n4, S4 = n4.
  const long long n4 = shared_pairs(m, 4);
  const long long n3 = shared_pairs(m, 3) - 4 * n4;
  EXPECT_GE(n3, 4000);
  EXPECT_LE(n3, 5800);
  EXPECT_LE(n4, 40);
}

TEST(RendezvousAcceptance, AddingACellMovesAboutTheFairShareTowardIt) {
  const Mapping before = rendezvous(fleet_of(100), 4);
  const Mapping after = rendezvous(fleet_of(101), 4);
  const auto [changed, at_most_one] = changes(before, after);
  EXPECT_TRUE(at_most_one);
  EXPECT_GE(changed, 300);
  EXPECT_LE(changed, 500);
  EXPECT_EQ(static_cast<int>(after.tenants_on(CellId{100}).size()), changed)
      << "every change is toward the new cell";
}

TEST(RendezvousAcceptance, RemovingACellChangesExactlyItsHolders) {
  const Mapping before = rendezvous(fleet_of(100), 4);
  Fleet fleet = fleet_of(100);
  ASSERT_TRUE(fleet.remove(CellId{42}).is_ok());
  const Mapping after = rendezvous(fleet, 4);
  const auto [changed, at_most_one] = changes(before, after);
  EXPECT_TRUE(at_most_one);
  EXPECT_EQ(static_cast<std::size_t>(changed), before.tenants_on(CellId{42}).size());
}

TEST(RendezvousAcceptance, GrowingKFromFourToFiveKeepsTheShard) {
  const Mapping four = rendezvous(fleet_of(100), 4);
  const Mapping five = rendezvous(fleet_of(100), 5);
  for (const auto& [tenant, shard] : four)
    ASSERT_EQ(overlap(shard, five.shard(tenant)), 4u);
}

TEST(RendezvousAcceptance, ThreeZonesGrowingKFromNineToTenChangesOneCell) {
  const Fleet fleet = fleet_of(99, 3);
  const Mapping nine = rendezvous(fleet, 9, true);
  const Mapping ten = rendezvous(fleet, 10, true);
  for (const auto& [tenant, shard] : nine) {
    ASSERT_EQ(overlap(shard, ten.shard(tenant)), 9u);
    std::map<int, int> per_zone;
    for (CellId c : ten.shard(tenant))
      ++per_zone[static_cast<int>(raw(c) % 3)];
    ASSERT_EQ(per_zone.size(), 3u);
    const auto [fewest, most] =
        std::minmax_element(per_zone.begin(), per_zone.end(),
                            [](const auto& a, const auto& b) { return a.second < b.second; });
    ASSERT_LE(most->second - fewest->second, 1) << "zones of tenant " << raw(tenant);
  }
}

TEST(ShuffleAcceptance, StripesKeepOneCellPerZoneAndTheLimit) {
  PlaceReport report;
  Placement p =
      *place(fleet_of(64, 4), tenants_of(2000, 4),
             {.strategy = Strategy::kShuffle, .max_overlap = 2, .zone_aware = true}, &report);
  EXPECT_EQ(report.refused, 0u);
  for (const auto& [tenant, shard] : p.mapping) {
    std::set<int> zones;
    for (CellId c : shard)
      zones.insert(static_cast<int>(raw(c) % 4));
    ASSERT_EQ(zones.size(), 4u);
  }
  for (const auto& [key, count] : testing_support::subset_counts(p.mapping, 3))
    ASSERT_EQ(count, 1);
}

}  // namespace
}  // namespace cellkit

namespace cellkit {
namespace {

TEST(Strategies, DriveTheTenantManagerAndForgetRemovedTenants) {
  TenantManager manager(strategy({.strategy = Strategy::kShuffle, .max_overlap = 2}));
  const Fleet fleet = fleet_of(5);
  Random random(1);
  Result<TenantId> first = manager.add_tenant("a", 4, fleet, random);
  ASSERT_TRUE(first.is_ok());
  EXPECT_EQ(manager.add_tenant("b", 4, fleet, random).status().code(),
            StatusCode::kResourceExhausted);
  ASSERT_TRUE(manager.remove_tenant(*first).is_ok());
  EXPECT_TRUE(manager.add_tenant("b", 4, fleet, random).is_ok());
  EXPECT_EQ(manager.strategy().name(), "shuffle");
}

}  // namespace
}  // namespace cellkit

namespace cellkit {
namespace {

RC_GTEST_PROP(LeastLoaded, LoadsNeverDifferByMoreThanOne, ()) {
  const auto n = *rc::gen::inRange<std::uint32_t>(1, 30);
  const auto k = *rc::gen::inRange<std::uint32_t>(1, n + 1);
  auto s = strategy({.strategy = Strategy::kLeastLoaded});
  std::vector<Shard> shards =
      place_all(*s, fleet_of(n), *rc::gen::inRange<std::uint32_t>(1, 80), k);
  std::vector<int> per_cell(n, 0);
  for (const Shard& shard : shards)
    for (CellId c : shard)
      ++per_cell[raw(c)];
  const auto [lo, hi] = std::minmax_element(per_cell.begin(), per_cell.end());
  RC_ASSERT(*hi - *lo <= 1);
}

}  // namespace
}  // namespace cellkit

#include "cellkit/core/placement_ops.h"

#include <array>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/placement_test_support.h"
#include "core/pooled_strategy.h"

namespace cellkit {
namespace {

using namespace testing_support;

const PlacementOptions kShuffle{.strategy = Strategy::kShuffle, .max_overlap = 2, .seed = 3};

TEST(Place, SameInputsGiveTheSamePlacement) {
  for (std::string_view name : strategy_names()) {
    PlacementOptions o{.strategy = *parse_strategy(name), .seed = 9};
    Result<Placement> a = place(fleet_of(20), tenants_of(50, 3), o);
    Result<Placement> b = place(fleet_of(20), tenants_of(50, 3), o);
    ASSERT_TRUE(a.is_ok()) << a.status().message();
    EXPECT_EQ(*a, *b) << name;
    EXPECT_TRUE(check_placement(*a).is_ok()) << name;
  }
}

TEST(Place, CountsRefusalsAndLeavesRefusedTenantsOut) {
  PlaceReport report;
  Result<Placement> p = place(fleet_of(5), tenants_of(3, 4), kShuffle, &report);
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(report.placed, 1u);
  EXPECT_EQ(report.refused, 2u);
  ASSERT_EQ(report.refusals.size(), 2u);
  EXPECT_EQ(report.refusals[0].substr(0, 47), "shuffle cannot place tenant 'tenant-1': every s");
  EXPECT_EQ(p->tenants.size(), 1u);
  EXPECT_EQ(p->mapping.size(), 1u);
}

// What place() gives when it searches for every tenant, the refused ones included: the
// reference for its early stop, which may change the time and nothing else.
struct Searched {
  Mapping mapping;
  PlaceReport report;
};

Searched search_every_tenant(const Fleet& fleet, const std::vector<Tenant>& tenants,
                             const PlacementOptions& o) {
  std::unique_ptr<PooledStrategy> strategy = make_pooled_strategy(o);
  strategy->reserve(tenants.size(), tenants.front().shard_size);
  const CellPools pools = CellPools::build(fleet, o.capacity);
  Random random(o.seed);
  Searched out;
  for (const Tenant& t : tenants) {
    Result<Shard> shard = strategy->choose_from(pools, t, random);
    if (shard.is_ok()) {
      ++out.report.placed;
      out.mapping.assign(t.id, *shard);
      continue;
    }
    ++out.report.refused;
    if (out.report.refusals.size() < 10) out.report.refusals.push_back(shard.status().message());
  }
  return out;
}

TEST(Place, StopsSearchingOnceNoShardCanFitAnyTenantLeft) {
  // Seven cells hold the Fano plane: 7 tenants of 3 cells use all 21 pairs (m = 1). The
  // refusals of tenants 7..16 are searched, so their messages are the searches' own; the 983
  // after them are refused without a search.
  const PlacementOptions o{.strategy = Strategy::kShuffle, .max_overlap = 1, .seed = 3};
  PlaceReport report;
  Result<Placement> p = place(fleet_of(7), tenants_of(1000, 3), o, &report);
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(report.placed, 7u);
  EXPECT_EQ(report.refused, 993u);
  EXPECT_EQ(report.unsearched, 983u);
  ASSERT_EQ(report.refusals.size(), 10u);
  EXPECT_EQ(report.refusals[9],
            "shuffle cannot place tenant 'tenant-16': every shard of 3 cells would share more "
            "than 1 cells with one of the 7 tenants placed or exceed a cell's capacity (at most "
            "C(7,2)/C(3,2) = 7 tenants fit 7 cells)");
  const Searched searched = search_every_tenant(fleet_of(7), tenants_of(1000, 3), o);
  EXPECT_EQ(p->mapping, searched.mapping);
  EXPECT_EQ(report.refusals, searched.report.refusals);
}

TEST(Place, StopsSearchingOnceTooFewCellsHaveRoom) {
  PlaceReport report;
  Result<Placement> p = place(fleet_of(6, 1, /*capacity=*/1), tenants_of(100, 2),
                              {.strategy = Strategy::kRandom, .seed = 3}, &report);
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(report.placed, 3u);
  EXPECT_EQ(report.refused, 97u);
  EXPECT_EQ(report.unsearched, 87u);
  EXPECT_EQ(report.refusals[9],
            "tenant 'tenant-12' needs 2 cells but only 0 there can take it (placeable, below "
            "capacity)");
}

TEST(Place, KeepsSearchingWhileASmallerTenantIsStillToCome) {
  // Capacity 1: the tenants of 4 cells after the first are refused, but the last tenant
  // needs only 2 and is placed.
  std::vector<Tenant> tenants = tenants_of(30, 4);
  tenants.back().shard_size = 2;
  PlaceReport report;
  Result<Placement> p = place(fleet_of(6, 1, /*capacity=*/1), tenants,
                              {.strategy = Strategy::kRandom, .seed = 3}, &report);
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(report.placed, 2u);
  EXPECT_EQ(report.refused, 28u);
  EXPECT_EQ(report.unsearched, 0u);
  EXPECT_NE(p->mapping.find_shard(TenantId{29}), nullptr);
}

// Small fleets filled past their limit by every strategy, with capacities, weights, zones and
// mixed shard sizes: the early stop changes neither the mapping nor any count or message.
TEST(Place, GivesWhatSearchingEveryTenantGives) {
  Random random(5);
  std::size_t unsearched = 0;
  for (int round = 0; round < 40; ++round) {
    const auto n = static_cast<std::uint32_t>(5 + random.index(8));
    const auto zones = static_cast<std::uint16_t>(1 + random.index(3));
    const auto capacity =
        static_cast<std::uint32_t>(random.index(3) == 0 ? 4 + random.index(20) : 0);
    const auto k = static_cast<std::uint32_t>(2 + random.index(std::min<std::uint32_t>(3, n - 2)));
    // Not `design`: its restricted designs take a local search of about a second per fleet
    // size. Shuffle still takes designs' codewords where the fleet admits one (7-10 cells).
    constexpr std::array kStrategies = {Strategy::kRandom, Strategy::kLeastLoaded,
                                        Strategy::kRendezvous, Strategy::kShuffle,
                                        Strategy::kPacking};
    const Strategy strategy = kStrategies[random.index(kStrategies.size())];
    const PlacementOptions o{.strategy = strategy,
                             .max_overlap = static_cast<std::uint32_t>(random.index(k)),
                             .zone_aware = zones > 1 && random.index(2) == 0,
                             .seed = random.next_u64()};
    std::vector<Tenant> tenants = tenants_of(static_cast<std::uint32_t>(20 + random.index(60)), k);
    for (Tenant& t : tenants) {
      if (random.index(8) == 0) t.weight = 2;
      if (random.index(10) == 0) t.shard_size = k + 1 <= n ? k + 1 : k;
    }
    PlaceReport report;
    Result<Placement> p = place(fleet_of(n, zones, capacity), tenants, o, &report);
    ASSERT_TRUE(p.is_ok()) << p.status().message();
    const Searched searched = search_every_tenant(fleet_of(n, zones, capacity), tenants, o);
    const std::string where = fmt::format("round {}: {} cells, {} zones, k {}, {}", round, n, zones,
                                          k, to_string(strategy));
    EXPECT_EQ(p->mapping, searched.mapping) << where;
    EXPECT_EQ(report.placed, searched.report.placed) << where;
    EXPECT_EQ(report.refused, searched.report.refused) << where;
    EXPECT_EQ(report.refusals, searched.report.refusals) << where;
    unsearched += report.unsearched;
  }
  EXPECT_GT(unsearched, 0u);  // the early stop was taken
}

TEST(Place, RefusesInvalidOptionsAndDuplicateTenants) {
  EXPECT_EQ(
      place(fleet_of(5), tenants_of(1, 2), {.strategy = Strategy::kShuffle, .max_overlap = 16})
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  std::vector<Tenant> twice = tenants_of(2, 2);
  twice[1].name = twice[0].name;
  EXPECT_EQ(place(fleet_of(5), twice, {}).status().message(),
            "tenant name 'tenant-0' is used twice");
}

TEST(AddTenants, KeepsTheOverlapLimitWithTenantsPlacedBefore) {
  Placement p = *place(fleet_of(16), tenants_of(20, 4), kShuffle);
  Result<Placement> more = add_tenants(p, tenants_of(20, 4, 100));
  ASSERT_TRUE(more.is_ok()) << more.status().message();
  EXPECT_EQ(more->tenants.size(), 40u);
  for (const auto& [key, count] : subset_counts(more->mapping, 3))
    EXPECT_LE(count, 1);
}

TEST(AddTenants, RefusesATenantIdInUse) {
  Placement p = *place(fleet_of(12), tenants_of(2, 2), {});
  EXPECT_EQ(add_tenants(p, tenants_of(1, 2, 1)).status().message(), "tenant id 1 is used twice");
}

TEST(RemoveTenant, FreesItsSubsetsForLaterTenants) {
  Placement p = *place(fleet_of(5), tenants_of(1, 4), kShuffle);
  PlaceReport report;
  ASSERT_TRUE(add_tenants(p, tenants_of(1, 4, 1), &report).is_ok());
  EXPECT_EQ(report.refused, 1u);
  Placement fewer = *remove_tenant(p, TenantId{0});
  Result<Placement> again = add_tenants(fewer, tenants_of(1, 4, 1), &report);
  EXPECT_EQ(report.placed, 1u);
  EXPECT_EQ(again->tenants.size(), 1u);
  EXPECT_EQ(remove_tenant(p, TenantId{7}).status().message(), "no tenant with id 7");
}

TEST(AddCells, GrowsTheFleetWithoutMovingAnyone) {
  Placement p = *place(fleet_of(6), tenants_of(10, 2), {});
  Result<Placement> bigger = add_cells(p, {{.id = CellId{6}, .name = "cell-6"}});
  ASSERT_TRUE(bigger.is_ok());
  EXPECT_EQ(bigger->fleet.size(), 7u);
  EXPECT_EQ(bigger->mapping, p.mapping);
  EXPECT_EQ(add_cells(p, {{.id = CellId{7}, .name = "cell-0"}}).status().code(),
            StatusCode::kAlreadyExists);
}

TEST(DrainCell, EmptiesTheCellAndKeepsTheOverlapLimit) {
  Placement p = *place(fleet_of(16), tenants_of(40, 4), kShuffle);
  ASSERT_FALSE(p.mapping.tenants_on(CellId{3}).empty());
  Result<Placement> drained = drain_cell(p, CellId{3});
  ASSERT_TRUE(drained.is_ok()) << drained.status().message();
  EXPECT_TRUE(drained->mapping.tenants_on(CellId{3}).empty());
  EXPECT_EQ(drained->fleet.cell(CellId{3}).state, CellState::kDraining);
  for (const auto& [key, count] : subset_counts(drained->mapping, 3))
    EXPECT_LE(count, 1);
}

TEST(RemoveCell, LeavesNoShardPointingAtIt) {
  Placement p = *place(fleet_of(10), tenants_of(30, 3), {.strategy = Strategy::kRendezvous});
  Result<Placement> removed = remove_cell(p, CellId{4});
  ASSERT_TRUE(removed.is_ok()) << removed.status().message();
  EXPECT_FALSE(removed->fleet.contains(CellId{4}));
  EXPECT_TRUE(check_placement(*removed).is_ok());
  EXPECT_TRUE(removed->mapping.tenants_on(CellId{4}).empty());
}

TEST(CheckPlacement, NamesATenantWithAnUnknownCell) {
  Placement p = *place(fleet_of(4), tenants_of(2, 2), {});
  p.mapping.assign(TenantId{1}, {CellId{0}, CellId{9}});
  EXPECT_EQ(check_placement(p).message(), "tenant 'tenant-1' names unknown cell 9");
}

}  // namespace
}  // namespace cellkit

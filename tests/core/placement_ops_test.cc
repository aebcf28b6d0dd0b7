#include "cellkit/core/placement_ops.h"

#include <gtest/gtest.h>

#include "core/placement_test_support.h"

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

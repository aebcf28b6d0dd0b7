// The control API's changes as pure functions of the desired state, and the state's
// invariants and stored form.
#include "cellkit/live/control_ops.h"

#include <gtest/gtest.h>

namespace cellkit::live {
namespace {

ControlState fleet_of(std::uint32_t cells, Strategy strategy = Strategy::kShuffle,
                      std::uint32_t capacity = 0) {
  ControlState state;
  state.placement.options = {.strategy = strategy, .max_overlap = 1, .seed = 7};
  for (std::uint32_t i = 0; i < cells; ++i) {
    state = add_cell(state, {.name = "cell-" + std::to_string(i),
                             .zone = i % 2 ? "b" : "a",
                             .endpoint = "127.0.0.1:" + std::to_string(4000 + i),
                             .capacity = capacity})
                .value();
  }
  return state;
}

TEST(ControlOps, OnboardsThroughThePlacementEngineAndStoresTheResultWhole) {
  ControlState state = fleet_of(6);
  state.placement.options.capacity = 5;  // the fleet-wide default survives the stored form too
  Result<ControlState> next =
      onboard(state, {{.name = "acme", .shard_size = 3}, {.name = "beta", .shard_size = 3}});
  ASSERT_TRUE(next.is_ok()) << next.status().message();
  ASSERT_EQ(next->placement.tenants.size(), 2u);
  EXPECT_EQ(next->placement.mapping.shard(TenantId{0}).size(), 3u);
  EXPECT_TRUE(check_state(*next).is_ok());
  // The same placement as core's add_tenants gives (no second implementation).
  Placement expected =
      add_tenants(state.placement, {{.id = TenantId{0}, .name = "acme", .shard_size = 3},
                                    {.id = TenantId{1}, .name = "beta", .shard_size = 3}})
          .value();
  EXPECT_EQ(next->placement, expected);
  Result<ControlState> again = parse_state(write_state(*next));
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(*again, *next);
}

TEST(ControlOps, RefusesWhatItCannotPlaceAndNamesWhy) {
  ControlState state = fleet_of(3);
  Result<ControlState> next = onboard(state, {{.name = "acme", .shard_size = 4}});
  ASSERT_FALSE(next.is_ok());
  EXPECT_EQ(next.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(next.status().message().find("tenant 'acme' needs 4 cells"), std::string::npos)
      << next.status().message();
  EXPECT_EQ(add_cell(state, {.name = "cell-1"}).status().message(),
            "cell name 'cell-1' is already taken");
  EXPECT_EQ(add_cell(state, {.name = "x", .endpoint = "localhost"}).status().message(),
            "endpoint 'localhost' is not HOST:PORT");
  EXPECT_EQ(remove_tenant(state, "nobody").status().message(), "no tenant named 'nobody'");
}

TEST(ControlOps, DrainingMovesEveryTenantOffTheCell) {
  ControlState state = onboard(fleet_of(6), {{.name = "t0", .shard_size = 2},
                                             {.name = "t1", .shard_size = 2},
                                             {.name = "t2", .shard_size = 2}})
                           .value();
  Result<ControlState> drained = drain_cell(state, "cell-0");
  ASSERT_TRUE(drained.is_ok()) << drained.status().message();
  EXPECT_TRUE(drained->placement.mapping.tenants_on(CellId{0}).empty());
  EXPECT_EQ(drained->placement.fleet.cell(CellId{0}).state, CellState::kDraining);
  Result<ControlState> removed = remove_cell(*drained, "cell-0");
  ASSERT_TRUE(removed.is_ok());
  EXPECT_FALSE(removed->placement.fleet.contains(CellId{0}));
  EXPECT_TRUE(check_state(*removed).is_ok());
}

TEST(ControlOps, APinThatBreaksTheOverlapLimitFailsTheStateCheck) {
  ControlState state = onboard(fleet_of(4), {{.name = "t0", .shard_size = 2}}).value();
  const Shard t0 = state.placement.mapping.shard(TenantId{0});
  state = onboard(state, {{.name = "t1", .shard_size = 2}}).value();
  // Pin t1 onto exactly t0's cells: they would share 2 cells, above max_overlap 1.
  const std::string a = state.placement.fleet.cell(t0[0]).name;
  const std::string b = state.placement.fleet.cell(t0[1]).name;
  Result<ControlState> pinned = pin_tenant(state, "t1", {a, b});
  ASSERT_TRUE(pinned.is_ok());
  const Status check = check_state(*pinned);
  EXPECT_EQ(check.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(check.message(), "tenants 1 and 0 would share more than max_overlap 1 cells");
  EXPECT_TRUE(pin_tenant(state, "t1", {a}).is_ok());
  EXPECT_EQ(pin_tenant(state, "t1", {a, a}).status().message(), "cell '" + a + "' is named twice");
}

TEST(ControlOps, CapacityBelowTheLoadMovesTenantsOffOrIsRefused) {
  // 2 tenants × 2 cells on 3 cells: some cell holds 2.
  ControlState state = onboard(fleet_of(3, Strategy::kRandom),
                               {{.name = "t0", .shard_size = 2}, {.name = "t1", .shard_size = 2}})
                           .value();
  CellId busy{};
  for (const Cell& c : state.placement.fleet.cells()) {
    if (state.placement.mapping.tenants_on(c.id).size() == 2) busy = c.id;
  }
  ASSERT_EQ(state.placement.mapping.tenants_on(busy).size(), 2u);
  Result<ControlState> capped = set_capacity(state, state.placement.fleet.cell(busy).name, 1);
  ASSERT_TRUE(capped.is_ok()) << capped.status().message();
  EXPECT_EQ(capped->placement.mapping.tenants_on(busy).size(), 1u);
  EXPECT_TRUE(check_state(*capped).is_ok());
  // Total capacity 3 cannot hold a load of 4.
  ControlState all = state;
  all = set_capacity(all, "cell-0", 1).value();
  all = set_capacity(all, "cell-1", 1).value();
  Result<ControlState> refused = set_capacity(all, "cell-2", 1);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted) << refused.status().message();
}

TEST(ControlOps, RebalanceFillsAnEmptyCellAndCanStopAfterAnyMove) {
  ControlState state = fleet_of(4, Strategy::kRandom);
  std::vector<TenantSpec> specs;
  for (int i = 0; i < 40; ++i)
    specs.push_back({.name = "t" + std::to_string(i), .shard_size = 2});
  state = onboard(state, specs).value();
  state = add_cell(state, {.name = "fresh"}).value();
  Result<Rebalance> rebalance = plan_fleet_rebalance(state);
  ASSERT_TRUE(rebalance.is_ok()) << rebalance.status().message();
  ASSERT_GT(rebalance->plan.moves.size(), 1u);
  Result<ControlState> one = apply_moves(state, *rebalance, 1);
  ASSERT_TRUE(one.is_ok());
  EXPECT_EQ(one->placement.mapping.tenants_on(CellId{4}).size(), 1u);
  Result<ControlState> all = apply_moves(state, *rebalance, rebalance->plan.moves.size());
  EXPECT_EQ(all->placement.mapping.tenants_on(CellId{4}).size(), rebalance->plan.moves.size());
  EXPECT_TRUE(check_state(*all).is_ok());
}

TEST(ControlState, ParseNamesWhatIsWrong) {
  EXPECT_EQ(parse_state("[]").status().message(), "control state: not a JSON object");
  EXPECT_EQ(parse_state(R"({"format":"x","version":1})").status().message(),
            "control state: 'format' is not cellkit.control-state version 1");
}

TEST(ControlState, SnapshotListsEveryCellAndDisabledOnes) {
  ControlState state = onboard(fleet_of(3), {{.name = "t0", .shard_size = 2}}).value();
  state.placement.fleet.cell(CellId{2}).state = CellState::kDisabled;
  const RoutingSnapshot snapshot = snapshot_of(state, 5);
  EXPECT_EQ(snapshot.version, 5u);
  EXPECT_EQ(snapshot.cells.size(), 3u);
  EXPECT_EQ(snapshot.disabled, std::vector<CellId>{CellId{2}});
  EXPECT_EQ(snapshot.shards.size(), 1u);
  ASSERT_EQ(snapshot.addresses.size(), 3u);
  EXPECT_EQ(snapshot.addresses[1],
            (CellAddress{.cell = CellId{1}, .name = "cell-1", .endpoint = "127.0.0.1:4001"}));
  EXPECT_EQ(snapshot.tenant_names,
            (std::vector<std::pair<TenantId, std::string>>{{TenantId{0}, "t0"}}));
  EXPECT_FALSE(snapshot.allow_empty);
  EXPECT_TRUE(snapshot_of(fleet_of(2), 1).allow_empty);  // a fleet being built has no tenant yet
  EXPECT_TRUE(RoutingTable::build(snapshot_of(fleet_of(2), 1)).is_ok());
}

}  // namespace
}  // namespace cellkit::live

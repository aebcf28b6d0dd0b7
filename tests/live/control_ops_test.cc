// The control API's changes as pure functions of the desired state, and the state's
// invariants and stored form.
#include "cellkit/live/control_ops.h"

#include <gtest/gtest.h>

#include "cellkit/core/routing_delta.h"
#include "cellkit/core/snapshot_codec.h"
#include "cellkit/io/mapping_file.h"
#include "cellkit/io/placement_document.h"
#include "cellkit/live/onboard_index.h"

namespace cellkit::live {
namespace {

std::vector<std::byte> snapshot_bytes(const ControlState& state) {
  return encode_snapshot(snapshot_of(state, state.version));
}

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
  Result<ControlState> again = parse_state(write_state(*next), snapshot_bytes(*next));
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(*again, *next);
}

TEST(ControlOps, AKeptIndexPlacesEachRequestAsAddTenantsWouldAndForgetsRefusals) {
  ControlState state = fleet_of(6);
  OnboardIndex index = OnboardIndex::build(state).value();
  Placement expected = state.placement;
  for (std::uint32_t i = 0; i < 6; ++i) {
    const std::string name = "t" + std::to_string(i);
    ASSERT_TRUE(index.onboard(state, {{.name = name, .shard_size = 2}}).is_ok());
    expected = add_tenants(expected, {{.id = TenantId{i}, .name = name, .shard_size = 2}}).value();
    EXPECT_EQ(state.placement, expected) << "after " << name;
    // A refused request (name taken, too large) leaves the state and the index as they were.
    const ControlState before = state;
    EXPECT_EQ(
        index.onboard(state, {{.name = "x", .shard_size = 2}, {.name = name, .shard_size = 2}})
            .code(),
        StatusCode::kAlreadyExists);
    EXPECT_EQ(index.onboard(state, {{.name = "x", .shard_size = 2}, {.name = "y", .shard_size = 7}})
                  .code(),
              StatusCode::kResourceExhausted);
    EXPECT_EQ(state, before);
  }
}

// An index that forgot removed tenants (a pinned one among them) places every later request
// exactly as one built from the state without them: same shards, same refusals (capacity 3,
// no two tenants sharing more than one cell), their names free again.
TEST(ControlOps, AKeptIndexThatForgotRemovedTenantsPlacesAsARebuiltOne) {
  ControlState state = fleet_of(6, Strategy::kShuffle, 3);
  for (std::uint32_t i = 0; i < 6; ++i)
    state = onboard(state, {{.name = "t" + std::to_string(i), .shard_size = 2}}).value();
  state = pin_tenant(state, "t2", {"cell-0"}).value();
  OnboardIndex kept = OnboardIndex::build(state).value();
  for (const char* name : {"t1", "t2", "t4"}) {
    const Tenant gone = *find_tenant(state, name);
    const Shard shard = state.placement.mapping.shard(gone.id);
    const Shard effective = effective_shard(state, gone.id);
    state = remove_tenant(state, name).value();
    kept.forget(gone, shard, effective);
  }
  OnboardIndex rebuilt = OnboardIndex::build(state).value();
  ControlState by_kept = state, by_rebuilt = state;
  std::size_t placed = 0;
  for (std::uint32_t i = 0; i < 12; ++i) {
    const std::vector<TenantSpec> spec = {
        {.name = i < 3 ? "t" + std::to_string(1 + i) : "n" + std::to_string(i), .shard_size = 2}};
    const Status a = kept.onboard(by_kept, spec);
    const Status b = rebuilt.onboard(by_rebuilt, spec);
    EXPECT_EQ(a.is_ok(), b.is_ok()) << i;
    EXPECT_EQ(a.message(), b.message()) << i;
    placed += a.is_ok() ? 1 : 0;
  }
  EXPECT_EQ(by_kept, by_rebuilt);
  EXPECT_GE(placed, 3u);   // t1, t2 and t4's names again, and cells their removal freed
  EXPECT_LT(placed, 12u);  // and refusals, where the limits bite
}

// The control plane changes its state in place: a request refused after a shard was drawn
// (t1 takes the last room on every cell, t2 finds none) must leave it byte-identical.
TEST(ControlOps, ARefusedOnboardingLeavesTheStateAndItsSnapshotByteIdentical) {
  ControlState state = fleet_of(3, Strategy::kRandom, /*capacity=*/2);
  OnboardIndex index = OnboardIndex::build(state).value();
  ASSERT_TRUE(index.onboard(state, {{.name = "t0", .shard_size = 3}}).is_ok());
  const std::string state_before = write_state(state);
  const std::vector<std::byte> snapshot_before = snapshot_bytes(state);
  const Status refused =
      index.onboard(state, {{.name = "t1", .shard_size = 3}, {.name = "t2", .shard_size = 3}});
  EXPECT_EQ(refused.code(), StatusCode::kResourceExhausted) << refused.message();
  EXPECT_EQ(write_state(state), state_before);
  EXPECT_EQ(snapshot_bytes(state), snapshot_before);
  // The index forgot the refused tenants too: one more fits where two did not.
  EXPECT_TRUE(index.onboard(state, {{.name = "t1", .shard_size = 3}}).is_ok());
}

// What the control plane publishes per onboarding without building a snapshot: the delta,
// its digest and the state's extras, each equal to what the whole computation gives.
TEST(ControlState, AnOnboardingsDeltaIsTheDiffOfTheWholeSnapshotsBeforeAndAfter) {
  for (const bool first_tenants : {true, false}) {
    ControlState state = fleet_of(6, Strategy::kRandom);
    OnboardIndex index = OnboardIndex::build(state).value();
    if (!first_tenants) {
      ASSERT_TRUE(index.onboard(state, {{.name = "old", .shard_size = 2}}).is_ok());
    }
    const FlatSnapshot before = flatten(snapshot_of(state, 3));
    TenantExtras extras = tenant_extras(state);
    const std::size_t first = state.placement.tenants.size();
    ASSERT_TRUE(index.onboard(state, {{.name = "a", .shard_size = 3, .weight = 2}}).is_ok());
    ASSERT_TRUE(index.onboard(state, {{.name = "b", .shard_size = 1}}).is_ok());
    RoutingDelta delta = onboarding_delta(state, first, 3, 4);
    delta.digest = digest_with_additions(routing_digest(before), delta);
    EXPECT_EQ(delta, diff_snapshots(before, flatten(snapshot_of(state, 4))));
    add_tenant_extras(state, first, extras);
    EXPECT_EQ(extras, tenant_extras(state));
    EXPECT_EQ(write_state(state, extras), write_state(state));
  }
}

TEST(ControlOps, AnOnboardingThatWouldOverlapAPinnedShardIsRefused) {
  // 4 cells, shard size 2, max_overlap 1: six pairs, each usable once. Five tenants use five;
  // pinning the fifth onto the sixth pair leaves the strategy one pair it thinks is free.
  ControlState state = fleet_of(4);
  for (int i = 0; i < 5; ++i) {
    state = onboard(state, {{.name = "t" + std::to_string(i), .shard_size = 2}}).value();
  }
  std::vector<std::string> free_pair;
  for (std::uint32_t a = 0; a < 4 && free_pair.empty(); ++a) {
    for (std::uint32_t b = a + 1; b < 4 && free_pair.empty(); ++b) {
      bool used = false;
      for (const auto& [tenant, shard] : state.placement.mapping) {
        used = used || (std::count(shard.begin(), shard.end(), CellId{a}) +
                            std::count(shard.begin(), shard.end(), CellId{b}) ==
                        2);
      }
      if (!used) free_pair = {"cell-" + std::to_string(a), "cell-" + std::to_string(b)};
    }
  }
  ASSERT_EQ(free_pair.size(), 2u);
  state = pin_tenant(state, "t4", free_pair).value();
  ASSERT_TRUE(check_state(state).is_ok());
  Result<ControlState> next = onboard(state, {{.name = "t5", .shard_size = 2}});
  ASSERT_FALSE(next.is_ok());
  EXPECT_EQ(next.status().message(), "tenants 5 and 4 would share more than max_overlap 1 cells");
}

TEST(ControlState, KeepsTenantsInTheSnapshotAndOnlyTheirExtrasInTheState) {
  ControlState state = onboard(fleet_of(6), {{.name = "acme", .shard_size = 3, .weight = 4},
                                             {.name = "beta", .shard_size = 2}})
                           .value();
  state.placement.tenants[1].shard_size = 3;  // a shard short of its size (a drained cell)
  const std::string text = write_state(state);
  EXPECT_EQ(text.find("acme"), std::string::npos);
  EXPECT_NE(text.find(R"("tenants":{"0":[3,4],"1":[3,1]})"), std::string::npos) << text;
  Result<ControlState> again = parse_state(text, snapshot_bytes(state));
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(*again, state);
}

TEST(ControlState, ReadsVersionOneWithTenantsInItsMapping) {
  const ControlState state = onboard(fleet_of(4), {{.name = "acme", .shard_size = 2}}).value();
  const std::string v1 =
      R"({"format":"cellkit.control-state","version":1,"routing_version":0,"next_cell":4,)"
      R"("next_tenant":1,"default_capacity":0,"pins":{},"mapping":)" +
      write_mapping_json(document_from(state.placement, state.zone_names)) + "}";
  Result<ControlState> read = parse_state(v1, {});
  ASSERT_TRUE(read.is_ok()) << read.status().message();
  EXPECT_EQ(*read, state);
}

TEST(ControlState, AVersionTwoStateNeedsItsSnapshot) {
  const ControlState state = onboard(fleet_of(4), {{.name = "acme", .shard_size = 2}}).value();
  Result<ControlState> read = parse_state(write_state(state), {});
  ASSERT_FALSE(read.is_ok());
  EXPECT_EQ(read.status().code(), StatusCode::kDataLoss);
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
  EXPECT_EQ(parse_state("[]", {}).status().message(), "control state: not a JSON object");
  EXPECT_EQ(parse_state(R"({"format":"x","version":1})", {}).status().message(),
            "control state: 'format' is not cellkit.control-state version 1 or 2");
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

// A name or endpoint in a request may be as long as the body allows; every message naming one
// cuts it (base/cut.h).
TEST(ControlOps, EveryMessageCutsALongNameOrEndpoint) {
  const std::string n(500, 'n');
  const std::string shown = std::string(40, 'n') + "...";
  ControlState state = fleet_of(2, Strategy::kRandom, 1);
  state = add_cell(state, {.name = n, .capacity = 1}).value();
  EXPECT_EQ(add_cell(state, {.name = n}).status().message(),
            "cell name '" + shown + "' is already taken");
  EXPECT_EQ(add_cell(state, {.name = "x", .endpoint = n}).status().message(),
            "endpoint '" + shown + "' is not HOST:PORT");
  EXPECT_EQ(drain_cell(state, n + "x").status().message(), "no cell named '" + shown + "'");
  EXPECT_EQ(remove_tenant(state, n).status().message(), "no tenant named '" + shown + "'");
  EXPECT_EQ(pin_tenant(state, n, {}).status().message(), "no tenant named '" + shown + "'");
  EXPECT_EQ(onboard(state, {{.name = n, .shard_size = 0}}).status().message(),
            "shard_size of tenant '" + shown + "' must be at least 1");
  EXPECT_EQ(onboard(state, {{.name = n, .shard_size = 1}, {.name = n, .shard_size = 1}})
                .status()
                .message(),
            "tenant name '" + shown + "' is used twice");
  state =
      onboard(state, {{.name = "t0", .shard_size = 1}, {.name = "t1", .shard_size = 1}}).value();
  EXPECT_EQ(pin_tenant(state, "t0", {n, n}).status().message(),
            "cell '" + shown + "' is named twice");
  ControlState pinned = pin_tenant(state, "t0", {n}).value();
  EXPECT_EQ(drain_cell(pinned, n).status().message(),
            "cell '" + shown + "' is named by a pin; unpin first");
  EXPECT_EQ(remove_cell(pinned, n).status().message(),
            "cell '" + shown + "' is named by a pin; unpin first");
  pinned = pin_tenant(pinned, "t1", {n}).value();
  EXPECT_EQ(check_state(pinned).message(),
            "cell '" + shown + "' would hold load 2 above its capacity 1");
}

}  // namespace
}  // namespace cellkit::live

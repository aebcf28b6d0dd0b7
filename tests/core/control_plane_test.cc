#include "cellkit/core/control_plane.h"

#include <memory>

#include <gtest/gtest.h>

namespace cellkit {
namespace {

// Records what was published, as a router-side observer would.
class RecordingPublisher final : public SnapshotPublisher {
 public:
  void publish(const RoutingSnapshot& s) override { published.push_back(s); }
  std::vector<RoutingSnapshot> published;
};

std::unique_ptr<ControlPlane> make_plane(SnapshotPublisher& publisher, std::uint32_t cells) {
  auto plane = std::make_unique<ControlPlane>(std::make_unique<RandomPlacement>(), publisher, 7);
  for (std::uint32_t i = 0; i < cells; ++i)
    EXPECT_TRUE(plane->add_cell().is_ok());
  return plane;
}

TEST(CellManager, NamesCellsByIdAndHandsOutIncreasingIds) {
  CellManager cells;
  EXPECT_EQ(*cells.add_cell(), CellId{0});
  EXPECT_EQ(*cells.add_cell("edge", ZoneId{2}, 50), CellId{1});
  EXPECT_EQ(cells.fleet().cell(CellId{0}).name, "cell-0");
  const Cell& edge = cells.fleet().cell(CellId{1});
  EXPECT_EQ(edge.zone, ZoneId{2});
  EXPECT_EQ(edge.capacity, 50u);
}

TEST(CellManager, RejectsDuplicateNameWithoutConsumingAnId) {
  CellManager cells;
  ASSERT_TRUE(cells.add_cell("a").is_ok());
  EXPECT_EQ(cells.add_cell("a").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*cells.add_cell("b"), CellId{1});
}

TEST(CellManager, DrainDisableAndHealthChangeTheCell) {
  CellManager cells;
  const CellId id = *cells.add_cell();
  ASSERT_TRUE(cells.drain(id).is_ok());
  EXPECT_EQ(cells.fleet().cell(id).state, CellState::kDraining);
  ASSERT_TRUE(cells.disable(id).is_ok());
  EXPECT_EQ(cells.fleet().cell(id).state, CellState::kDisabled);
  ASSERT_TRUE(cells.set_health(id, false).is_ok());
  EXPECT_FALSE(cells.fleet().cell(id).healthy);
  EXPECT_EQ(cells.drain(CellId{9}).message(), "no cell with id 9");
}

TEST(TenantManager, AddsTenantWithShardFromStrategy) {
  RecordingPublisher publisher;
  auto plane = make_plane(publisher, 5);
  Result<TenantId> id = plane->add_tenant("acme", 2);
  ASSERT_TRUE(id.is_ok());
  EXPECT_EQ(plane->tenants().find_tenant(*id)->name, "acme");
  EXPECT_EQ(plane->tenants().mapping().shard(*id).size(), 2u);
}

TEST(TenantManager, FailedPlacementAddsNothing) {
  RecordingPublisher publisher;
  auto plane = make_plane(publisher, 1);
  Result<TenantId> id = plane->add_tenant("big", 2);
  ASSERT_FALSE(id.is_ok());
  EXPECT_EQ(id.status().message(),
            "tenant 'big' needs 2 cells but only 1 healthy active cells exist");
  EXPECT_TRUE(plane->tenants().tenants().empty());
  EXPECT_TRUE(plane->tenants().mapping().empty());
}

TEST(TenantManager, NewTenantsAvoidDrainingCells) {
  RecordingPublisher publisher;
  auto plane = make_plane(publisher, 3);
  ASSERT_TRUE(plane->set_cell_state(CellId{1}, CellState::kDraining).is_ok());
  for (int i = 0; i < 30; ++i) {
    const TenantId id = *plane->add_tenant({}, 2);
    const Shard& shard = plane->tenants().mapping().shard(id);
    EXPECT_EQ(std::count(shard.begin(), shard.end(), CellId{1}), 0);
  }
}

TEST(TenantManager, RejectsDuplicateTenantName) {
  RecordingPublisher publisher;
  auto plane = make_plane(publisher, 3);
  ASSERT_TRUE(plane->add_tenant("acme", 1).is_ok());
  EXPECT_EQ(plane->add_tenant("acme", 1).status().message(), "tenant name 'acme' is already taken");
}

TEST(TenantManager, RemovedTenantsNameCanBeTakenAgain) {
  RecordingPublisher publisher;
  auto plane = make_plane(publisher, 3);
  const TenantId first = *plane->add_tenant("acme", 1);
  ASSERT_TRUE(plane->remove_tenant(first).is_ok());
  EXPECT_TRUE(plane->add_tenant("acme", 1).is_ok());
}

TEST(RandomPlacement, ShardKeepsNoSpareCapacity) {
  Fleet fleet;
  for (std::uint32_t i = 0; i < 1000; ++i)
    ASSERT_TRUE(fleet.add({.id = CellId{i}, .name = std::to_string(i)}).is_ok());
  RandomPlacement placement;
  Random random(1);
  const Shard shard = placement.choose(fleet, {}, Tenant{.shard_size = 2}, random).value();
  EXPECT_EQ(shard.size(), 2u);
  EXPECT_EQ(shard.capacity(), 2u);  // not the placeable pool's 1,000: a million tenants must fit
}

TEST(TenantManager, ReassignReplacesTheShardAndChecksCells) {
  RecordingPublisher publisher;
  auto plane = make_plane(publisher, 4);
  const TenantId id = *plane->add_tenant({}, 2);
  ASSERT_TRUE(plane->reassign(id, {CellId{3}, CellId{0}}).is_ok());
  EXPECT_EQ(plane->tenants().mapping().shard(id), (Shard{CellId{3}, CellId{0}}));
  EXPECT_EQ(plane->reassign(id, {CellId{9}}).message(), "pin of tenant 0 names unknown cell 9");
  EXPECT_EQ(plane->reassign(TenantId{5}, {CellId{1}}).code(), StatusCode::kNotFound);
}

TEST(TenantManager, RemoveTenantDropsShardAndPin) {
  RecordingPublisher publisher;
  auto plane = make_plane(publisher, 3);
  const TenantId id = *plane->add_tenant({}, 2);
  ASSERT_TRUE(plane->pin(id, {CellId{2}}).is_ok());
  ASSERT_TRUE(plane->remove_tenant(id).is_ok());
  EXPECT_EQ(plane->tenants().mapping().find_shard(id), nullptr);
  EXPECT_EQ(plane->tenants().overrides().find_shard(id), nullptr);
  EXPECT_EQ(plane->remove_tenant(id).code(), StatusCode::kNotFound);
}

TEST(TenantManager, PinValidatesCells) {
  RecordingPublisher publisher;
  auto plane = make_plane(publisher, 3);
  const TenantId id = *plane->add_tenant({}, 2);
  EXPECT_EQ(plane->pin(id, {CellId{7}}).message(), "pin of tenant 0 names unknown cell 7");
  EXPECT_EQ(plane->pin(id, {}).message(), "pin of tenant 0 is empty");
  EXPECT_EQ(plane->pin(TenantId{5}, {CellId{0}}).code(), StatusCode::kNotFound);
}

TEST(ControlPlane, PublishesIncreasingVersionsWithWholeMapping) {
  RecordingPublisher publisher;
  auto plane = make_plane(publisher, 4);
  ASSERT_TRUE(plane->add_tenant({}, 2).is_ok());
  EXPECT_EQ(plane->publish(), 1u);
  ASSERT_TRUE(plane->add_tenant({}, 2).is_ok());
  EXPECT_EQ(plane->publish(), 2u);
  ASSERT_EQ(publisher.published.size(), 2u);
  EXPECT_EQ(publisher.published[1].version, 2u);
  EXPECT_EQ(publisher.published[1].shards.size(), 2u);
  EXPECT_EQ(publisher.published[1].cells.size(), 4u);
}

TEST(ControlPlane, PinnedTenantRoutesToPinAndOthersAreUnchanged) {
  DirectPublisher publisher;
  Router router;
  publisher.subscribe(router);
  auto plane = make_plane(publisher, 8);
  std::vector<TenantId> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(*plane->add_tenant({}, 2));
  plane->publish();
  std::vector<RouteDecision> before;
  for (TenantId t : ids)
    before.push_back(router.route(t));
  ASSERT_TRUE(plane->pin(ids[0], {CellId{7}}).is_ok());
  plane->publish();
  EXPECT_EQ(router.route(ids[0]).cell, CellId{7});
  for (std::size_t i = 1; i < ids.size(); ++i)
    EXPECT_EQ(router.route(ids[i]).cell, before[i].cell);
}

TEST(ControlPlane, DisabledCellIsPublishedAsNotRoutable) {
  DirectPublisher publisher;
  Router router;
  publisher.subscribe(router);
  auto plane = make_plane(publisher, 2);
  const TenantId id = *plane->add_tenant({}, 2);
  const CellId first = plane->tenants().mapping().shard(id)[0];
  ASSERT_TRUE(plane->set_cell_state(first, CellState::kDisabled).is_ok());
  plane->publish();
  EXPECT_NE(router.route(id).cell, first);
  EXPECT_EQ(router.route(id).outcome, RouteOutcome::kRouted);
}

TEST(ControlPlane, RefusesToRemoveCellThatTenantsStillUse) {
  RecordingPublisher publisher;
  auto plane = make_plane(publisher, 2);
  ASSERT_TRUE(plane->add_tenant({}, 2).is_ok());
  Status s = plane->remove_cell(CellId{0});
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "cell 0 is still assigned to 1 tenant(s); move them before removing it");
  ASSERT_TRUE(plane->add_cell().is_ok());
  EXPECT_TRUE(plane->remove_cell(CellId{2}).is_ok());
}

TEST(ControlPlane, RouterKeepsRoutingAfterControlPlaneIsDestroyed) {
  DirectPublisher publisher;
  Router router;
  publisher.subscribe(router);
  auto plane = make_plane(publisher, 4);
  const TenantId id = *plane->add_tenant({}, 2);
  plane->publish();
  const RouteDecision before = router.route(id);
  plane.reset();  // the control plane is gone
  const RouteDecision after = router.route(id);
  EXPECT_EQ(after.outcome, RouteOutcome::kRouted);
  EXPECT_EQ(after, before);
  EXPECT_EQ(router.version(), 1u);
}

TEST(DirectPublisher, ReportsEachRoutersAnswer) {
  DirectPublisher publisher;
  Router fresh, ahead;
  ASSERT_TRUE(ahead.accept({.version = 5, .allow_empty = true}).is_ok());
  publisher.subscribe(fresh);
  publisher.subscribe(ahead);
  publisher.publish({.version = 2, .allow_empty = true});
  ASSERT_EQ(publisher.last_results().size(), 2u);
  EXPECT_TRUE(publisher.last_results()[0].is_ok());
  EXPECT_EQ(publisher.last_results()[1].code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace cellkit

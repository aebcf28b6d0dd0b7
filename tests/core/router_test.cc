#include "cellkit/core/router.h"
#include "cellkit/core/router_policy.h"

#include <algorithm>
#include <map>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace cellkit {
namespace {

RoutingSnapshot snapshot(std::uint64_t version) {
  return RoutingSnapshot{
      .version = version,
      .cells = {CellId{0}, CellId{1}, CellId{2}},
      .shards = {{TenantId{0}, {CellId{0}, CellId{1}}}, {TenantId{1}, {CellId{1}, CellId{2}}}},
  };
}

TEST(Router, StartsWithEmptyTableAndReportsUnknownTenant) {
  Router router;
  EXPECT_EQ(router.version(), 0u);
  EXPECT_EQ(router.route(TenantId{0}).outcome, RouteOutcome::kUnknownTenant);
}

TEST(Router, RoutesToFirstCellOfShard) {
  Router router;
  ASSERT_TRUE(router.accept(snapshot(1)).is_ok());
  const RouteDecision d = router.route(TenantId{1});
  EXPECT_EQ(d.outcome, RouteOutcome::kRouted);
  EXPECT_EQ(d.cell, CellId{1});
  EXPECT_EQ(d.version, 1u);
}

TEST(Router, FailsOverWithinShardWhenFirstCellIsUnhealthy) {
  Router router;
  ASSERT_TRUE(router.accept(snapshot(1)).is_ok());
  router.mark_unhealthy(CellId{1});
  EXPECT_EQ(router.route(TenantId{1}).cell, CellId{2});
}

TEST(Router, ReportsNoHealthyCellWhenEveryAssignedCellIsDown) {
  Router router;
  ASSERT_TRUE(router.accept(snapshot(1)).is_ok());
  router.mark_unhealthy(CellId{0});
  router.mark_unhealthy(CellId{1});
  EXPECT_EQ(router.route(TenantId{0}).outcome, RouteOutcome::kNoHealthyCell);
  EXPECT_EQ(router.route(TenantId{1}).outcome, RouteOutcome::kRouted);
}

TEST(Router, RecoveredCellTakesTrafficAgain) {
  Router router;
  ASSERT_TRUE(router.accept(snapshot(1)).is_ok());
  router.mark_unhealthy(CellId{0});
  router.mark_healthy(CellId{0});
  EXPECT_EQ(router.route(TenantId{0}).cell, CellId{0});
}

TEST(Router, NeverRoutesToDisabledCell) {
  Router router;
  RoutingSnapshot s = snapshot(1);
  s.disabled = {CellId{0}};
  ASSERT_TRUE(router.accept(s).is_ok());
  EXPECT_EQ(router.route(TenantId{0}).cell, CellId{1});
}

TEST(Router, RejectsOlderVersionAndKeepsCurrent) {
  Router router;
  ASSERT_TRUE(router.accept(snapshot(8)).is_ok());
  Status s = router.accept(snapshot(7));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "snapshot version 7 is not newer than the served version 8; keeping version 8");
  EXPECT_EQ(router.version(), 8u);
}

TEST(Router, RejectsSameVersion) {
  Router router;
  ASSERT_TRUE(router.accept(snapshot(3)).is_ok());
  EXPECT_FALSE(router.accept(snapshot(3)).is_ok());
}

TEST(Router, RejectsCorruptSnapshotWholeAndKeepsServing) {
  Router router;
  ASSERT_TRUE(router.accept(snapshot(1)).is_ok());
  RoutingSnapshot bad = snapshot(2);
  bad.shards.push_back({TenantId{5}, {CellId{0}}});
  bad.shards[0].second = {CellId{42}};
  Status s = router.accept(bad);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(
      s.message(),
      "snapshot version 2 rejected, keeping version 1: shard of tenant 0 names unknown cell 42");
  EXPECT_EQ(router.version(), 1u);
  EXPECT_EQ(router.route(TenantId{5}).outcome, RouteOutcome::kUnknownTenant);
  EXPECT_EQ(router.route(TenantId{0}).cell, CellId{0});
}

TEST(Router, KeepsRoutingWhenNoNewSnapshotsArrive) {
  Router router;
  ASSERT_TRUE(router.accept(snapshot(1)).is_ok());
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(router.route(TenantId{1}).outcome, RouteOutcome::kRouted);
}

TEST(Disposition, HasStableNames) {
  EXPECT_EQ(to_string(Disposition::kServed), "served");
  EXPECT_EQ(to_string(Disposition::kCellCrashed), "cell_crashed");
  EXPECT_EQ(to_string(Disposition::kNoHealthyCell), "no_healthy_cell");
  EXPECT_EQ(to_string(Disposition::kUnknownTenant), "unknown_tenant");
  EXPECT_EQ(to_string(RouteOutcome::kRouted), "routed");
}

// --- Properties, checked against a direct reading of the rules. ---

struct World {
  RoutingSnapshot snapshot;
  std::vector<bool> unhealthy;  // by cell id
};

rc::Gen<World> gen_world() {
  return rc::gen::mapcat(rc::gen::inRange<std::uint32_t>(1, 9), [](std::uint32_t n) {
    return rc::gen::map(
        rc::gen::pair(rc::gen::container<std::vector<std::vector<std::uint32_t>>>(
                          rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint32_t>>(
                              rc::gen::inRange<std::uint32_t>(0, n)))),
                      rc::gen::container<std::vector<bool>>(n, rc::gen::arbitrary<bool>())),
        [n](const auto& parts) {
          World w;
          w.snapshot.version = 1;
          w.snapshot.allow_empty = true;  // the generated fleet may have no tenant
          for (std::uint32_t c = 0; c < n; ++c)
            w.snapshot.cells.push_back(CellId{c});
          std::uint32_t tenant = 0;
          for (const auto& raw_shard : parts.first) {
            Shard shard;
            for (std::uint32_t c : raw_shard) {
              if (std::find(shard.begin(), shard.end(), CellId{c}) == shard.end()) {
                shard.push_back(CellId{c});
              }
            }
            w.snapshot.shards.push_back({TenantId{tenant++}, shard});
          }
          w.unhealthy = parts.second;
          return w;
        });
  });
}

Router router_for(const World& w) {
  Router router;
  RC_ASSERT(router.accept(w.snapshot).is_ok());
  for (std::size_t c = 0; c < w.unhealthy.size(); ++c) {
    if (w.unhealthy[c]) router.mark_unhealthy(CellId{static_cast<std::uint32_t>(c)});
  }
  return router;
}

// The cells of a shard route_attempt may pick: untried, healthy, among the first 16.
std::vector<CellId> eligible(const World& w, const Shard& shard, std::uint32_t tried) {
  std::vector<CellId> out;
  for (std::size_t i = 0; i < std::min<std::size_t>(shard.size(), kMaxCandidates); ++i) {
    if (((tried >> i) & 1u) == 0 && !w.unhealthy[raw(shard[i])]) out.push_back(shard[i]);
  }
  return out;
}

// One request's view: a routing mode, the candidates it tried, its key and cells' loads.
struct Ask {
  RouterPolicy policy;
  std::uint32_t tried = 0;
  std::uint64_t key = 0;
  std::vector<std::uint32_t> load;  // by cell id
};

rc::Gen<Ask> gen_ask() {
  return rc::gen::build<Ask>(
      rc::gen::set(&Ask::policy, rc::gen::map(rc::gen::arbitrary<bool>(),
                                              [](bool spread) {
                                                return RouterPolicy{
                                                    .routing = spread ? RoutingMode::kSpread
                                                                      : RoutingMode::kFirstHealthy};
                                              })),
      rc::gen::set(&Ask::tried, rc::gen::inRange<std::uint32_t>(0, 1u << 9)),
      rc::gen::set(&Ask::key, rc::gen::arbitrary<std::uint64_t>()),
      rc::gen::set(&Ask::load, rc::gen::container<std::vector<std::uint32_t>>(
                                   9, rc::gen::inRange<std::uint32_t>(0, 4))));
}

Attempt decide(const Router& router, const Ask& ask, TenantId tenant) {
  const auto load = [&](CellId c) { return std::uint64_t{ask.load[raw(c)]}; };
  return route_attempt(router.table(), router.health(), tenant, ask.policy, ask.tried,
                       FixedKey{ask.key}, load);
}

RC_GTEST_PROP(RouterProperty, NeverRoutesOutsideTheShardOrToAnUnhealthyOrTriedCell, ()) {
  const World w = *gen_world();
  const Ask ask = *gen_ask();
  const Router router = router_for(w);
  for (const auto& [tenant, shard] : w.snapshot.shards) {
    const Attempt a = decide(router, ask, tenant);
    if (a.route.outcome != RouteOutcome::kRouted) continue;
    RC_ASSERT(a.candidate < shard.size());
    RC_ASSERT(shard[a.candidate] == a.route.cell);
    RC_ASSERT(!w.unhealthy[raw(a.route.cell)]);
    RC_ASSERT(((ask.tried >> a.candidate) & 1u) == 0u);
  }
}

RC_GTEST_PROP(RouterProperty, NoHealthyCellExactlyWhenNoCellIsEligible, ()) {
  const World w = *gen_world();
  const Ask ask = *gen_ask();
  const Router router = router_for(w);
  for (const auto& [tenant, shard] : w.snapshot.shards) {
    const bool none = eligible(w, shard, ask.tried).empty();
    RC_ASSERT((decide(router, ask, tenant).route.outcome == RouteOutcome::kNoHealthyCell) == none);
  }
}

RC_GTEST_PROP(RouterProperty, FirstHealthyPicksFirstEligibleCellInPreferenceOrder, ()) {
  const World w = *gen_world();
  Ask ask = *gen_ask();
  ask.policy.routing = RoutingMode::kFirstHealthy;
  const Router router = router_for(w);
  for (const auto& [tenant, shard] : w.snapshot.shards) {
    const std::vector<CellId> cells = eligible(w, shard, ask.tried);
    if (cells.empty()) continue;
    RC_ASSERT(decide(router, ask, tenant).route.cell == cells.front());
    if (ask.tried == 0) RC_ASSERT(router.route(tenant).cell == cells.front());
  }
}

RC_GTEST_PROP(RouterProperty, SpreadNeverPicksTheMostLoadedOfSeveralEligibleCellsAlone, ()) {
  const World w = *gen_world();
  Ask ask = *gen_ask();
  ask.policy.routing = RoutingMode::kSpread;
  const Router router = router_for(w);
  for (const auto& [tenant, shard] : w.snapshot.shards) {
    const std::vector<CellId> cells = eligible(w, shard, ask.tried);
    if (cells.size() < 2) continue;
    const CellId picked = decide(router, ask, tenant).route.cell;
    // It won a draw of two distinct cells: some other eligible cell is at least as loaded.
    RC_ASSERT(std::any_of(cells.begin(), cells.end(), [&](CellId c) {
      return c != picked && ask.load[raw(c)] >= ask.load[raw(picked)];
    }));
  }
}

RC_GTEST_PROP(RouterProperty, NeverAcceptsAnOlderOrInvalidTable,
              (std::uint64_t current, std::uint64_t offered, bool corrupt)) {
  const World w = *gen_world();
  RC_PRE(current > 0);
  Router router;
  RoutingSnapshot first = w.snapshot;
  first.version = current;
  RC_ASSERT(router.accept(first).is_ok());
  RoutingSnapshot next = w.snapshot;
  next.version = offered;
  if (corrupt) next.shards.push_back({TenantId{999999}, {CellId{1000}}});  // unknown cell
  const Status s = router.accept(next);
  const bool should_accept = offered > current && !corrupt;
  RC_ASSERT(s.is_ok() == should_accept);
  RC_ASSERT(router.version() == (should_accept ? offered : current));
}

}  // namespace
}  // namespace cellkit

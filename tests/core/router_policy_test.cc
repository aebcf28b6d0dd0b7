#include "cellkit/core/router_policy.h"

#include <gtest/gtest.h>

namespace cellkit {
namespace {

RoutingTable table() {
  RoutingSnapshot s{.version = 3,
                    .cells = {CellId{0}, CellId{1}, CellId{2}, CellId{3}},
                    .shards = {{TenantId{0}, {CellId{1}, CellId{2}}}}};
  return RoutingTable::build(s).value();
}

TEST(RouterPolicy, RejectsZeroAttempts) {
  RouterPolicy p{.max_attempts = 0};
  EXPECT_EQ(p.validate().message(), "max_attempts (0) must be between 1 and 32");
}

TEST(RouteAttempt, SkipsCandidatesAlreadyTried) {
  HealthView health;
  const Attempt a = route_attempt(table(), health, TenantId{0}, RouterPolicy{}, 0b01);
  EXPECT_EQ(a.route.outcome, RouteOutcome::kRouted);
  EXPECT_EQ(a.route.cell, CellId{2});
  EXPECT_EQ(a.candidate, 1u);
  EXPECT_EQ(a.route.version, 3u);
}

TEST(RouteAttempt, WithoutFailoverRefusesWhenFirstCellIsUnhealthy) {
  HealthView health;
  health.mark_unhealthy(CellId{1});
  RouterPolicy p{.failover = false};
  EXPECT_EQ(route_attempt(table(), health, TenantId{0}, p, 0).route.outcome,
            RouteOutcome::kNoHealthyCell);
  p.failover = true;
  EXPECT_EQ(route_attempt(table(), health, TenantId{0}, p, 0).route.cell, CellId{2});
}

TEST(RouteAttempt, ReportsUnknownTenant) {
  HealthView health;
  EXPECT_EQ(route_attempt(table(), health, TenantId{9}, RouterPolicy{}, 0).route.outcome,
            RouteOutcome::kUnknownTenant);
}

TEST(CandidateCells, NaivePolicyReplacesDeadCellsWithNextHealthyCellOutsideShard) {
  HealthView health;
  health.mark_unhealthy(CellId{1});
  health.mark_unhealthy(CellId{2});
  RouterPolicy naive{.replace_dead_cells = true};
  EXPECT_EQ(candidate_cells(table(), health, TenantId{0}, naive), (Shard{CellId{3}, CellId{0}}));
  EXPECT_EQ(candidate_cells(table(), health, TenantId{0}, RouterPolicy{}),
            (Shard{CellId{1}, CellId{2}}));
}

TEST(CandidateCells, NaivePolicyKeepsDeadCellWhenNoReplacementIsLeft) {
  HealthView health;
  for (std::uint32_t c = 0; c < 4; ++c)
    health.mark_unhealthy(CellId{c});
  RouterPolicy naive{.replace_dead_cells = true};
  EXPECT_EQ(candidate_cells(table(), health, TenantId{0}, naive), (Shard{CellId{1}, CellId{2}}));
  EXPECT_EQ(route_attempt(table(), health, TenantId{0}, naive, 0).route.outcome,
            RouteOutcome::kNoHealthyCell);
}

}  // namespace
}  // namespace cellkit

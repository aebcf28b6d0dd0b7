#include "cellkit/core/router_policy.h"

#include <array>

#include <gtest/gtest.h>

#include "cellkit/base/random.h"

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
  EXPECT_EQ(p.validate().message(), "max_attempts (0) must be between 1 and 16");
}

TEST(RouterPolicy, RejectsMoreAttemptsThanARequestCanTrack) {
  EXPECT_TRUE(RouterPolicy{.max_attempts = 16}.validate().is_ok());
  EXPECT_EQ(RouterPolicy{.max_attempts = 17}.validate().message(),
            "max_attempts (17) must be between 1 and 16");
}

TEST(RouterPolicy, RejectsSpreadWithoutFailover) {
  RouterPolicy p{.routing = RoutingMode::kSpread, .failover = false};
  EXPECT_EQ(p.validate().message(),
            "routing (spread) needs failover: without it only a shard's first cell is eligible");
}

TEST(RoutingMode, NamesParseBackAndUnknownNamesDoNot) {
  for (RoutingMode m : {RoutingMode::kFirstHealthy, RoutingMode::kSpread}) {
    EXPECT_EQ(parse_routing_mode(to_string(m)), m);
  }
  EXPECT_EQ(to_string(RoutingMode::kSpread), "spread");
  EXPECT_EQ(to_string(RoutingMode::kFirstHealthy), "first-healthy");
  EXPECT_EQ(parse_routing_mode("first_healthy"), std::nullopt);
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

RoutingTable wide_table(std::uint32_t shard_size) {
  RoutingSnapshot s{.version = 1};
  Shard shard;
  for (std::uint32_t c = 0; c < shard_size; ++c) {
    s.cells.push_back(CellId{c});
    shard.push_back(CellId{c});
  }
  s.shards = {{TenantId{0}, shard}};
  return RoutingTable::build(s).value();
}

TEST(RouteAttempt, OnlyTheFirstSixteenCellsOfAShardAreEligible) {
  const RoutingTable t = wide_table(20);
  HealthView health;
  for (std::uint32_t c = 0; c < 16; ++c)
    health.mark_unhealthy(CellId{c});
  EXPECT_EQ(route_attempt(t, health, TenantId{0}, RouterPolicy{}, 0).route.outcome,
            RouteOutcome::kNoHealthyCell);
  health.mark_healthy(CellId{15});
  EXPECT_EQ(route_attempt(t, health, TenantId{0}, RouterPolicy{}, 0).route.cell, CellId{15});
}

TEST(RouteAttempt, SpreadTakesTheLessLoadedOfTwoWhateverTheKey) {
  HealthView health;
  const RouterPolicy spread{.routing = RoutingMode::kSpread};
  const auto load = [](CellId c) { return c == CellId{1} ? std::uint64_t{5} : std::uint64_t{2}; };
  for (std::uint64_t key : {0ull, 1ull, 0x9e3779b97f4a7c15ull, ~0ull}) {
    const Attempt a = route_attempt(table(), health, TenantId{0}, spread, 0, FixedKey{key}, load);
    EXPECT_EQ(a.route.cell, CellId{2}) << "key " << key;
    EXPECT_EQ(a.candidate, 1u);
  }
}

TEST(RouteAttempt, SpreadSplitsEqualLoadsByTheKey) {
  const RoutingTable t = wide_table(4);
  HealthView health;
  const RouterPolicy spread{.routing = RoutingMode::kSpread};
  std::array<int, 4> picks{};
  Random random(7);
  for (int i = 0; i < 4000; ++i) {
    ++picks[raw(
        route_attempt(t, health, TenantId{0}, spread, 0, FixedKey{random.next_u64()}).route.cell)];
  }
  for (int count : picks)
    EXPECT_NEAR(count, 1000, 150);
}

TEST(RouteAttempt, SpreadSkipsTriedAndUnhealthyCellsAndTakesTheOnlyOneLeft) {
  const RoutingTable t = wide_table(4);
  HealthView health;
  health.mark_unhealthy(CellId{0});
  health.mark_unhealthy(CellId{3});
  const RouterPolicy spread{.routing = RoutingMode::kSpread};
  for (std::uint64_t key = 0; key < 64; ++key) {
    EXPECT_EQ(
        route_attempt(t, health, TenantId{0}, spread, 0b0100, FixedKey{key * 0x9e3779b97f4a7c15ull})
            .route.cell,
        CellId{1});
  }
  EXPECT_EQ(route_attempt(t, health, TenantId{0}, spread, 0b0110, FixedKey{1}).route.outcome,
            RouteOutcome::kNoHealthyCell);
}

// A key that counts how often it is asked for.
struct CountingKey {
  int* calls;
  std::uint64_t operator()() const { return ++*calls, 0x9e3779b97f4a7c15ull; }
};

TEST(RouteAttempt, FirstHealthyNeverAsksForTheKey) {
  const RoutingTable t = wide_table(4);
  HealthView health;
  health.mark_unhealthy(CellId{0});
  int calls = 0;
  for (std::uint32_t tried : {0b0000u, 0b0010u, 0b0110u, 0b1110u}) {
    (void)route_attempt(t, health, TenantId{0}, RouterPolicy{}, tried, CountingKey{&calls});
  }
  EXPECT_EQ(calls, 0);
}

TEST(RouteAttempt, SpreadAsksForTheKeyOncePerAttemptOfAKnownTenant) {
  const RoutingTable t = wide_table(4);
  HealthView health;
  const RouterPolicy spread{.routing = RoutingMode::kSpread};
  int calls = 0;
  for (std::uint32_t tried : {0b0000u, 0b0111u, 0b1111u}) {
    (void)route_attempt(t, health, TenantId{0}, spread, tried, CountingKey{&calls});
  }
  EXPECT_EQ(calls, 3);
  (void)route_attempt(t, health, TenantId{9}, spread, 0b0000, CountingKey{&calls});
  EXPECT_EQ(calls, 3) << "an unknown tenant has nothing to draw from";
}

}  // namespace
}  // namespace cellkit

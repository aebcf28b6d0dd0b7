// The router's routing modes in the simulator: first-healthy loads a shard's first cell,
// spread evens the cells' load, and both keep a poison request to the cells it kills.
#include <algorithm>

#include <gtest/gtest.h>

#include "cellkit/sim/simulator.h"

namespace cellkit::sim {
namespace {

// scenarios/poison-k2.yaml's fleet: 8 cells of 4 servers, 28 tenants on the 28 distinct
// pairs of cells, 20 requests per second each, 10 ms of service; no poison.
Scenario pairs_fleet(RoutingMode routing) {
  Scenario s;
  s.seed = 1;
  s.until = std::chrono::minutes(1);
  s.interval = std::chrono::minutes(1);
  s.cells.count = 8;
  s.cells.servers = 4;
  s.cells.service = {.kind = ServiceKind::kExponential, .mean = std::chrono::milliseconds(10)};
  s.tenants.count = 28;
  s.tenants.placement = kExplicitShards;
  for (std::uint32_t a = 0; a < 8; ++a) {
    for (std::uint32_t b = a + 1; b < 8; ++b)
      s.tenants.shards.push_back({CellId{a}, CellId{b}});
  }
  s.workload.rate = 560;
  s.router.policy.routing = routing;
  return s;
}

std::vector<double> utilization(const RunResult& r) {
  std::vector<double> u;
  for (const CellResult& c : r.cells)
    u.push_back(c.utilization);
  return u;
}

TEST(SimulatorRouting, FirstHealthyLoadsEachShardsFirstCell) {
  Result<RunResult> r = simulate(pairs_fleet(RoutingMode::kFirstHealthy), 1);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const std::vector<double> u = utilization(*r);
  // Cell i is first for the 7 - i tenants on (i, j > i): 7 × 20/s × 10 ms / 4 servers.
  EXPECT_NEAR(u[0], 0.35, 0.03);
  EXPECT_EQ(u[7], 0.0) << "cell 7 is never a shard's first cell";
}

TEST(SimulatorRouting, SpreadEvensPerCellUtilisation) {
  Result<RunResult> r = simulate(pairs_fleet(RoutingMode::kSpread), 1);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const std::vector<double> u = utilization(*r);
  // Every cell carries half of its 7 tenants: 3.5 × 20/s × 10 ms / 4 servers = 0.175.
  for (std::size_t c = 0; c < u.size(); ++c)
    EXPECT_NEAR(u[c], 0.175, 0.02) << "cell " << c;
  const auto [low, high] = std::minmax_element(u.begin(), u.end());
  EXPECT_LT(*high / *low, 1.2);
  EXPECT_EQ(r->count(Outcome::kServed), r->arrivals);
}

TEST(SimulatorRouting, SpreadKeepsThePoisonToTwoCellsAndIsReproducible) {
  Scenario s = pairs_fleet(RoutingMode::kSpread);
  s.until = std::chrono::minutes(5);
  s.faults.poison.push_back({.tenant = 0, .probability = 1.0, .limit = 1000});
  Result<RunResult> r = simulate(s, 1);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->blast.cells_crashed, 2u);
  EXPECT_EQ(r->blast.tenants_down, 1u);
  EXPECT_EQ(r->tenants[0].count(Outcome::kCellCrashed), 2u);
  Result<RunResult> again = simulate(s, 1);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(utilization(*again), utilization(*r));
  EXPECT_EQ(again->tenants[5].outcomes, r->tenants[5].outcomes);
}

}  // namespace
}  // namespace cellkit::sim

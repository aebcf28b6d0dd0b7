// The acceptance criteria for the simulator, each small enough to run in about a
// second.
#include <cmath>

#include <gtest/gtest.h>

#include "cellkit/sim/replications.h"
#include "cellkit/sim/simulator.h"

namespace cellkit::sim {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a.
double erlang_c(int c, double a) {
  double term = 1, sum = 0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double top = term * c / (c - a);  // a^c/c! · 1/(1-ρ)
  return top / (sum + top);
}

TEST(Acceptance, MMcWaitAndUtilizationMatchErlangCWithin95PercentInterval) {
  Scenario s;
  s.cells.count = 1;
  s.cells.servers = 4;
  s.cells.queue_limit = 1'000'000;
  s.cells.service = {.kind = ServiceKind::kExponential, .mean = milliseconds(10)};
  s.tenants.count = 1;
  s.tenants.shard_size = 1;
  s.workload.rate = 280;  // a = 2.8, ρ = 0.7
  s.until = seconds(200);
  s.interval = seconds(200);
  Result<std::vector<RunResult>> runs = replicate(s, 10);
  ASSERT_TRUE(runs.is_ok()) << runs.status().message();
  std::vector<double> waits, utilization;
  for (const RunResult& r : *runs) {
    waits.push_back(r.wait.mean_us() / 1000.0);
    utilization.push_back(r.cells[0].utilization);
  }
  const double mu = 100.0, lambda = 280.0;
  const double expected_wait_ms = erlang_c(4, lambda / mu) / (4 * mu - lambda) * 1000.0;
  const Estimate wait = estimate(waits);
  const Estimate rho = estimate(utilization);
  EXPECT_NEAR(wait.mean, expected_wait_ms, wait.half_width)
      << "Erlang-C mean wait " << expected_wait_ms << " ms";
  EXPECT_NEAR(rho.mean, 0.7, rho.half_width);
  EXPECT_LT(wait.half_width, 0.15 * expected_wait_ms);  // the interval is informative
}

TEST(Acceptance, CrashRestartCellIsAvailableMtbfOverMtbfPlusMttr) {
  Scenario s;
  s.cells.count = 1;
  s.cells.mtbf = minutes(10);
  s.cells.mttr = minutes(2);
  s.tenants.count = 1;
  s.tenants.shard_size = 1;
  s.workload.rate = 0.5;
  s.router.health_check_interval = seconds(2);
  s.until = hours(200);
  s.interval = hours(200);
  Result<RunResult> r = simulate(s, 1);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const double expected = 10.0 / 12.0;
  const double uptime = 1.0 - static_cast<double>(r->cells[0].down_for.count()) /
                                  static_cast<double>(s.until.count());
  EXPECT_GT(r->cells[0].crashes, 800u);
  EXPECT_NEAR(uptime, expected, 0.02);
  EXPECT_NEAR(r->availability(), expected, 0.02);
}

// 8 cells, k = 2, 28 tenants on the 28 distinct pairs; tenant 0 (cells 0 and 1) poisons
// everything it reaches, 1,000 times.
Scenario poison_pairs() {
  Scenario s;
  s.cells.count = 8;
  s.tenants.count = 28;
  s.tenants.placement = kExplicitShards;
  for (std::uint32_t a = 0; a < 8; ++a) {
    for (std::uint32_t b = a + 1; b < 8; ++b)
      s.tenants.shards.push_back({CellId{a}, CellId{b}});
  }
  s.workload.rate = 560;  // 20 requests per second per tenant
  s.until = minutes(5);
  s.faults.poison.push_back({.tenant = 0, .probability = 1.0, .limit = 1000});
  return s;
}

TEST(Acceptance, ContainmentLimitsPoisonToTheTenantsTwoCells) {
  Result<RunResult> r = simulate(poison_pairs(), 1);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->poison_requests, 1000u);
  EXPECT_EQ(r->blast.cells_crashed, 2u);
  EXPECT_EQ(r->blast.tenants_down, 1u);
  EXPECT_EQ(r->blast.tenants_degraded, 12u);
  EXPECT_EQ(r->blast.tenants_untouched, 15u);
  EXPECT_GT(r->count(Outcome::kQuarantined), 900u);  // quarantine stops it reaching cells
  EXPECT_TRUE(r->tenants[0].poison);
  for (const CellResult& c : r->cells) {
    EXPECT_EQ(c.crashes > 0, raw(c.id) <= 1) << c.name;
  }
}

TEST(Acceptance, NaiveReplacementCascadesBeyondTheShard) {
  Scenario s = poison_pairs();
  s.router.policy.replace_dead_cells = true;
  s.router.policy.retry_after_crash = true;
  s.router.policy.quarantine_after = 0;
  Result<RunResult> r = simulate(s, 1);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_GT(r->blast.cells_crashed, 2u);
  EXPECT_GT(r->blast.tenants_down, 1u);
}

TEST(Acceptance, ControlPlaneDownTenMinutesFailsNoRequestOfTenantsWithHealthyCells) {
  Scenario s;
  s.cells.count = 8;
  s.tenants.count = 28;
  s.workload.rate = 1000;
  s.until = minutes(20);
  s.faults.control_plane_outages.push_back({.at = minutes(5), .duration = minutes(10)});
  s.faults.router_restarts.push_back(minutes(9));  // serves the persisted snapshot
  s.faults.cell_crashes.push_back({.at = minutes(7), .cell = 3, .duration = minutes(1)});
  Result<RunResult> r = simulate(s, 1);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  std::uint32_t healthy_tenants = 0;
  for (const TenantResult& t : r->tenants) {
    if (t.degraded_for > Duration::zero() || t.down_for > Duration::zero()) continue;
    ++healthy_tenants;
    EXPECT_EQ(t.count(Outcome::kServed), t.arrivals) << t.name;
  }
  EXPECT_GT(healthy_tenants, 10u);
  EXPECT_EQ(r->count(Outcome::kUnknownTenant), 0u);
  EXPECT_EQ(r->count(Outcome::kNoHealthyCell), 0u);  // k = 2: the others failed over
}

}  // namespace
}  // namespace cellkit::sim

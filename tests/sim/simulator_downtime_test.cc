// The time series' downtime figures: cell-time and tenant-time integrated over each interval.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cellkit/sim/simulator.h"

namespace cellkit::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// 4 cells in 2 zones (cells 0 and 2 in zone 0, 1 and 3 in zone 1), 60 s intervals. Tenants
// 0-3 sit on the pairs {0,1} {1,2} {2,3} {3,0}; tenant 4 on cell 1 alone.
Scenario fleet() {
  Scenario s;
  s.cells.count = 4;
  s.cells.zones = 2;
  s.tenants.count = 5;
  s.tenants.placement = kExplicitShards;
  s.tenants.shards = {{CellId{0}, CellId{1}},
                      {CellId{1}, CellId{2}},
                      {CellId{2}, CellId{3}},
                      {CellId{3}, CellId{0}},
                      {CellId{1}}};
  s.workload.rate = 20;
  s.until = minutes(4);
  s.interval = seconds(60);
  return s;
}

RunResult run(const Scenario& s, std::uint64_t seed = 1) {
  Result<RunResult> r = simulate(s, seed);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return std::move(r).value();
}

struct Totals {
  Duration cell_down{};
  Duration tenant_down{};
  Duration tenant_degraded{};
};

Totals interval_sums(const RunResult& r) {
  Totals t;
  for (const IntervalResult& i : r.intervals) {
    t.cell_down += i.cell_down;
    t.tenant_down += i.tenant_down;
    t.tenant_degraded += i.tenant_degraded;
  }
  return t;
}

Duration cells_down_for(const RunResult& r) {
  Duration sum{};
  for (const CellResult& c : r.cells)
    sum += c.down_for;
  return sum;
}

TEST(SimulatorDowntime, CrashInsideOneIntervalCountsThereThoughTheSnapshotMissesIt) {
  Scenario s = fleet();
  s.faults.cell_crashes.push_back({.at = seconds(90), .cell = 1, .duration = seconds(5)});
  const RunResult r = run(s);
  ASSERT_EQ(r.intervals.size(), 4u);
  for (std::size_t i = 0; i < r.intervals.size(); ++i) {
    const IntervalResult& in = r.intervals[i];
    EXPECT_EQ(in.healthy_cells, 4u) << i;  // back up before every interval's end
    EXPECT_EQ(in.cell_down, i == 1 ? seconds(5) : Duration::zero()) << i;
    // Tenants 0 and 1 lose one of their two cells; tenant 4 its only one.
    EXPECT_EQ(in.tenant_degraded, i == 1 ? seconds(10) : Duration::zero()) << i;
    EXPECT_EQ(in.tenant_down, i == 1 ? seconds(5) : Duration::zero()) << i;
  }
}

TEST(SimulatorDowntime, CrashAcrossAnIntervalsEndSplitsExactlyAtIt) {
  Scenario s = fleet();
  s.faults.cell_crashes.push_back({.at = milliseconds(58'500), .cell = 1, .duration = seconds(5)});
  const RunResult r = run(s);
  ASSERT_EQ(r.intervals.size(), 4u);
  EXPECT_EQ(r.intervals[0].cell_down, milliseconds(1'500));
  EXPECT_EQ(r.intervals[1].cell_down, milliseconds(3'500));
  EXPECT_EQ(r.intervals[0].tenant_down, milliseconds(1'500));
  EXPECT_EQ(r.intervals[1].tenant_down, milliseconds(3'500));
  EXPECT_EQ(r.intervals[0].tenant_degraded, milliseconds(3'000));
  EXPECT_EQ(r.intervals[1].tenant_degraded, milliseconds(7'000));
  EXPECT_EQ(r.intervals[0].healthy_cells, 3u);  // the snapshot at 60 s sees it down
  EXPECT_EQ(r.intervals[2].cell_down, Duration::zero());
}

TEST(SimulatorDowntime, ZoneOutageCountsEveryCellOfTheZone) {
  Scenario s = fleet();
  s.faults.zone_outages.push_back({.at = seconds(50), .zone = 1, .duration = seconds(20)});
  const RunResult r = run(s);
  ASSERT_EQ(r.intervals.size(), 4u);
  // Cells 1 and 3, 10 s on each side of the 60 s boundary.
  EXPECT_EQ(r.intervals[0].cell_down, seconds(20));
  EXPECT_EQ(r.intervals[1].cell_down, seconds(20));
  EXPECT_EQ(r.intervals[2].cell_down, Duration::zero());
  // Tenants 0-3 each lose one cell of two; tenant 4 loses its only one.
  EXPECT_EQ(r.intervals[0].tenant_degraded, seconds(40));
  EXPECT_EQ(r.intervals[0].tenant_down, seconds(10));
  EXPECT_EQ(r.intervals[1].tenant_down, seconds(10));
}

TEST(SimulatorDowntime, OutageLastingPastTheRunsEndCountsUpToTheEndInTheLastInterval) {
  Scenario s = fleet();
  s.faults.cell_crashes.push_back({.at = seconds(235), .cell = 2, .duration = minutes(1)});
  const RunResult r = run(s);
  ASSERT_EQ(r.intervals.size(), 4u);
  EXPECT_EQ(r.intervals[3].cell_down, seconds(5));
  EXPECT_EQ(r.intervals[3].tenant_degraded, seconds(10));
  EXPECT_EQ(r.cells[2].down_for, seconds(5));
}

TEST(SimulatorDowntime, OverlappingCrashesOfOneCellCountItOnce) {
  Scenario s = fleet();
  s.faults.cell_crashes.push_back({.at = seconds(10), .cell = 0, .duration = seconds(10)});
  s.faults.cell_crashes.push_back({.at = seconds(15), .cell = 0, .duration = seconds(10)});
  const RunResult r = run(s);
  EXPECT_EQ(r.intervals[0].cell_down, seconds(15));  // 10 s .. 25 s
  EXPECT_EQ(r.intervals[0].tenant_degraded, seconds(30));
}

// The control plane learns of a crash only at the next health check, so it may place a new
// tenant on a cell that is down: the tenant starts degraded, and recovers with the cell.
TEST(SimulatorDowntime, TenantOnboardedOntoADownCellStartsDegradedAndRecovers) {
  Scenario s;
  s.cells.count = 2;
  s.tenants.count = 1;
  s.tenants.shard_size = 2;
  s.workload.rate = 20;
  s.until = seconds(40);
  s.interval = seconds(10);
  s.router.health_check_interval = seconds(5);
  s.faults.cell_crashes.push_back({.at = seconds(1), .cell = 0, .duration = seconds(10)});
  s.growth.onboarding.push_back({.at = seconds(2), .count = 1});
  const RunResult r = run(s);
  ASSERT_EQ(r.tenants.size(), 2u);
  // Both tenants use both cells: degraded from the crash (1 s) or onboarding (2 s) to 11 s.
  EXPECT_EQ(r.tenants[0].degraded_for, seconds(10));
  EXPECT_EQ(r.tenants[1].degraded_for, seconds(9));
  EXPECT_EQ(r.blast.tenants_degraded, 2u);
  EXPECT_EQ(r.intervals[0].tenant_degraded, seconds(9 + 8));
  EXPECT_EQ(r.intervals[1].tenant_degraded, seconds(2));
  EXPECT_EQ(r.intervals[3].tenants_degraded, 0u);
}

// Crashes (scheduled, random, poison, zone), growth and rebalancing in random mixes: the
// intervals' downtime adds up to the run's figures.
RC_GTEST_PROP(SimulatorDowntime, IntervalSumsEqualTheRunsDowntimeTotals, ()) {
  Scenario s;
  s.until = milliseconds(*rc::gen::inRange(500, 12'000));
  s.interval = milliseconds(*rc::gen::inRange(200, 4'000));
  s.cells.count = *rc::gen::inRange<std::uint32_t>(1, 7);
  s.cells.zones = *rc::gen::inRange<std::uint32_t>(1, s.cells.count + 1);
  s.cells.mtbf = milliseconds(*rc::gen::inRange(0, 4'000));
  s.cells.mttr = milliseconds(*rc::gen::inRange(1, 2'000));
  s.cells.restart_after = milliseconds(*rc::gen::inRange(1, 3'000));
  s.tenants.count = *rc::gen::inRange<std::uint32_t>(1, 20);
  s.tenants.shard_size = *rc::gen::inRange<std::uint32_t>(1, s.cells.count + 1);
  s.tenants.placement = *rc::gen::element(Strategy::kRandom, Strategy::kLeastLoaded);
  s.workload.rate = *rc::gen::inRange(0, 500);
  s.router.policy.replace_dead_cells = *rc::gen::arbitrary<bool>();
  s.router.policy.retry_after_crash = *rc::gen::arbitrary<bool>();
  if (*rc::gen::arbitrary<bool>()) s.faults.poison.push_back({.tenant = 0, .probability = 0.05});
  const auto crashes = *rc::gen::inRange(0, 5);
  for (int i = 0; i < crashes; ++i) {
    s.faults.cell_crashes.push_back(
        {.at = *rc::gen::inRange<Duration::rep>(0, s.until.count()) * Duration(1),
         .cell = *rc::gen::inRange<std::uint32_t>(0, s.cells.count),
         .duration = milliseconds(*rc::gen::inRange(0, 6'000))});
  }
  if (*rc::gen::arbitrary<bool>()) {
    s.faults.zone_outages.push_back(
        {.at = *rc::gen::inRange<Duration::rep>(0, s.until.count()) * Duration(1),
         .zone = *rc::gen::inRange<std::uint32_t>(0, s.cells.zones),
         .duration = milliseconds(*rc::gen::inRange(1, 5'000))});
  }
  if (*rc::gen::arbitrary<bool>()) {
    s.growth.scale_out.push_back({.at = milliseconds(*rc::gen::inRange(0, 10'000)), .cells = 2});
    s.growth.rebalance = *rc::gen::arbitrary<bool>();
  }
  if (*rc::gen::arbitrary<bool>()) {
    s.growth.onboarding.push_back({.at = milliseconds(*rc::gen::inRange(0, 10'000)), .count = 3});
  }
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Result<RunResult> r = simulate(s, seed);
  if (!r.is_ok()) RC_FAIL(std::string(r.status().message()));
  const Totals sums = interval_sums(*r);
  RC_CLASSIFY(sums.cell_down > Duration::zero(), "cells down");
  RC_CLASSIFY(sums.tenant_down > Duration::zero(), "tenants down");
  RC_CLASSIFY(r->cells.size() > s.cells.count, "scaled out");
  RC_ASSERT(sums.cell_down == cells_down_for(*r));
  RC_ASSERT(sums.tenant_down == r->blast.down_time);
  RC_ASSERT(sums.tenant_degraded == r->blast.degraded_time);
  TimePoint start{};
  for (const IntervalResult& i : r->intervals) {
    const Duration span = i.end - start;
    RC_ASSERT(i.cell_down <= span * static_cast<std::int64_t>(r->cells.size()));
    RC_ASSERT(i.tenant_down + i.tenant_degraded <=
              span * static_cast<std::int64_t>(r->tenants.size()));
    start = i.end;
    // With every cell up at the interval's end, no tenant is down or degraded then.
    if (i.healthy_cells == i.cell_utilization.size()) {
      RC_ASSERT(i.tenants_down == 0u);
      RC_ASSERT(i.tenants_degraded == 0u);
    }
  }
}

}  // namespace
}  // namespace cellkit::sim

#include "cellkit/sim/simulator.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace cellkit::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

Scenario small() {
  Scenario s;
  s.cells.count = 4;
  s.tenants.count = 10;
  s.workload.rate = 500;
  s.until = seconds(20);
  s.interval = seconds(5);
  return s;
}

RunResult run(const Scenario& s, std::uint64_t seed = 1) {
  Result<RunResult> r = simulate(s, seed);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return std::move(r).value();
}

void expect_accounting_adds_up(const RunResult& r) {
  EXPECT_EQ(total(r.outcomes), r.arrivals);
  std::uint64_t tenant_arrivals = 0, tenant_outcomes = 0, interval_outcomes = 0;
  for (const TenantResult& t : r.tenants) {
    tenant_arrivals += t.arrivals;
    tenant_outcomes += total(t.outcomes);
    EXPECT_EQ(total(t.outcomes), t.arrivals) << t.name;
  }
  for (const IntervalResult& i : r.intervals)
    interval_outcomes += total(i.outcomes);
  EXPECT_EQ(tenant_arrivals, r.arrivals);
  EXPECT_EQ(tenant_outcomes, r.arrivals);
  EXPECT_EQ(interval_outcomes, r.arrivals);
}

TEST(Simulator, EveryArrivalEndsInExactlyOneOutcome) {
  Scenario s = small();
  s.faults.poison.push_back({.tenant = 1, .probability = 0.01});
  s.faults.cell_crashes.push_back({.at = seconds(5), .cell = 2});
  s.workload.timeout = milliseconds(40);
  const RunResult r = run(s);
  EXPECT_GT(r.arrivals, 9000u);
  expect_accounting_adds_up(r);
}

RC_GTEST_PROP(Simulator, OutcomesAddUpToArrivalsUnderAnyFaults, ()) {
  Scenario s = small();
  s.until = seconds(*rc::gen::inRange(1, 10));
  s.cells.count = *rc::gen::inRange<std::uint32_t>(1, 6);
  s.cells.servers = *rc::gen::inRange<std::uint32_t>(1, 4);
  s.cells.queue_limit = *rc::gen::inRange<std::uint32_t>(0, 20);
  s.cells.zones = *rc::gen::inRange<std::uint32_t>(1, s.cells.count + 1);
  s.cells.mtbf = seconds(*rc::gen::inRange(0, 5));
  s.cells.mttr = seconds(1);
  s.cells.restart_after = seconds(*rc::gen::inRange(1, 5));
  s.tenants.shard_size = *rc::gen::inRange<std::uint32_t>(1, s.cells.count + 1);
  s.workload.rate = *rc::gen::inRange(0, 2000);
  s.workload.timeout = milliseconds(*rc::gen::inRange(0, 100));
  s.router.policy.failover = *rc::gen::arbitrary<bool>();
  s.router.policy.max_attempts = *rc::gen::inRange<std::uint32_t>(1, 4);
  s.router.policy.retry_after_crash = *rc::gen::arbitrary<bool>();
  s.router.policy.replace_dead_cells = *rc::gen::arbitrary<bool>();
  s.router.policy.quarantine_after = *rc::gen::inRange<std::uint32_t>(0, 3);
  s.faults.poison.push_back({.tenant = 0, .probability = 0.05});
  // Faults start before until (validate() refuses the others).
  if (seconds(1) < s.until)
    s.faults.zone_outages.push_back({.at = seconds(1), .zone = 0, .duration = seconds(2)});
  s.faults.control_plane_outages.push_back({.at = milliseconds(500), .duration = seconds(3)});
  if (seconds(2) < s.until) s.faults.router_restarts.push_back(seconds(2));
  s.router.persist_snapshot = *rc::gen::arbitrary<bool>();
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Result<RunResult> r = simulate(s, seed);
  RC_ASSERT(r.is_ok());
  RC_ASSERT(total(r->outcomes) == r->arrivals);
  std::uint64_t by_tenant = 0;
  for (const TenantResult& t : r->tenants)
    by_tenant += total(t.outcomes);
  RC_ASSERT(by_tenant == r->arrivals);
}

// Regression: a victim of a crash retried on another cell once completed early when the
// dead cell's stale completion event fired, and was then served a second time.
TEST(Simulator, CrashVictimsRetriedElsewhereEndExactlyOnce) {
  Scenario s = small();
  s.until = seconds(1) + Duration(1);  // the outage at 1s starts just before the end
  s.cells.servers = 1;
  s.cells.queue_limit = 11;
  s.tenants.shard_size = 4;
  s.workload.rate = 180;
  s.router.policy.retry_after_crash = true;
  s.router.policy.quarantine_after = 0;
  s.faults.poison.push_back({.tenant = 0, .probability = 0.05});
  s.faults.zone_outages.push_back({.at = seconds(1), .zone = 0, .duration = seconds(2)});
  const RunResult r = run(s, 605836469150575826ULL);
  expect_accounting_adds_up(r);
}

TEST(Simulator, SameSeedGivesIdenticalResults) {
  Scenario s = small();
  s.faults.poison.push_back({.tenant = 1, .probability = 0.01});
  const RunResult a = run(s, 9);
  const RunResult b = run(s, 9);
  EXPECT_TRUE(a == b);  // every field, the timeline and the per-tenant figures included
  const RunResult c = run(s, 10);
  EXPECT_FALSE(a == c);
  EXPECT_NE(a.latency, c.latency);
}

TEST(Simulator, ShedsWhatExceedsServersAndQueue) {
  Scenario s = small();
  s.cells.count = 1;
  s.tenants.count = 1;
  s.tenants.shard_size = 1;
  s.cells.servers = 1;
  s.cells.queue_limit = 0;
  s.cells.service = {.kind = ServiceKind::kConstant, .mean = seconds(1)};
  s.workload.rate = 100;
  const RunResult r = run(s);
  EXPECT_LE(r.count(Outcome::kServed), 21u);
  EXPECT_GE(r.count(Outcome::kServed), 19u);
  EXPECT_EQ(r.count(Outcome::kShed), r.arrivals - r.count(Outcome::kServed));
  EXPECT_NEAR(r.cells[0].utilization, 1.0, 0.06);
}

Scenario two_cells_one_tenant() {
  Scenario s = small();
  s.cells.count = 2;
  s.tenants.count = 1;
  s.tenants.placement = kExplicitShards;
  s.tenants.shards = {{CellId{0}, CellId{1}}};
  s.workload.rate = 100;
  s.router.health_check_interval = seconds(1);
  s.faults.cell_crashes.push_back({.at = seconds(5), .cell = 0, .duration = seconds(10)});
  return s;
}

TEST(Simulator, FailoverWithinShardKeepsServingWhenOneCellIsDown) {
  const RunResult r = run(two_cells_one_tenant());
  EXPECT_EQ(r.count(Outcome::kNoHealthyCell), 0u);
  EXPECT_LE(r.count(Outcome::kCellCrashed), 4u);  // only what cell 0 held when it crashed
  EXPECT_GT(r.cells[1].served, 900u);
}

TEST(Simulator, WithoutFailoverTheTenantFailsWhileItsFirstCellIsDown) {
  Scenario s = two_cells_one_tenant();
  s.router.policy.failover = false;
  const RunResult r = run(s);
  EXPECT_GT(r.count(Outcome::kNoHealthyCell), 900u);
  EXPECT_EQ(r.cells[1].served, 0u);
}

TEST(Simulator, TimesOutRequestsThatWaitTooLong) {
  Scenario s = small();
  s.cells.count = 1;
  s.tenants.count = 1;
  s.tenants.shard_size = 1;
  s.cells.servers = 1;
  s.cells.queue_limit = 1000;
  s.cells.service = {.kind = ServiceKind::kConstant, .mean = milliseconds(20)};
  s.workload.rate = 100;  // twice what one server can do
  s.workload.timeout = milliseconds(500);
  const RunResult r = run(s);
  EXPECT_GT(r.count(Outcome::kTimedOut), 500u);
  EXPECT_LE(r.latency.max(), milliseconds(500));
}

TEST(Simulator, ZoneOutageTakesDownExactlyTheZonesCells) {
  Scenario s = small();
  s.cells.count = 6;
  s.cells.zones = 3;
  s.faults.zone_outages.push_back({.at = seconds(5), .zone = 1, .duration = seconds(5)});
  const RunResult r = run(s);
  for (const CellResult& c : r.cells) {
    EXPECT_EQ(c.crashes, raw(c.zone) == 1 ? 1u : 0u) << c.name;
    EXPECT_EQ(c.down_for, raw(c.zone) == 1 ? seconds(5) : Duration::zero()) << c.name;
  }
}

TEST(Simulator, RouterRestartWithoutPersistedSnapshotForgetsEveryTenant) {
  Scenario s = small();
  s.faults.control_plane_outages.push_back({.at = seconds(2), .duration = seconds(10)});
  s.faults.router_restarts.push_back(seconds(5));
  s.router.persist_snapshot = false;
  const RunResult forgetful = run(s);
  EXPECT_GT(forgetful.count(Outcome::kUnknownTenant), 3000u);
  s.router.persist_snapshot = true;
  const RunResult persisted = run(s);
  EXPECT_EQ(persisted.count(Outcome::kUnknownTenant), 0u);
}

TEST(Simulator, TimeSeriesHasOneEntryPerInterval) {
  const RunResult r = run(small());
  ASSERT_EQ(r.intervals.size(), 4u);
  EXPECT_EQ(r.intervals.back().end, TimePoint{} + seconds(20));
  EXPECT_EQ(r.intervals[0].healthy_cells, 4u);
  EXPECT_EQ(r.intervals[0].cell_utilization.size(), 4u);
}

// Each interval's latency percentiles come from the requests it served: intervals partition the
// served requests, so the run's percentile lies between the intervals' (a mixture's quantile
// lies between its parts').
TEST(Simulator, IntervalLatencyPercentilesPartitionTheRunsServedRequests) {
  Scenario s = small();
  s.cells.service = {.kind = ServiceKind::kExponential, .mean = milliseconds(20)};
  s.faults.cell_crashes.push_back({.at = seconds(7), .cell = 1, .duration = seconds(9)});
  const RunResult r = run(s);
  EXPECT_EQ(r.latency.count(), r.count(Outcome::kServed));
  Duration lowest = Duration::max(), highest = Duration::zero();
  for (const IntervalResult& i : r.intervals) {
    const std::uint64_t served = i.outcomes[static_cast<std::size_t>(Outcome::kServed)];
    ASSERT_GT(served, 0u);
    EXPECT_GT(i.latency_p50, Duration::zero());
    EXPECT_LE(i.latency_p50, i.latency_p99);
    lowest = std::min(lowest, i.latency_p99);
    highest = std::max(highest, i.latency_p99);
  }
  EXPECT_LE(lowest, r.latency.percentile(0.99));
  EXPECT_LE(r.latency.percentile(0.99), highest);
}

// While cell 0 is down its tenant's traffic joins tenant 1's on cell 1: queueing there makes
// the intervals of the outage slower than those before and after it.
TEST(Simulator, IntervalLatencyRisesWhileACellCarriesItsNeighboursLoad) {
  Scenario s = small();
  s.cells.count = 2;
  s.cells.servers = 1;
  s.cells.service = {.kind = ServiceKind::kConstant, .mean = milliseconds(10)};
  s.tenants.count = 2;
  s.tenants.placement = kExplicitShards;
  s.tenants.shards = {{CellId{0}, CellId{1}}, {CellId{1}, CellId{0}}};
  s.workload.rate = 60;
  s.router.health_check_interval = milliseconds(100);
  s.faults.cell_crashes.push_back({.at = seconds(5), .cell = 0, .duration = seconds(10)});
  const RunResult r = run(s);
  ASSERT_EQ(r.intervals.size(), 4u);
  const auto& i = r.intervals;
  for (std::size_t outage : {1, 2}) {
    for (std::size_t calm : {0, 3})
      EXPECT_GT(i[outage].latency_p99, i[calm].latency_p99) << outage << " vs " << calm;
  }
}

Scenario rollout(bool bad) {
  Scenario s = small();
  s.until = minutes(4);
  s.interval = minutes(1);
  s.deployments.push_back({.at = seconds(30),
                           .waves = {{0}, {1, 2}, {3}},
                           .bake = seconds(40),
                           .bad = bad,
                           .error_probability = 0.3,
                           .crash_probability = 0.001});
  return s;
}

std::vector<EventKind> kinds(const RunResult& r) {
  std::vector<EventKind> out;
  for (const TimelineEntry& e : r.timeline) {
    if (e.kind() == EventKind::kWaveDeployed || e.kind() == EventKind::kRolloutStopped ||
        e.kind() == EventKind::kRolloutCompleted) {
      out.push_back(e.kind());
    }
  }
  return out;
}

TEST(Simulator, BadBuildIsStoppedAtTheCanaryAndRolledBack) {
  const RunResult r = run(rollout(true));
  EXPECT_EQ(kinds(r),
            (std::vector<EventKind>{EventKind::kWaveDeployed, EventKind::kRolloutStopped}));
  EXPECT_GT(r.count(Outcome::kCellError), 100u);
  for (const TenantResult& t : r.tenants) {
    if (t.shard.front() != CellId{0}) {
      EXPECT_EQ(t.count(Outcome::kCellError), 0u) << t.name;
    }
  }
  for (const CellResult& c : r.cells)
    EXPECT_EQ(c.crashes > 0, c.id == CellId{0}) << c.name;
  expect_accounting_adds_up(r);
}

TEST(Simulator, GoodBuildRollsOutEveryWave) {
  const RunResult r = run(rollout(false));
  EXPECT_EQ(kinds(r),
            (std::vector<EventKind>{EventKind::kWaveDeployed, EventKind::kWaveDeployed,
                                    EventKind::kWaveDeployed, EventKind::kRolloutCompleted}));
  EXPECT_EQ(r.count(Outcome::kCellError), 0u);
  EXPECT_EQ(r.blast.crashes, 0u);
}

TEST(Simulator, OnboardedTenantsAreUnknownUntilTheNextSnapshotAndUseNewCells) {
  Scenario s = small();
  s.until = seconds(40);
  s.control_plane.publish_interval = seconds(10);
  s.growth.scale_out.push_back({.at = seconds(5), .cells = 4});
  s.growth.onboarding.push_back({.at = seconds(12), .count = 10});
  const RunResult r = run(s);
  ASSERT_EQ(r.tenants.size(), 20u);
  ASSERT_EQ(r.cells.size(), 8u);
  std::uint64_t unknown = 0;
  for (const TenantResult& t : r.tenants) {
    unknown += t.count(Outcome::kUnknownTenant);
    if (raw(t.id) < 10) {
      EXPECT_EQ(t.count(Outcome::kUnknownTenant), 0u) << t.name;
    }
  }
  EXPECT_GT(unknown, 0u);  // 12s..20s: placed but not yet published
  EXPECT_EQ(unknown, r.count(Outcome::kUnknownTenant));
  std::uint64_t new_cells_served = 0;
  for (std::size_t c = 4; c < 8; ++c)
    new_cells_served += r.cells[c].served;
  EXPECT_GT(new_cells_served, 0u);
  expect_accounting_adds_up(r);
}

TEST(Simulator, OnboardingWaitsForTheControlPlane) {
  Scenario s = small();
  s.growth.onboarding.push_back({.at = seconds(2), .count = 5});
  s.faults.control_plane_outages.push_back({.at = seconds(1), .duration = seconds(10)});
  const RunResult r = run(s);
  ASSERT_EQ(r.tenants.size(), 15u);
  std::uint64_t before_back = 0;
  for (const TenantResult& t : r.tenants) {
    if (raw(t.id) >= 10) before_back += t.arrivals;
  }
  // Onboarded at 11s, when the control plane is back: at most ~9s of their traffic.
  EXPECT_LT(before_back, 5u * 500 / 10 * 10);
  EXPECT_GT(before_back, 0u);
}

TEST(Simulator, RebalanceMovesExistingTenantsOntoNewCells) {
  Scenario s = small();
  s.tenants.count = 40;
  s.tenants.placement = Strategy::kLeastLoaded;
  s.growth.scale_out.push_back({.at = seconds(5), .cells = 4});
  s.growth.rebalance = true;
  s.control_plane.publish_interval = seconds(5);  // the router follows at the next snapshot
  const RunResult r = run(s);
  std::uint32_t on_new_cells = 0;
  for (const TenantResult& t : r.tenants) {
    for (CellId c : t.shard)
      on_new_cells += raw(c) >= 4 ? 1 : 0;
  }
  EXPECT_GE(on_new_cells, 4u * 8);  // each new cell holds about its fair share (80 slots / 8)
  std::uint64_t served_by_new = 0;
  for (std::size_t c = 4; c < 8; ++c)
    served_by_new += r.cells[c].served;
  EXPECT_GT(served_by_new, 0u);
  expect_accounting_adds_up(r);
  s.growth.rebalance = false;
  const RunResult without = run(s);
  for (const TenantResult& t : without.tenants) {
    for (CellId c : t.shard)
      EXPECT_LT(raw(c), 4u) << t.name;
  }
}

// Three cells, shards of three, rendezvous: with cells 0 and 1 down (and known down after
// the 5 s health check), the cell added at 7 s leaves two healthy cells for shards of three,
// so the planner finds no plan. The run records it and goes on with every shard as it was.
Scenario unplannable_rebalance() {
  Scenario s = small();
  s.cells.count = 3;
  s.tenants.shard_size = 3;
  s.tenants.placement = Strategy::kRendezvous;
  s.faults.cell_crashes = {{.at = seconds(1), .cell = 0, .duration = seconds(15)},
                           {.at = seconds(1), .cell = 1, .duration = seconds(15)}};
  s.growth.scale_out.push_back({.at = seconds(7), .cells = 1});
  s.growth.rebalance = true;
  return s;
}

TEST(Simulator, ARebalanceThatCannotBePlannedIsCountedAndOnTheTimeline) {
  const RunResult r = run(unplannable_rebalance());
  EXPECT_EQ(r.refusals, (Refusals{.rebalances_not_planned = 1}));
  const auto entry = std::find_if(r.timeline.begin(), r.timeline.end(), [](const auto& e) {
    return e.kind() == EventKind::kRebalanceNotPlanned;
  });
  ASSERT_NE(entry, r.timeline.end());
  EXPECT_EQ(entry->time, TimePoint{} + seconds(7));
  EXPECT_EQ(entry->what, TimelinePayload{timeline::RebalanceNotPlanned{CellId{3}}});
  for (const TenantResult& t : r.tenants) {
    for (CellId c : t.shard)
      EXPECT_LT(raw(c), 3u) << t.name;  // nothing moved onto the new cell
  }
}

TEST(Simulator, ARebalanceWithEnoughHealthyCellsIsPlannedAndRefusesNothing) {
  Scenario s = unplannable_rebalance();
  s.faults.cell_crashes.pop_back();  // cells 1, 2 and the new 3 are healthy: three for three
  const RunResult r = run(s);
  EXPECT_EQ(r.refusals, Refusals{});
  EXPECT_TRUE(std::any_of(r.timeline.begin(), r.timeline.end(),
                          [](const auto& e) { return e.kind() == EventKind::kTenantsRebalanced; }));
}

TEST(Simulator, AutoScaleAddsCellsWhenUtilizationIsHigh) {
  Scenario s = small();
  s.cells.count = 2;
  s.cells.servers = 1;
  s.tenants.placement = kExplicitShards;
  for (std::uint32_t t = 0; t < 10; ++t)
    s.tenants.shards.push_back({CellId{t % 2}});
  s.workload.rate = 190;  // 95% of 2 servers at 10 ms, evenly spread
  s.growth.auto_scale.utilization_above = 0.8;
  s.growth.auto_scale.add = 5;
  s.growth.auto_scale.max_cells = 5;
  s.growth.auto_scale.cooldown = seconds(5);
  const RunResult r = run(s);
  EXPECT_EQ(r.cells.size(), 5u);  // 2 + 3 (capped at 5) after the first 5s interval
  ASSERT_FALSE(r.timeline.empty());
  EXPECT_EQ(r.timeline[0].time, TimePoint{} + seconds(5));
  const auto* added = std::get_if<timeline::CellsAdded>(&r.timeline[0].what);
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->first, CellId{2});
  EXPECT_EQ(added->count, 3u);
  EXPECT_GT(added->utilization, 0.8);
}

TEST(Simulator, CellsAddedToANamedFleetContinueEachZonesNames) {
  Scenario s = small();
  s.cells.zones = 2;
  s.cells.names = {"a1", "b1", "a2", "b2"};
  s.growth.scale_out.push_back({.at = seconds(3), .cells = 3});
  s.growth.scale_out.push_back({.at = seconds(6), .cells = 2});
  const RunResult r = run(s);
  std::vector<std::string> names;
  std::vector<std::uint16_t> zones;
  for (const CellResult& c : r.cells) {
    names.push_back(c.name);
    zones.push_back(raw(c.zone));
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"a1", "b1", "a2", "b2", "a3", "b3", "a4", "b4", "a5"}));
  EXPECT_EQ(zones, (std::vector<std::uint16_t>{0, 1, 0, 1, 0, 1, 0, 1, 0}));
}

TEST(Simulator, RejectsAnInvalidScenario) {
  Scenario s = small();
  s.tenants.shard_size = 5;
  EXPECT_EQ(simulate(s, 1).status().message(), "tenants.shard_size (5) must be between 1 and 4");
}

}  // namespace
}  // namespace cellkit::sim

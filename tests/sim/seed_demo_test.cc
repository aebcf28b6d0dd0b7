#include "cellkit/sim/seed_demo.h"

#include <algorithm>
#include <numeric>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace cellkit {
namespace {

TEST(DemoOptions, DefaultsAreTheSeedsStory) {
  DemoOptions o;
  EXPECT_EQ(o.cells, 3u);
  EXPECT_EQ(o.tenants, 10u);
  EXPECT_EQ(o.cells_per_tenant, 2u);
  EXPECT_EQ(o.requests, 100u);
  EXPECT_EQ(o.unlucky_tenant, 2u);
  EXPECT_TRUE(o.validate().is_ok());
}

TEST(DemoOptions, RejectsMoreCellsPerTenantThanCells) {
  EXPECT_EQ((DemoOptions{.cells = 3, .cells_per_tenant = 4}).validate().message(),
            "cells_per_tenant 4 is not allowed: it must not exceed cells (3)");
}

TEST(DemoOptions, RejectsZeroCellsAndTenants) {
  EXPECT_EQ((DemoOptions{.cells = 0}).validate().message(),
            "cells 0 is not allowed: it must be at least 1");
  EXPECT_EQ((DemoOptions{.tenants = 0}).validate().message(),
            "tenants 0 is not allowed: it must be at least 1");
  EXPECT_EQ((DemoOptions{.cells_per_tenant = 0}).validate().message(),
            "cells_per_tenant 0 is not allowed: it must be at least 1");
}

TEST(DemoOptions, RejectsUnluckyTenantOutOfRange) {
  EXPECT_EQ((DemoOptions{.tenants = 10, .unlucky_tenant = 10}).validate().message(),
            "unlucky_tenant 10 is not allowed: tenant indexes run from 0 to 9 (tenants 10)");
}

TEST(DemoOptions, NamesTheFieldsAsTheFrontEndCallsThem) {
  DemoOptions o{.tenants = 10, .unlucky_tenant = 10};
  o.names.tenants = "--tenants";
  o.names.unlucky_tenant = "--unlucky-tenant";
  EXPECT_EQ(o.validate().message(),
            "--unlucky-tenant 10 is not allowed: tenant indexes run from 0 to 9 (--tenants 10)");
}

TEST(RunDemo, InvalidOptionsReturnError) {
  EXPECT_FALSE(run_demo({.cells = 0}).is_ok());
}

TEST(RunDemo, EveryRequestHasExactlyOneOutcome) {
  const DemoResult r = *run_demo({});
  ASSERT_EQ(r.requests.size(), 100u);
  EXPECT_EQ(std::accumulate(r.outcomes.begin(), r.outcomes.end(), std::uint64_t{0}), 100u);
  std::uint64_t per_tenant = 0;
  for (const DemoTenant& t : r.tenants)
    per_tenant += t.served + t.failed;
  EXPECT_EQ(per_tenant, 100u);
}

TEST(RunDemo, SameOptionsGiveSameResult) {
  const DemoResult a = *run_demo({.seed = 5});
  EXPECT_TRUE(a == *run_demo({.seed = 5}));  // every request, event, count and cell
  EXPECT_FALSE(a == *run_demo({.seed = 6}));
}

TEST(RunDemo, EachTenantHasKDistinctCells) {
  const DemoResult r = *run_demo({.cells = 6, .tenants = 20, .cells_per_tenant = 3});
  for (const DemoTenant& t : r.tenants) {
    Shard sorted = t.cells;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted.size(), 3u);
    EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
  }
}

TEST(RunDemo, OnlyTheUnluckyTenantOrdersFiveBagsAndOnlyItKillsCells) {
  const DemoResult r = *run_demo({.seed = 3, .requests = 2000});
  for (const DemoRequest& q : r.requests) {
    EXPECT_GE(q.bags, 1u);
    if (q.tenant != TenantId{2}) {
      EXPECT_LE(q.bags, 4u);
    }
  }
  for (const DemoCell& c : r.cells) {
    if (c.died_at) {
      EXPECT_EQ(c.killed_by, TenantId{2});
    }
  }
}

TEST(RunDemo, UnluckyTenantKillsAtMostItsOwnCells) {
  const DemoResult r = *run_demo({.seed = 11, .cells = 8, .tenants = 28, .requests = 5000});
  const Shard& own = r.tenant(TenantId{2}).cells;
  std::size_t dead = 0;
  for (const DemoCell& c : r.cells) {
    if (!c.died_at) continue;
    ++dead;
    EXPECT_NE(std::find(own.begin(), own.end(), c.id), own.end()) << c.name << " was not its cell";
  }
  EXPECT_EQ(dead, 2u) << "with 5000 requests both of its cells die";
}

TEST(RunDemo, TenantsLoseAllCellsExactlyWhenTheirCellsAreSubsetOfDeadCells) {
  const DemoResult r = *run_demo({.seed = 11, .cells = 4, .tenants = 12, .requests = 3000});
  for (const DemoTenant& t : r.tenants) {
    const bool all_dead = std::all_of(t.cells.begin(), t.cells.end(),
                                      [&](CellId c) { return r.cell(c).died_at.has_value(); });
    EXPECT_EQ(t.lost_all_at.has_value(), all_dead) << t.name;
  }
}

TEST(RunDemo, RequestsOfDownTenantsAreRefusedAfterTheyLoseAllCells) {
  const DemoResult r = *run_demo({.seed = 11, .requests = 3000});
  for (const DemoRequest& q : r.requests) {
    const DemoTenant& t = r.tenant(q.tenant);
    if (t.lost_all_at && q.id > *t.lost_all_at) {
      EXPECT_EQ(q.delivery.disposition, Disposition::kNoHealthyCell) << "request " << q.id;
    }
  }
}

TEST(RunDemo, RecordsEventsInRequestOrder) {
  const DemoResult r = *run_demo({.seed = 1});
  ASSERT_FALSE(r.events.empty());
  for (std::size_t i = 1; i < r.events.size(); ++i) {
    EXPECT_LE(r.events[i - 1].request, r.events[i].request);
  }
  EXPECT_EQ(r.events.front().kind, DemoEventKind::kCellDied);
}

RC_GTEST_PROP(RunDemoProperty, OutcomesAlwaysAddUpToRequests, (std::uint64_t seed)) {
  const auto cells = *rc::gen::inRange<std::uint32_t>(1, 8);
  const auto k = *rc::gen::inRange<std::uint32_t>(1, cells + 1);
  const auto tenants = *rc::gen::inRange<std::uint32_t>(1, 15);
  const DemoOptions o{.seed = seed,
                      .cells = cells,
                      .tenants = tenants,
                      .cells_per_tenant = k,
                      .requests = *rc::gen::inRange<std::uint32_t>(0, 300),
                      .unlucky_tenant = *rc::gen::inRange<std::uint32_t>(0, tenants)};
  const DemoResult r = *run_demo(o);
  RC_ASSERT(std::accumulate(r.outcomes.begin(), r.outcomes.end(), std::uint64_t{0}) == o.requests);
  RC_ASSERT(r.count(Disposition::kUnknownTenant) == 0u);
}

}  // namespace
}  // namespace cellkit

namespace cellkit {
namespace {

TEST(PlanDemo, PlacesTenantsAndDrawsOrdersExactlyAsTheRunDoes) {
  for (std::uint64_t seed : {1, 2, 7, 99}) {
    DemoOptions o;
    o.seed = seed;
    o.cells = 6;
    o.tenants = 12;
    o.requests = 40;
    const DemoResult plan = *plan_demo(o);
    const DemoResult run = *run_demo(o);
    ASSERT_EQ(plan.tenants.size(), run.tenants.size());
    for (std::size_t t = 0; t < plan.tenants.size(); ++t)
      EXPECT_EQ(plan.tenants[t].cells, run.tenants[t].cells) << "seed " << seed << " tenant " << t;
    ASSERT_EQ(plan.requests.size(), run.requests.size());
    for (std::size_t r = 0; r < plan.requests.size(); ++r) {
      EXPECT_EQ(plan.requests[r].tenant, run.requests[r].tenant);
      EXPECT_EQ(plan.requests[r].bags, run.requests[r].bags);
    }
    EXPECT_TRUE(plan.events.empty());
    EXPECT_EQ(plan.count(Disposition::kServed), 0u);
  }
}

TEST(TallyDemo, TellsTheRunsStoryFromItsDeliveries) {
  DemoOptions o;
  o.seed = 7;
  o.requests = 60;
  const DemoResult run = *run_demo(o);
  DemoResult retold = *plan_demo(o);
  for (std::size_t r = 0; r < retold.requests.size(); ++r)
    retold.requests[r].delivery = run.requests[r].delivery;
  tally_demo(retold);
  EXPECT_EQ(retold.outcomes, run.outcomes);
  ASSERT_EQ(retold.events.size(), run.events.size());
  for (std::size_t e = 0; e < run.events.size(); ++e) {
    EXPECT_EQ(retold.events[e].request, run.events[e].request);
    EXPECT_EQ(retold.events[e].cell, run.events[e].cell);
  }
}

}  // namespace
}  // namespace cellkit

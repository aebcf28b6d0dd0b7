// Progress observers of place, add_tenants and plan_rebalance: told the share done up to
// the end, never backwards, and the result is the same with or without one.
#include "cellkit/base/progress.h"

#include <gtest/gtest.h>

#include <vector>

#include "cellkit/core/placement_ops.h"
#include "cellkit/core/rebalance.h"
#include "core/placement_test_support.h"

namespace cellkit {
namespace {

using namespace testing_support;

struct Calls {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> seen;
  Progress observer(std::uint64_t every) {
    return Progress{.observer = [this](std::uint64_t done,
                                       std::uint64_t total) { seen.emplace_back(done, total); },
                    .every = every};
  }
  // Never backwards, always of the same total, ending at done == total.
  void expect_complete(std::uint64_t total) const {
    ASSERT_FALSE(seen.empty());
    for (std::size_t i = 0; i < seen.size(); ++i) {
      EXPECT_EQ(seen[i].second, total);
      if (i > 0) {
        EXPECT_GE(seen[i].first, seen[i - 1].first);
      }
    }
    EXPECT_EQ(seen.back().first, total);
  }
};

TEST(PlaceProgress, TellsEveryStepOfTenantsAndTheEndWithoutChangingThePlacement) {
  const PlacementOptions o{.strategy = Strategy::kShuffle, .max_overlap = 1, .seed = 4};
  Calls calls;
  PlaceReport with, without;
  Result<Placement> a = place(fleet_of(12), tenants_of(40, 3), o, &with, calls.observer(10));
  Result<Placement> b = place(fleet_of(12), tenants_of(40, 3), o, &without);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(with.refused, without.refused);
  calls.expect_complete(40);
  // 0, 10, 20, 30 while placing (refused tenants count as tried), then 40 at the end.
  ASSERT_EQ(calls.seen.size(), 5u);
  EXPECT_EQ(calls.seen[1].first, 10u);
}

TEST(PlaceProgress, AddTenantsCountsOnlyTheNewTenants) {
  const PlacementOptions o{.strategy = Strategy::kRandom, .seed = 2};
  const Placement first = *place(fleet_of(8), tenants_of(30, 2), o);
  Calls calls;
  std::vector<Tenant> more = tenants_of(7, 2, 30);
  ASSERT_TRUE(add_tenants(first, more, nullptr, calls.observer(1)).is_ok());
  calls.expect_complete(7);
  EXPECT_EQ(calls.seen.size(), 8u);  // 0..6 before each tenant, then 7
}

TEST(RebalanceProgress, PlanningTellsThreeStepsPerTenant) {
  for (Strategy s : {Strategy::kRandom, Strategy::kRendezvous}) {
    const Placement p = *place(fleet_of(10), tenants_of(50, 2), {.strategy = s, .seed = 5});
    Result<Placement> grown = add_cells(p, *next_cells(p.fleet, 2));
    ASSERT_TRUE(grown.is_ok());
    Calls calls;
    RebalanceOptions options;
    options.progress = calls.observer(1);
    Result<RebalancePlan> with = plan_rebalance(p, grown->fleet, options);
    Result<RebalancePlan> without = plan_rebalance(p, grown->fleet);
    ASSERT_TRUE(with.is_ok() && without.is_ok());
    EXPECT_EQ(*with, *without) << to_string(s);
    calls.expect_complete(150);
  }
}

}  // namespace
}  // namespace cellkit

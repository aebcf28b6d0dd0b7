// The live router's adapter over core's request-attempt seam: live's table, health view,
// shared quarantine and health board, and live's outcome names.
#include "live/attempts.h"

#include <gtest/gtest.h>

namespace cellkit::live {
namespace {

// Tenant 0 on cells 0, 1, 2 (in that order).
RoutingTable table() {
  Router router;
  EXPECT_TRUE(router
                  .accept({.version = 1,
                           .cells = {CellId{0}, CellId{1}, CellId{2}},
                           .shards = {{TenantId{0}, {CellId{0}, CellId{1}, CellId{2}}}}})
                  .is_ok());
  return router.table();
}

struct Fixture {
  explicit Fixture(RouterPolicy p = {}) : policy(p), quarantine(policy) {}
  // The request's spread key as the router's session computes it, counted.
  LiveStep next(TenantId tenant = TenantId{0}) {
    return request.next(
        decider(), tenant, now, [this] { return print; },
        [this, tenant] { return ++keys, spread_key(number, tenant); }, NoLoad{});
  }
  LiveVerdict observe(CellId cell, AttemptResult result) {
    return request.observe(
        decider(), cell, result, [this] { return print; }, now, wall);
  }
  Decider decider() {
    return {.table = routes,
            .health = health,
            .policy = policy,
            .quarantine = quarantine,
            .board = board};
  }
  RouterPolicy policy;
  RoutingTable routes = table();
  HealthView health;
  SharedQuarantine quarantine;
  HealthBoard board{HealthRules{}};
  LiveAttempts request;
  TimePoint now{std::chrono::seconds(1)};
  HealthBoard::Clock::time_point wall = HealthBoard::Clock::now();
  std::uint64_t print = 42;
  std::uint64_t number = 1;  // the request's number on its worker
  int keys = 0;
};

TEST(LiveAttempts, RefusedConnectionEjectsTheCellAsRefusedAndTriesTheNextOfTheShard) {
  Fixture f;
  ASSERT_EQ(f.next().cell, CellId{0});
  const LiveVerdict v = f.observe(CellId{0}, AttemptResult::kRefused);
  EXPECT_TRUE(v.retry);
  EXPECT_EQ(f.board.ejections(EjectCause::kRefused), 1u);
  EXPECT_FALSE(f.board.view().is_healthy(CellId{0}));
  const LiveStep again = f.next();
  EXPECT_TRUE(again.send);
  EXPECT_EQ(again.cell, CellId{1}) << "cell 0 was tried by this request";
  EXPECT_EQ(f.request.made(), 2u);
}

TEST(LiveAttempts, CrashEjectsTheCellCountsTheFingerprintAndEndsTheRequest) {
  Fixture f({.quarantine_after = 1});
  ASSERT_TRUE(f.next().send);
  const LiveVerdict v = f.observe(CellId{0}, AttemptResult::kCrashed);
  EXPECT_FALSE(v.retry);
  EXPECT_EQ(v.outcome, LiveOutcome::kCellCrashed);
  EXPECT_EQ(f.board.ejections(EjectCause::kCrash), 1u);
  EXPECT_EQ(f.quarantine.started(), 1u);
  EXPECT_EQ(f.next().outcome, LiveOutcome::kQuarantined);
}

TEST(LiveAttempts, ShedWithTheBudgetSpentEndsAsCellBusy) {
  Fixture f({.max_attempts = 1});
  ASSERT_TRUE(f.next().send);
  EXPECT_TRUE(f.observe(CellId{0}, AttemptResult::kShed).retry);
  const LiveStep last = f.next();
  EXPECT_FALSE(last.send);
  EXPECT_EQ(last.outcome, LiveOutcome::kCellBusy);
  EXPECT_EQ(f.board.ejections(EjectCause::kRefused), 0u) << "a shed request ejects nothing";
}

TEST(LiveAttempts, UnknownTenantAndTimeoutAreNamedAsLiveOutcomes) {
  Fixture f;
  EXPECT_EQ(f.next(TenantId{7}).outcome, LiveOutcome::kUnknownTenant);
  ASSERT_TRUE(f.next().send);
  EXPECT_EQ(f.observe(CellId{0}, AttemptResult::kTimedOut).outcome, LiveOutcome::kUpstreamTimeout);
}

TEST(LiveAttempts, FirstHealthyNeverComputesTheSpreadKeyThroughFailover) {
  Fixture f;  // first-healthy, 3 attempts
  for (LiveStep step = f.next(); step.send; step = f.next()) {
    ASSERT_TRUE(f.observe(step.cell, AttemptResult::kRefused).retry);
  }
  EXPECT_EQ(f.request.made(), 3u);
  EXPECT_EQ(f.keys, 0);
}

TEST(LiveAttempts, SpreadKeyIsTheHashOfTheRequestNumberThenTheTenant) {
  // What the router hashed before the key became a callable: a changed hash, seed or
  // argument order moves every live spread decision and fails here.
  EXPECT_EQ(spread_key(1, TenantId{0}), hash64_of(std::uint64_t{1}, std::uint64_t{0}));
  EXPECT_EQ(spread_key(1, TenantId{0}), 2506089352882295055u);  // xxHash64 of 8 zero bytes, seed 1
  EXPECT_EQ(spread_key(7, TenantId{3}), hash64_of(std::uint64_t{7}, std::uint64_t{3}));
  EXPECT_NE(spread_key(7, TenantId{3}), spread_key(3, TenantId{7}));
}

TEST(LiveAttempts, SpreadComputesTheKeyOncePerRequestThroughFailover) {
  Fixture f({.routing = RoutingMode::kSpread});
  for (f.number = 1; f.number <= 2; ++f.number) {
    f.request = {};
    const LiveStep first = f.next();
    EXPECT_EQ(first.cell, route_attempt(f.routes, f.health, TenantId{0}, f.policy, 0,
                                        FixedKey{spread_key(f.number, TenantId{0})})
                              .route.cell)
        << "drawn by the hash of the request's number and tenant";
    for (LiveStep step = first; step.send; step = f.next()) {
      ASSERT_TRUE(f.observe(step.cell, AttemptResult::kShed).retry);
    }
    EXPECT_EQ(f.request.made(), 3u);
    EXPECT_EQ(f.keys, static_cast<int>(f.number));
  }
}

}  // namespace
}  // namespace cellkit::live

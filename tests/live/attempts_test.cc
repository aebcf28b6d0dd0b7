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
  LiveStep next(TenantId tenant = TenantId{0}) {
    return request.next(
        decider(), tenant, now, [this] { return print; }, 0, NoLoad{});
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

}  // namespace
}  // namespace cellkit::live

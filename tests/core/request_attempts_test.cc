#include "cellkit/core/request_attempts.h"

#include <vector>

#include <gtest/gtest.h>

namespace cellkit {
namespace {

// Tenant 0 on cells 0, 1, 2 (in that order); cell 3 is outside its shard.
RoutingSnapshot snapshot() {
  return {.version = 1,
          .cells = {CellId{0}, CellId{1}, CellId{2}, CellId{3}},
          .shards = {{TenantId{0}, {CellId{0}, CellId{1}, CellId{2}}}}};
}

// A router's state and a request's, and a fingerprint and a spread key that count their
// calls (the key through the request's SpreadKey, as the simulator and live router ask it).
struct Fixture {
  explicit Fixture(RouterPolicy p = {}) : policy(p), quarantine(policy) {
    EXPECT_TRUE(router.accept(snapshot()).is_ok());
  }
  NextStep next(TenantId tenant = TenantId{0}) {
    return request.next(
        router_context(router, quarantine, policy), tenant, now, [this] { return ++prints, print; },
        [this] { return spread_key.get([this] { return ++keys, key; }); });
  }
  // The next request: fresh attempts and key.
  void start_request() {
    request = {};
    spread_key = {};
  }
  Verdict observe(CellId cell, AttemptResult result) {
    return request.observe(
        router_context(router, quarantine, policy), cell, result,
        [this] { return ++prints, print; }, now);
  }
  RouterPolicy policy;
  Router router;
  PoisonQuarantine quarantine;
  RequestAttempts request;
  TimePoint now{std::chrono::seconds(1)};
  std::uint64_t print = 42;
  int prints = 0;
  SpreadKey spread_key;
  std::uint64_t key = 0x9e3779b97f4a7c15ull;
  int keys = 0;
};

TEST(RequestAttempts, FirstStepSendsToTheFirstCellAndCountsTheAttempt) {
  Fixture f;
  const NextStep step = f.next();
  EXPECT_TRUE(step.send);
  EXPECT_EQ(step.cell, CellId{0});
  EXPECT_EQ(f.request, (RequestAttempts{.tried = 0b1, .made = 1}));
  EXPECT_EQ(f.prints, 0) << "nothing is quarantined, so the fingerprint is not computed";
}

TEST(RequestAttempts, ServedErrorAndTimeoutEndTheRequest) {
  Fixture f;
  EXPECT_EQ(f.observe(CellId{0}, AttemptResult::kServed).outcome, RequestOutcome::kServed);
  EXPECT_EQ(f.observe(CellId{0}, AttemptResult::kCellError).outcome, RequestOutcome::kCellError);
  const Verdict late = f.observe(CellId{0}, AttemptResult::kTimedOut);
  EXPECT_FALSE(late.retry);
  EXPECT_EQ(late.outcome, RequestOutcome::kTimedOut);
  EXPECT_TRUE(f.router.health().unhealthy().empty());
}

TEST(RequestAttempts, CrashMarksTheCellCountsTheFingerprintAndIsNotRetried) {
  Fixture f;
  ASSERT_TRUE(f.next().send);
  const Verdict v = f.observe(CellId{0}, AttemptResult::kCrashed);
  EXPECT_FALSE(v.retry);
  EXPECT_EQ(v.outcome, RequestOutcome::kCellCrashed);
  EXPECT_FALSE(v.quarantined);
  EXPECT_FALSE(f.router.health().is_healthy(CellId{0}));
  EXPECT_EQ(f.quarantine.crashes(42), 1u);
}

TEST(RequestAttempts, NaivePolicyRetriesAfterACrashWhileAttemptsAreLeft) {
  Fixture f(RouterPolicy{.max_attempts = 2, .retry_after_crash = true});
  ASSERT_TRUE(f.next().send);
  EXPECT_TRUE(f.observe(CellId{0}, AttemptResult::kCrashed).retry);
  EXPECT_EQ(f.next().cell, CellId{1});
  const Verdict v = f.observe(CellId{1}, AttemptResult::kCrashed);
  EXPECT_FALSE(v.retry) << "the budget of 2 is spent";
  EXPECT_EQ(v.outcome, RequestOutcome::kCellCrashed);
}

TEST(RequestAttempts, RefusedMarksTheCellAndRetriesInsideTheShardWithinTheBudget) {
  Fixture f;  // 3 attempts
  std::vector<CellId> sent;
  for (NextStep step = f.next(); step.send; step = f.next()) {
    sent.push_back(step.cell);
    ASSERT_TRUE(f.observe(step.cell, AttemptResult::kRefused).retry);
  }
  EXPECT_EQ(sent, (std::vector<CellId>{CellId{0}, CellId{1}, CellId{2}}));
  EXPECT_EQ(f.next().outcome, RequestOutcome::kNoHealthyCell);
  EXPECT_TRUE(f.router.health().is_healthy(CellId{3})) << "never tried outside the shard";
  EXPECT_EQ(f.prints, 0);
}

TEST(RequestAttempts, FirstHealthyNeverComputesTheSpreadKeyThroughFailover) {
  Fixture f;  // first-healthy, 3 attempts
  for (NextStep step = f.next(); step.send; step = f.next()) {
    ASSERT_TRUE(f.observe(step.cell, AttemptResult::kShed).retry);
  }
  EXPECT_EQ(f.request.made, 3);
  EXPECT_EQ(f.keys, 0);
}

TEST(RequestAttempts, SpreadComputesTheKeyOncePerRequestThroughFailover) {
  Fixture f(RouterPolicy{.routing = RoutingMode::kSpread});
  for (int request = 1; request <= 2; ++request) {
    f.start_request();
    std::vector<CellId> sent;
    for (NextStep step = f.next(); step.send; step = f.next()) {
      sent.push_back(step.cell);
      ASSERT_TRUE(f.observe(step.cell, AttemptResult::kShed).retry);
    }
    EXPECT_EQ(sent.size(), 3u);
    EXPECT_EQ(f.keys, request);
  }
}

TEST(RequestAttempts, BudgetEndsTheRequestWithItsLastFailure) {
  Fixture f(RouterPolicy{.max_attempts = 2});
  for (int i = 0; i < 2; ++i) {
    const NextStep step = f.next();
    ASSERT_TRUE(step.send);
    ASSERT_TRUE(f.observe(step.cell, AttemptResult::kShed).retry);
  }
  const NextStep last = f.next();
  EXPECT_FALSE(last.send);
  EXPECT_EQ(last.outcome, RequestOutcome::kShed);
  EXPECT_TRUE(f.router.health().unhealthy().empty()) << "a shedding cell is not unhealthy";
}

TEST(RequestAttempts, UnknownTenantEndsAtOnce) {
  Fixture f;
  const NextStep step = f.next(TenantId{9});
  EXPECT_FALSE(step.send);
  EXPECT_EQ(step.outcome, RequestOutcome::kUnknownTenant);
}

TEST(RequestAttempts, AQuarantinedFingerprintIsRefusedBeforeAnyAttempt) {
  Fixture f;
  f.quarantine.record_crash(42, f.now);
  f.quarantine.record_crash(42, f.now);  // quarantine_after 2
  const NextStep step = f.next();
  EXPECT_FALSE(step.send);
  EXPECT_EQ(step.outcome, RequestOutcome::kQuarantined);
  EXPECT_EQ(f.request.made, 0u);
}

TEST(RequestAttempts, SettleAloneLeavesTheRouterAlone) {
  Fixture f;
  ASSERT_TRUE(f.next().send);
  const Verdict v = f.request.settle(AttemptResult::kCrashed, f.policy);
  EXPECT_EQ(v.outcome, RequestOutcome::kCellCrashed);
  EXPECT_TRUE(f.router.health().is_healthy(CellId{0}));
  EXPECT_TRUE(f.quarantine.empty());
}

// A router loop as a live router drives it, over cells that crash on a poison payload.
RequestOutcome drive(Fixture& f, bool poison, std::vector<CellId>& sent) {
  f.request = {};
  for (;;) {
    const NextStep step = f.next();
    if (!step.send) return step.outcome;
    sent.push_back(step.cell);
    const Verdict v =
        f.observe(step.cell, poison ? AttemptResult::kCrashed : AttemptResult::kServed);
    if (!v.retry) return v.outcome;
  }
}

TEST(RequestAttempts, APoisonRequestKillsOneCellPerTryUntilItsFingerprintIsQuarantined) {
  Fixture f;
  std::vector<CellId> sent;
  EXPECT_EQ(drive(f, true, sent), RequestOutcome::kCellCrashed);
  EXPECT_EQ(sent, std::vector<CellId>{CellId{0}}) << "the poison must reach one cell only";
  EXPECT_EQ(drive(f, false, sent), RequestOutcome::kServed);
  EXPECT_EQ(sent.back(), CellId{1}) << "the tenant's next request goes to its next cell";
  EXPECT_EQ(drive(f, true, sent), RequestOutcome::kCellCrashed);
  EXPECT_EQ(drive(f, true, sent), RequestOutcome::kQuarantined);
  EXPECT_EQ(sent, (std::vector<CellId>{CellId{0}, CellId{1}, CellId{1}}));
}

TEST(RequestOutcome, HasStableNamesAndACountTiedToTheEnum) {
  EXPECT_EQ(to_string(RequestOutcome::kServed), "served");
  EXPECT_EQ(to_string(RequestOutcome::kNoHealthyCell), "no_healthy_cell");
  EXPECT_EQ(to_string(RequestOutcome::kCellCrashed), "cell_crashed");
  EXPECT_EQ(to_string(RequestOutcome::kCellError), "cell_error");
  EXPECT_EQ(kRequestOutcomeCount, 8u);
}

}  // namespace
}  // namespace cellkit

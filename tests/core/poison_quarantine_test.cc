#include <gtest/gtest.h>

#include "cellkit/base/limits.h"
#include "cellkit/core/router_policy.h"

namespace cellkit {
namespace {

TEST(PoisonQuarantine, QuarantinesAfterThresholdCrashes) {
  PoisonQuarantine q(
      RouterPolicy{.quarantine_after = 2, .quarantine_for = std::chrono::seconds(10)});
  const TimePoint t0{};
  EXPECT_FALSE(q.record_crash(7, t0));
  EXPECT_FALSE(q.is_quarantined(7, t0));
  EXPECT_TRUE(q.record_crash(7, t0 + std::chrono::seconds(1)));
  EXPECT_TRUE(q.is_quarantined(7, t0 + std::chrono::seconds(10)));
  EXPECT_FALSE(q.is_quarantined(7, t0 + std::chrono::seconds(11)));
  EXPECT_FALSE(q.is_quarantined(8, t0 + std::chrono::seconds(5)));
}

TEST(PoisonQuarantine, DoublesTheQuarantineOnEachRelapse) {
  PoisonQuarantine q(
      RouterPolicy{.quarantine_after = 1, .quarantine_for = std::chrono::seconds(10)});
  const TimePoint t0{};
  ASSERT_TRUE(q.record_crash(1, t0));
  EXPECT_EQ(q.quarantined_until(1), t0 + std::chrono::seconds(10));
  ASSERT_TRUE(q.record_crash(1, t0 + std::chrono::seconds(20)));
  EXPECT_EQ(q.quarantined_until(1), t0 + std::chrono::seconds(40));
  ASSERT_TRUE(q.record_crash(1, t0 + std::chrono::seconds(50)));
  EXPECT_EQ(q.quarantined_until(1), t0 + std::chrono::seconds(90));
  EXPECT_EQ(q.crashes(1), 3u);
}

TEST(PoisonQuarantine, DoublingStopsAtTheLongestDurationInsteadOfOverflowing) {
  PoisonQuarantine q(RouterPolicy{.quarantine_after = 1, .quarantine_for = kMaxDuration});
  TimePoint now{};
  for (int i = 0; i < 70; ++i) {
    ASSERT_TRUE(q.record_crash(1, now));
    EXPECT_EQ(q.quarantined_until(1) - now, kMaxDuration) << "relapse " << i;
    now = q.quarantined_until(1);
    if (now.time_since_epoch() > 20 * kMaxDuration) break;
  }
}

TEST(PoisonQuarantine, CrashDuringQuarantineDoesNotExtendIt) {
  PoisonQuarantine q(
      RouterPolicy{.quarantine_after = 1, .quarantine_for = std::chrono::seconds(10)});
  const TimePoint t0{};
  ASSERT_TRUE(q.record_crash(1, t0));
  EXPECT_FALSE(q.record_crash(1, t0 + std::chrono::seconds(5)));
  EXPECT_EQ(q.quarantined_until(1), t0 + std::chrono::seconds(10));
}

TEST(PoisonQuarantine, ThresholdZeroNeverQuarantines) {
  PoisonQuarantine q(RouterPolicy{.quarantine_after = 0});
  for (int i = 0; i < 5; ++i)
    EXPECT_FALSE(q.record_crash(1, TimePoint{}));
  EXPECT_FALSE(q.is_quarantined(1, TimePoint{}));
}

}  // namespace
}  // namespace cellkit

#include "cellkit/sim/latency_histogram.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace cellkit::sim {
namespace {

TEST(LatencyHistogram, IsExactBelow128Microseconds) {
  LatencyHistogram h;
  for (int v = 1; v <= 100; ++v)
    h.record(Duration(v));
  EXPECT_EQ(h.percentile(0.5), Duration(50));
  EXPECT_EQ(h.percentile(0.99), Duration(99));
  EXPECT_EQ(h.percentile(1.0), Duration(100));
  EXPECT_DOUBLE_EQ(h.mean_us(), 50.5);
}

TEST(LatencyHistogram, EmptyReportsZero) {
  EXPECT_EQ(LatencyHistogram{}.percentile(0.99), Duration::zero());
}

TEST(LatencyHistogram, MergeEqualsRecordingBoth) {
  LatencyHistogram a, b, both;
  for (int v : {5, 500, 50000})
    a.record(Duration(v)), both.record(Duration(v));
  for (int v : {7, 7000})
    b.record(Duration(v)), both.record(Duration(v));
  a.merge(b);
  EXPECT_EQ(a, both);
}

TEST(LatencyHistogram, ClearForgetsEveryValueAndCountsAnewFromZero) {
  LatencyHistogram h;
  for (int v : {3, 900, 70000})
    h.record(Duration(v));
  h.clear();
  EXPECT_EQ(h, LatencyHistogram{});
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(0.5), Duration::zero());
  EXPECT_EQ(h.max(), Duration::zero());
  EXPECT_EQ(h.mean_us(), 0.0);
  LatencyHistogram fresh;
  for (int v : {40, 2000}) {
    h.record(Duration(v));
    fresh.record(Duration(v));
  }
  EXPECT_EQ(h, fresh);
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.max(), Duration(2000));
  EXPECT_EQ(h.mean_us(), 1020.0);
}

RC_GTEST_PROP(LatencyHistogram, BucketsContainTheirValuesAndSpanAtMostOne64th,
              (std::uint64_t value)) {
  value >>= *rc::gen::inRange(0, 63);
  const std::size_t b = LatencyHistogram::bucket_of(value);
  RC_ASSERT(LatencyHistogram::bucket_low(b) <= value);
  RC_ASSERT(value <= LatencyHistogram::bucket_high(b));
  const auto width = LatencyHistogram::bucket_high(b) - LatencyHistogram::bucket_low(b);
  RC_ASSERT(width <= std::max<std::uint64_t>(value / 64, 0));
}

RC_GTEST_PROP(LatencyHistogram, PercentileIsWithinOnePercentOfTheExactValue,
              (std::vector<std::uint32_t> values)) {
  RC_PRE(!values.empty());
  LatencyHistogram h;
  for (auto v : values)
    h.record(Duration(v));
  std::sort(values.begin(), values.end());
  const double q = *rc::gen::inRange(1, 1000) / 1000.0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  const double exact = values[std::max<std::size_t>(rank, 1) - 1];
  RC_ASSERT(std::abs(static_cast<double>(h.percentile(q).count()) - exact) <= exact / 64 + 1);
}

}  // namespace
}  // namespace cellkit::sim

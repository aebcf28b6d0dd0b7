#include "cellkit/sim/replications.h"

#include <cmath>

#include <gtest/gtest.h>

namespace cellkit::sim {
namespace {

TEST(Estimate, UsesStudentTForTheHalfWidth) {
  const std::vector<double> samples = {1, 2, 3, 4, 5};
  const Estimate e = estimate(samples);
  EXPECT_DOUBLE_EQ(e.mean, 3.0);
  // sd = sqrt(2.5), t(4) = 2.776, n = 5
  EXPECT_NEAR(e.half_width, 2.776 * std::sqrt(2.5) / std::sqrt(5.0), 1e-9);
  EXPECT_EQ(e.runs, 5u);
}

TEST(Estimate, OneRunHasNoInterval) {
  const std::vector<double> samples = {4};
  EXPECT_EQ(estimate(samples).half_width, 0.0);
}

TEST(Summarize, ListsAvailabilityFirst) {
  std::vector<RunResult> runs(2);
  runs[0].arrivals = 10;
  runs[0].outcomes[0] = 5;
  runs[1].arrivals = 10;
  runs[1].outcomes[0] = 10;
  const auto s = summarize(runs);
  EXPECT_EQ(s.front().name, "availability");
  EXPECT_DOUBLE_EQ(s.front().value.mean, 0.75);
}

}  // namespace
}  // namespace cellkit::sim

#include "cellkit/sim/distributions.h"

#include <cmath>

#include <gtest/gtest.h>

namespace cellkit::sim {
namespace {

double mean_of(const ServiceTime& service, int n) {
  Random random(42);
  double sum = 0;
  for (int i = 0; i < n; ++i)
    sum += static_cast<double>(service.sample(random).count());
  return sum / n;
}

TEST(ServiceTime, EveryKindHasTheConfiguredMean) {
  const Duration mean = std::chrono::milliseconds(10);
  EXPECT_NEAR(mean_of({.kind = ServiceKind::kExponential, .mean = mean}, 200000), 10000, 100);
  EXPECT_EQ(mean_of({.kind = ServiceKind::kConstant, .mean = mean}, 10), 10000);
  EXPECT_NEAR(mean_of({.kind = ServiceKind::kLogNormal, .mean = mean, .sigma = 0.5}, 200000), 10000,
              100);
}

TEST(ServiceKind, NamesParseBackToTheirKind) {
  for (ServiceKind k : {ServiceKind::kExponential, ServiceKind::kConstant, ServiceKind::kLogNormal})
    EXPECT_EQ(parse_service_kind(to_string(k)), k);
  EXPECT_EQ(to_string(ServiceKind::kLogNormal), "lognormal");
  EXPECT_EQ(parse_service_kind("normal"), std::nullopt);
  EXPECT_EQ(parse_service_kind("Constant"), std::nullopt);
}

TEST(ServiceTime, RejectsNonPositiveMean) {
  EXPECT_EQ(ServiceTime{.mean = Duration::zero()}.validate().message(),
            "service mean (0us) must be positive");
}

TEST(StandardNormal, HasMeanZeroAndVarianceOne) {
  Random random(7);
  double sum = 0, squares = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = standard_normal(random);
    sum += z;
    squares += z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(squares / n, 1.0, 0.02);
}

TEST(AliasTable, DrawsIndexesInProportionToWeights) {
  const std::vector<double> weights = {1, 2, 3, 4};
  AliasTable table(weights);
  Random random(3);
  std::vector<int> counts(4, 0);
  const int n = 100000;
  for (int i = 0; i < n; ++i)
    ++counts[table.sample(random)];
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(counts[i] / static_cast<double>(n), weights[i] / 10.0, 0.01) << "index " << i;
  }
}

TEST(AliasTable, NeverDrawsAZeroWeight) {
  const std::vector<double> weights = {0, 5, 0, 1};
  AliasTable table(weights);
  Random random(5);
  for (int i = 0; i < 10000; ++i) {
    const std::uint32_t k = table.sample(random);
    EXPECT_TRUE(k == 1 || k == 3);
  }
}

TEST(ZipfWeights, FallAsAPowerOfRank) {
  const auto w = zipf_weights(3, 1.0);
  EXPECT_DOUBLE_EQ(w[0], 1.0);
  EXPECT_DOUBLE_EQ(w[1], 0.5);
  EXPECT_DOUBLE_EQ(w[2], 1.0 / 3.0);
}

}  // namespace
}  // namespace cellkit::sim

#include "cellkit/analysis/closed_form.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace cellkit {
namespace {

// The reference table prints 6 significant digits; compare at that precision.
std::string six(double value) {
  return fmt::format("{:.6g}", value);
}

std::vector<std::string> probabilities(const MathResult& r) {
  std::vector<std::string> out;
  for (const OverlapLine& line : r.overlap)
    out.push_back(six(line.probability));
  return out;
}

MathResult math(MathOptions options) {
  Result<MathResult> r = compute_math(options);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return *r;
}

TEST(ComputeMath, EightCellsShardTwoHas28ShardsAndIsSevenTimesBetterThanPlain) {
  const MathResult r = math({.cells = 8, .shard_size = 2});
  EXPECT_EQ(r.distinct_shards, UInt128{28});
  ASSERT_EQ(r.overlap.size(), 3u);
  EXPECT_EQ(r.overlap[0].shards, UInt128{15});
  EXPECT_EQ(r.overlap[1].shards, UInt128{12});
  EXPECT_EQ(r.overlap[2].shards, UInt128{1});
  EXPECT_DOUBLE_EQ(r.fully_inside_probability, 1.0 / 28);
  EXPECT_DOUBLE_EQ(r.plain_probability, 1.0 / 4);
  EXPECT_EQ(r.ratio_to_plain, 7.0);
}

TEST(ComputeMath, Route53HasExactlyC2048Choose4Shards) {
  EXPECT_EQ(math({.cells = 2048, .shard_size = 4}).distinct_shards, UInt128{730'862'190'080});
}

TEST(ComputeMath, Route53StripesWithOverlapTwoHoldFiveHundredTwelveCubed) {
  const MathResult r = math({.cells = 2048, .shard_size = 4, .zones = 4, .max_overlap = 2});
  EXPECT_EQ(r.capacity_bound, UInt128{134'217'728});
  EXPECT_EQ(r.distinct_shards, UInt128{512} * 512 * 512 * 512);
}

TEST(ComputeMath, FiftyCellsShardFourMatchesPublishedDistribution) {
  const MathResult r = math({.cells = 50, .shard_size = 4});
  EXPECT_EQ(r.distinct_shards, UInt128{230'300});
  EXPECT_EQ(probabilities(r),
            (std::vector<std::string>{six(0.708576), six(0.263656), six(0.0269648),
                                      six(0.000798958), six(4.34216e-6)}));
}

TEST(ComputeMath, NinetyCellsShardThreeMatchesPublishedDistribution) {
  const MathResult r = math({.cells = 90, .shard_size = 3});
  EXPECT_EQ(probabilities(r), (std::vector<std::string>{six(0.902239), six(0.0955312),
                                                        six(0.00222165), six(8.51209e-6)}));
}

TEST(ComputeMath, ThreeZonesOfThirtyOnePerZoneIsBinomial) {
  const MathResult r = math({.cells = 90, .shard_size = 3, .zones = 3});
  EXPECT_EQ(r.distinct_shards, UInt128{27'000});
  // Binomial(3, 1/30): 29³, 3·29², 3·29, 1 out of 30³.
  EXPECT_EQ(r.overlap[0].shards, UInt128{24'389});
  EXPECT_EQ(r.overlap[1].shards, UInt128{2'523});
  EXPECT_EQ(r.overlap[2].shards, UInt128{87});
  EXPECT_EQ(r.overlap[3].shards, UInt128{1});
  const std::vector<double> published{0.903296, 0.093444, 0.003222, 0.000037};
  for (std::size_t o = 0; o < published.size(); ++o)
    EXPECT_EQ(fmt::format("{:.6f}", r.overlap[o].probability), fmt::format("{:.6f}", published[o]));
}

TEST(ComputeMath, HundredCellsShardFourMatchesPublishedNumbers) {
  const MathResult r = math({.cells = 100, .shard_size = 4, .tenants = 10'000, .max_overlap = 2});
  EXPECT_EQ(r.distinct_shards, UInt128{3'921'225});
  EXPECT_EQ(probabilities(r),
            (std::vector<std::string>{six(0.847174), six(0.145750), six(0.00697741),
                                      six(9.79286e-5), six(2.55022e-7)}));
  EXPECT_EQ(r.capacity_bound, UInt128{40'425});
  EXPECT_EQ(r.tenant_pairs, UInt128{49'995'000});
  const std::vector<double> pairs{42'354'466, 7'286'790, 348'836, 4'896};
  for (std::size_t o = 0; o < pairs.size(); ++o)
    EXPECT_EQ(std::llround(r.overlap[o].expected_pairs), std::llround(pairs[o])) << o;
  EXPECT_EQ(fmt::format("{:.1f}", r.overlap[4].expected_pairs), "12.7");
  EXPECT_EQ(r.cell_load_mean, 400.0);
  EXPECT_EQ(fmt::format("{:.1f}", r.cell_load_sd), "19.6");
  EXPECT_EQ(std::llround(r.add_cell_moves), 396);  // "adding one cell ideally changes 396"
}

TEST(ComputeMath, ExpectedPairsOverTheLimitSumTheTailOfTheDistribution) {
  const MathResult r = math({.cells = 100, .shard_size = 4, .tenants = 10'000, .max_overlap = 2});
  EXPECT_NEAR(r.expected_pairs_over_limit,
              r.overlap[3].expected_pairs + r.overlap[4].expected_pairs, 1e-6);
  EXPECT_NEAR(r.probability_over_limit, r.overlap[3].probability + r.overlap[4].probability, 1e-15);
}

TEST(ComputeMath, HundredCellsShardFiveHasExactCount) {
  EXPECT_EQ(math({.cells = 100, .shard_size = 5}).distinct_shards, UInt128{75'287'520});
}

TEST(ComputeMath, ProbabilitiesSumToOne) {
  const MathResult r = math({.cells = 37, .shard_size = 6});
  double sum = 0;
  for (const OverlapLine& line : r.overlap)
    sum += line.probability;
  EXPECT_NEAR(sum, 1.0, 1e-12);
}

TEST(ComputeMath, RejectsShardSizeAboveCells) {
  EXPECT_EQ(compute_math({.cells = 4, .shard_size = 5}).status().message(),
            "shard_size 5 is not allowed: it must not exceed cells (4)");
}

TEST(ComputeMath, RejectsZeroCellsAndZeroShardSize) {
  EXPECT_EQ(compute_math({.cells = 0, .shard_size = 1}).status().message(),
            "cells 0 is not allowed: it must be at least 1");
  EXPECT_EQ(compute_math({.cells = 3, .shard_size = 0}).status().message(),
            "shard_size 0 is not allowed: it must be at least 1");
}

TEST(ComputeMath, RejectsZonesThatDoNotDivide) {
  EXPECT_EQ(compute_math({.cells = 10, .shard_size = 3, .zones = 3}).status().message(),
            "zones 3 is not allowed: it must divide both cells (10) and shard_size (3)");
}

TEST(ComputeMath, RejectsOverlapLimitAtShardSize) {
  EXPECT_EQ(compute_math({.cells = 10, .shard_size = 3, .max_overlap = 3}).status().message(),
            "max_overlap 3 is not allowed: it must be below shard_size (3)");
}

TEST(ComputeMath, NamesTheOptionsAsTheFrontEndCallsThem) {
  MathOptions o{.cells = 10, .shard_size = 3, .zones = 3};
  o.names = {.cells = "--cells", .shard_size = "--shard-size", .zones = "--zones"};
  EXPECT_EQ(compute_math(o).status().message(),
            "--zones 3 is not allowed: it must divide both --cells (10) and --shard-size (3)");
}

TEST(ComputeMath, RejectsNumbersBeyond128Bits) {
  const Result<MathResult> r = compute_math({.cells = 4000, .shard_size = 2000});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("does not fit in 128 bits"), std::string::npos);
}

}  // namespace
}  // namespace cellkit

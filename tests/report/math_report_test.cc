#include "cellkit/report/math_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cellkit {
namespace {

MathResult math(const MathOptions& options) {
  Result<MathResult> r = compute_math(options);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return std::move(r).value();
}

TEST(MathReport, TextOfFourCellsInPairsIsExact) {
  const std::string text = render_math_text(math({.cells = 4, .shard_size = 2, .tenants = 3}));
  EXPECT_EQ(text,
            "cellkit math: 4 cells, shard size 2\n"
            "  distinct shards: 6\n"
            "\n"
            "Overlap of two random shards (hypergeometric)\n"
            "  shared  shards  probability  expected pairs\n"
            "       0       1     0.166667            0.50\n"
            "       1       4     0.666667            2.00\n"
            "       2       1     0.166667            0.50\n"
            "  mean overlap 1.000000 cells (k²/N)\n"
            "\n"
            "Tenants: 3 (3 pairs)\n"
            "  tenants per cell: mean 1.50, sd 0.87 (Binomial(T, k/N))\n"
            "  adding one cell moves at least 1.20 tenant slots to it (T·k/(N+1))\n"
            "\n"
            "Poison pill\n"
            "  chance a random other tenant is fully inside the poisoned shard: 0.166667\n"
            "  with plain sharding (2 disjoint groups of 2): 0.500000\n"
            "  shuffle sharding is 3.00x better\n");
}

TEST(MathReport, TextWithoutTenantsHasNoTenantSection) {
  const std::string text = render_math_text(math({.cells = 4, .shard_size = 2}));
  EXPECT_EQ(text.find("Tenants:"), std::string::npos);
  EXPECT_EQ(text.find("expected pairs over"), std::string::npos);
}

TEST(MathReport, ZonedLimitNamesTheBoundInTheSingularAndTheDesignThatReachesIt) {
  const std::string text = render_math_text(
      math({.cells = 12, .shard_size = 3, .zones = 3, .tenants = 5, .max_overlap = 1}));
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "cellkit math: 12 cells, shard size 3, 3 zones of 4 cells, 1 per zone in every shard");
  // Two random stripes share a cell of each zone with chance 1/4: Binomial(3, 1/4) × 64.
  EXPECT_NE(text.find("       0      27     0.421875            4.22\n"
                      "       1      27     0.421875            4.22\n"
                      "       2       9     0.140625            1.41\n"
                      "       3       1     0.015625            0.16\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nOverlap limit m = 1\n"
                      "  chance a random pair shares more than 1: 0.156250\n"
                      "  expected pairs over the limit among 5 random tenants: 1.56\n"
                      "  capacity bound: at most 16 tenants can share no more than 1 cell\n"
                      "  design: reed-solomon stripes (3 zones of 4 cells, polynomials of degree "
                      "at most 1 over GF(4)), reaches 16 tenants: the bound\n"),
            std::string::npos);
}

TEST(MathReport, TextNamesTheBoundFormulaWithoutZonesAndThePluralAboveOne) {
  const std::string text = render_math_text(math({.cells = 20, .shard_size = 4, .max_overlap = 2}));
  EXPECT_NE(text.find("  capacity bound: at most 285 tenants can share no more than 2 cells "
                      "(C(N,m+1)/C(k,m+1))\n"),
            std::string::npos);
}

TEST(MathReport, JsonKeepsSmallIntegersAsNumbersAndTheLimitSection) {
  const auto j = nlohmann::json::parse(
      render_math_json(math({.cells = 8, .shard_size = 4, .tenants = 10, .max_overlap = 1})));
  EXPECT_EQ(j["options"],
            nlohmann::json::parse(R"({"cells": 8, "shard_size": 4, "zones": 0, "tenants": 10,
                                      "max_overlap": 1})"));
  EXPECT_EQ(j["distinct_shards"], 70);
  ASSERT_EQ(j["overlap"].size(), 5U);
  EXPECT_EQ(j["overlap"][2]["shards"], 36);  // C(4,2)·C(4,2)
  EXPECT_EQ(j["tenant_pairs"], 45);
  EXPECT_EQ(j["limit"]["capacity_bound"], 4);  // C(8,2)/C(4,2) = 28/6, rounded down
  EXPECT_EQ(j["limit"]["design"]["family"], "none");
  EXPECT_DOUBLE_EQ(j["poison"]["ratio_to_plain"].get<double>(), 35.0);
}

TEST(MathReport, JsonWritesIntegersBeyondSixtyFourBitsAsDecimalStrings) {
  const auto j = nlohmann::json::parse(render_math_json(math({.cells = 128, .shard_size = 32})));
  // C(128,32) and C(96,32), the shards disjoint from a fixed one: both above 2^64.
  EXPECT_EQ(j["distinct_shards"], "1477806921502280666682474774300");
  EXPECT_EQ(j["overlap"][0]["shards"], "29701747773016666409906415");
  EXPECT_TRUE(j["options"]["max_overlap"].is_null());
  EXPECT_FALSE(j.contains("limit"));
}

}  // namespace
}  // namespace cellkit

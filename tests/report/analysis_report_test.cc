#include "cellkit/report/analysis_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "analysis/hand_built.h"

namespace cellkit {
namespace {

// n cells and tenants on the given cells, analyzed in place.
HandBuilt hand_built(std::uint32_t n, const std::vector<std::vector<std::uint32_t>>& shards,
                     std::optional<OverlapLimit> limit = {}) {
  HandBuilt h;
  h.add_cells(n);
  for (const auto& cells : shards)
    h.add_tenant(cells);
  h.limit = limit;
  return h;
}

AnalysisResult analyzed(const HandBuilt& h, const AnalysisOptions& options = {}) {
  Result<AnalysisResult> r = h.run(options);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return std::move(r).value();
}

// A triangle on c0, c1, c2 and one tenant apart on c3, c4.
HandBuilt triangle(std::optional<OverlapLimit> limit = {}) {
  return hand_built(5, {{0, 1}, {0, 2}, {1, 2}, {3, 4}}, limit);
}

const AnalysisSource kSource{.path = "tri.csv", .lines = 4};

TEST(AnalysisReport, TextOfATriangleIsExact) {
  EXPECT_EQ(render_analysis_text(analyzed(triangle()), kSource),
            "cellkit analyze: tri.csv\n"
            "  4 tenants on 5 cells in 1 zone; shard sizes: 2 for 4 tenants\n"
            "\n"
            "Pair overlap: 6 pairs, beside a random placement (hypergeometric)\n"
            "  shared  pairs  expected if random\n"
            "       0      3                1.80\n"
            "       1      3                3.60\n"
            "       2      0                0.60\n"
            "  max overlap: 1 cell shared by 3 pairs, first: t0 & t1, t0 & t2, t1 & t2\n"
            "  identical cell sets: none\n"
            "\n"
            "Poison pill: a tenant kills every cell of its shard\n"
            "             others down  degraded\n"
            "  worst: t0            0         2\n"
            "  p99                  0         2\n"
            "  mean              0.00      1.50\n"
            "  the worst poisoner's cells: c0,c1\n"
            "\n"
            "Cell and zone failures: tenants hurt\n"
            "                     fully down  degraded  untouched\n"
            "  worst cell: c0              0         2          2\n"
            "  mean over 5 cells        0.00      1.60\n"
            "\n"
            "Load: a tenant's weight spread evenly over its shard\n"
            "                 min   max  mean    sd  max/mean  busiest\n"
            "  tenants/cell  1.00  2.00  1.60  0.49      1.25  c0\n"
            "  weight/cell   0.50  1.00  0.80  0.24      1.25  c0\n"
            "  if cell c0 fails: busiest surviving cell c1 carries 1.50 (busiest before: 1.00; "
            "1.88x the mean)\n");
}

TEST(AnalysisReport, TextAddsTheChosenTenantAndTheChosenFailure) {
  const std::string text = render_analysis_text(
      analyzed(triangle(), {.tenant = "t0", .fail_cells = {"c0", "c1"}}), kSource);
  EXPECT_NE(text.find("  the worst poisoner's cells: c0,c1\n"
                      "  --tenant t0 (c0,c1): 1 fully down (itself included), 2 degraded, "
                      "1 untouched\n"),
            std::string::npos);
  EXPECT_NE(text.find("  mean over 5 cells        0.00      1.60\n"
                      "  --fail c0,c1                1         2          1\n"),
            std::string::npos);
}

TEST(AnalysisReport, TextListsIdenticalCellSetsWithTheirTenants) {
  const std::string text =
      render_analysis_text(analyzed(hand_built(4, {{0, 1}, {0, 1}, {2, 3}})), kSource);
  EXPECT_NE(text.find("  max overlap: 2 cells shared by 1 pair, first: t0 & t1\n"
                      "  identical cell sets: 1 set held by 2 tenants; largest:\n"
                      "    c0,c1 (2 tenants: t0, t1)\n"),
            std::string::npos);
}

TEST(AnalysisReport, JsonCarriesTheSourceTheHistogramAndTheWorstPoisoner) {
  const auto j = nlohmann::json::parse(render_analysis_json(analyzed(triangle()), kSource));
  EXPECT_EQ(j["source"],
            nlohmann::json::parse(R"({"path": "tri.csv", "lines": 4, "skipped_lines": 0})"));
  EXPECT_EQ(j["mapping"]["tenants"], 4);
  EXPECT_EQ(j["mapping"]["cells"], 5);
  EXPECT_TRUE(j["fill"].is_null());
  ASSERT_EQ(j["overlap"]["histogram"].size(), 3U);
  EXPECT_EQ(j["overlap"]["histogram"][1]["pairs"], 3);
  EXPECT_DOUBLE_EQ(j["overlap"]["histogram"][1]["expected"].get<double>(), 3.6);
  EXPECT_EQ(j["overlap"]["max_overlap_examples"][2], nlohmann::json::parse(R"(["t1", "t2"])"));
  EXPECT_EQ(j["poison"]["worst"]["name"], "t0");
  EXPECT_EQ(j["poison"]["worst"]["cells"], nlohmann::json::parse(R"(["c0", "c1"])"));
  EXPECT_EQ(j["poison"]["worst"]["degraded"], 2);
}

TEST(AnalysisReport, JsonReportsTheFillWhenAnOverlapLimitIsGiven) {
  // With m = 1 the bound on 5 cells in pairs is C(5,2)/C(2,2) = 10; 4 are placed.
  const auto j = nlohmann::json::parse(render_analysis_json(
      analyzed(triangle(OverlapLimit{.max_overlap = 1, .bound = 10})), kSource));
  ASSERT_TRUE(j["fill"].is_object());
  EXPECT_EQ(j["fill"]["max_overlap"], 1);
  EXPECT_EQ(j["fill"]["placed"], 4);
  EXPECT_EQ(j["fill"]["bound"], 10);
  EXPECT_DOUBLE_EQ(j["fill"]["fill"].get<double>(), 0.4);
}

}  // namespace
}  // namespace cellkit

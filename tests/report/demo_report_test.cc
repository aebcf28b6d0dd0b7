#include "cellkit/report/demo_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cellkit {
namespace {

TEST(RenderDemoJson, ParsesAndCountsAddUp) {
  const DemoResult r = *run_demo({.seed = 4, .requests = 500});
  const auto doc = nlohmann::json::parse(render_demo_json(r));
  const auto& summary = doc["summary"];
  EXPECT_EQ(summary["requests"], 500);
  std::uint64_t sum = 0;
  for (const auto& [name, count] : summary["outcomes"].items())
    sum += count.get<std::uint64_t>();
  EXPECT_EQ(sum, 500u);
  EXPECT_EQ(doc["requests"].size(), 500u);
  EXPECT_EQ(summary["served"].get<std::uint64_t>() + summary["failed"].get<std::uint64_t>(), 500u);
}

TEST(RenderDemoJson, ListsCellsTenantsAndDeaths) {
  const DemoResult r = *run_demo({.seed = 1});
  const auto doc = nlohmann::json::parse(render_demo_json(r));
  EXPECT_EQ(doc["cells"].size(), 3u);
  EXPECT_EQ(doc["tenants"].size(), 10u);
  std::size_t dead = 0;
  for (const auto& cell : doc["cells"]) {
    if (!cell["alive"].get<bool>()) {
      ++dead;
      EXPECT_EQ(cell["killed_by"], "tenant-2");
    }
  }
  std::size_t died_events = 0;
  for (const auto& e : doc["events"])
    died_events += e["kind"] == "cell_died" ? 1 : 0;
  EXPECT_EQ(dead, died_events);
}

TEST(RenderDemoText, VerboseListsEveryRequest) {
  const DemoResult r = *run_demo({.requests = 7});
  const std::string quiet = render_demo_text(r, false);
  const std::string verbose = render_demo_text(r, true);
  EXPECT_EQ(quiet.find("#7 "), std::string::npos);
  EXPECT_NE(verbose.find("#7 "), std::string::npos);
  EXPECT_NE(verbose.find("Requests and events"), std::string::npos);
}

TEST(RenderDemoText, SaysWhenNoCellDied) {
  const DemoResult r = *run_demo({.requests = 0});
  const std::string text = render_demo_text(r, false);
  EXPECT_NE(text.find("none: no cell died"), std::string::npos);
  EXPECT_NE(text.find("none: every tenant kept a healthy cell"), std::string::npos);
}

}  // namespace
}  // namespace cellkit

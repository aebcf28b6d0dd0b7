#include "cellkit/report/sim_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cellkit/sim/simulator.h"

namespace cellkit {
namespace {

using std::chrono::seconds;

sim::RunResult small_run() {
  sim::Scenario s;
  s.name = "tiny";
  s.cells.count = 2;
  s.tenants.count = 3;
  s.tenants.shard_size = 1;
  s.workload.rate = 20;
  s.until = seconds(4);
  s.interval = seconds(2);
  s.faults.cell_crashes.push_back({.at = seconds(1), .cell = 1, .duration = seconds(1)});
  return sim::simulate(s, 3).value();
}

TEST(SimReport, TimeseriesCsvIsLongFormWithOneRowPerMetric) {
  const std::vector<sim::RunResult> runs = {small_run()};
  const std::string csv = render_timeseries_csv(runs);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "run,seed,time_s,entity,metric,value");
  // 2 intervals × (arrivals + 8 outcomes + 3 fleet gauges + 3 downtimes + 2 latency
  // percentiles + 2 cells' utilization)
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 19);
  EXPECT_NE(csv.find("0,3,4,fleet,healthy_cells,2\n"), std::string::npos);
  // cell-1 is down from 1 s to 2 s: all of it in the first interval, none in the second.
  EXPECT_NE(csv.find("0,3,2,fleet,cell_down_s,1\n"), std::string::npos);
  EXPECT_NE(csv.find("0,3,4,fleet,cell_down_s,0\n"), std::string::npos);
  EXPECT_NE(csv.find("0,3,4,cell-1,utilization,"), std::string::npos);
  EXPECT_NE(csv.find("0,3,2,fleet,latency_p99_ms,"), std::string::npos);
}

TEST(SimReport, TenantsCsvHasARowPerTenant) {
  const std::vector<sim::RunResult> runs = {small_run()};
  const std::string csv = render_tenants_csv(runs);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 3);
  EXPECT_NE(csv.find(",availability,degraded_s,down_s\n"), std::string::npos);
  const std::string first_row =
      csv.substr(csv.find('\n') + 1, csv.find('\n', csv.find('\n') + 1) - csv.find('\n') - 1);
  EXPECT_EQ(first_row.substr(0, 14), "0,3,tenant-0,\"");
}

TEST(SimReport, TextNamesTheScenarioAndTheCrash) {
  const std::string text = render_run_text(small_run());
  EXPECT_EQ(text.substr(0, text.find('\n')), "cellkit simulate: tiny (seed 3)");
  EXPECT_NE(text.find("00:00:01.000  cell-1 crashed (scheduled fault)"), std::string::npos);
}

// Both cells of shards of two down (and known down after the 1 s health check) when a third
// joins at 3 s: one healthy cell for shards of two, so the rebalance cannot be planned.
// Both cells are down when a third joins: no rendezvous plan onto it can be made.
sim::RunResult run_with_an_unplannable_rebalance() {
  sim::Scenario s;
  s.cells.count = 2;
  s.tenants.count = 3;
  s.tenants.placement = Strategy::kRendezvous;
  s.workload.rate = 20;
  s.until = seconds(4);
  s.interval = seconds(2);
  s.router.health_check_interval = seconds(1);
  s.faults.cell_crashes = {{.at = seconds(1), .cell = 0, .duration = seconds(5)},
                           {.at = seconds(1), .cell = 1, .duration = seconds(5)}};
  s.growth.scale_out.push_back({.at = seconds(3), .cells = 1});
  s.growth.rebalance = true;
  return sim::simulate(s, 3).value();
}

TEST(SimReport, TextSaysARebalanceCouldNotBePlanned) {
  const std::string text = render_run_text(run_with_an_unplannable_rebalance());
  EXPECT_NE(text.find("00:00:03.000  rebalance onto the cells from cell-2 on: no plan found; "
                      "nothing moved\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  refused, and the run went on: 1 rebalance(s) not planned, 0 move(s), 0 "
                      "health record(s), 0 persisted snapshot(s)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(render_run_text(small_run()).find("refused, and the run went on"), std::string::npos);
}

TEST(SimReport, JsonCountsTheRefusals) {
  const std::vector<sim::RunResult> runs = {run_with_an_unplannable_rebalance()};
  const auto doc = nlohmann::json::parse(render_runs_json(runs));
  const auto& refusals = doc["runs"][0]["refusals"];
  EXPECT_EQ(refusals, nlohmann::json::parse(R"({"rebalances_not_planned": 1, "moves_refused": 0,
                                                "health_not_recorded": 0,
                                                "snapshots_refused": 0})"))
      << doc.dump();
}

// 30 crashes and restarts of cell-1, one a second: more than the text shows.
sim::RunResult run_with_long_timeline() {
  sim::RunResult r = small_run();
  r.timeline.clear();
  for (int i = 0; i < 30; ++i) {
    const TimePoint at{seconds(2 * i)};
    r.timeline.push_back({.time = at,
                          .what = sim::timeline::CellCrashed{
                              .cell = CellId{1}, .cause = sim::CrashCause::kScheduled}});
    r.timeline.push_back(
        {.time = at + seconds(1), .what = sim::timeline::CellRestarted{CellId{1}}});
  }
  r.timeline_dropped = 5;
  return r;
}

TEST(SimReport, LongTimelineKeepsTheFirstAndLastOfEachKindAndSaysWhatWasCut) {
  const std::string text = render_run_text(run_with_long_timeline());
  EXPECT_NE(
      text.find("Timeline (4 of 65 entries; the first and last of each kind)\n"
                "  00:00:00.000  cell-1 crashed (scheduled fault)\n"
                "  00:00:01.000  cell-1 restarted\n"
                "  ... 56 more\n"
                "  00:00:58.000  cell-1 crashed (scheduled fault)\n"
                "  00:00:59.000  cell-1 restarted\n"
                "  ... 5 later entries not recorded (a run keeps the first 2,000)\n"
                "  56 recorded entries cut here; every one in --format json and in --out DIR\n"),
      std::string::npos)
      << text;
}

TEST(SimReport, TenantTableNamesCellsAndCountsHaveSeparators) {
  sim::RunResult r = small_run();
  r.tenants[0].arrivals = 1234567;
  const std::string text = render_run_text(r);
  EXPECT_NE(text.find("tenant-0  cell-"), std::string::npos) << text;
  EXPECT_NE(text.find("1,234,567"), std::string::npos) << text;
}

TEST(SimReport, ReplicationsTextUsesReadableNamesWithUnits) {
  const std::vector<sim::RunResult> runs = {small_run(), small_run()};
  const std::string text = render_replications_text(runs);
  EXPECT_NE(text.find("    p50 latency "), std::string::npos) << text;
  EXPECT_NE(text.find(" ms  ± 0.000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    tenants fully down "), std::string::npos) << text;
  EXPECT_NE(text.find("  cell crashed       2     1.00  00:00:01.000  00:00:01.000\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("latency_p50_ms"), std::string::npos) << text;
}

TEST(SimReport, JsonSummaryHasMeanAndInterval) {
  const std::vector<sim::RunResult> runs = {small_run(), small_run()};
  const std::string json = render_runs_json(runs);
  EXPECT_NE(json.find("\"availability\": {\n      \"mean\""), std::string::npos);
}

TEST(SimReport, RunFilesAreTheTimeSeriesTheTenantsAndTheJsonInThatOrder) {
  const std::vector<sim::RunResult> runs = {small_run()};
  const std::vector<RenderedFile> files = render_run_files(runs);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].name, "timeseries.csv");
  EXPECT_EQ(files[0].contents, render_timeseries_csv(runs));
  EXPECT_EQ(files[1].name, "tenants.csv");
  EXPECT_EQ(files[1].contents, render_tenants_csv(runs));
  EXPECT_EQ(files[2].name, "result.json");
  EXPECT_EQ(files[2].contents, render_runs_json(runs));
}

}  // namespace
}  // namespace cellkit

#include "cellkit/report/sim_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cellkit/sim/run_result.h"

namespace cellkit {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
namespace timeline = sim::timeline;

TimePoint at(Duration d) {
  return TimePoint{} + d;
}

sim::OutcomeCounts outcomes(std::uint64_t served, std::uint64_t crashed) {
  sim::OutcomeCounts o{};
  o[static_cast<std::size_t>(sim::Outcome::kServed)] = served;
  o[static_cast<std::size_t>(sim::Outcome::kCellCrashed)] = crashed;
  return o;
}

// Built by hand, so the report is tested apart from the simulator: two cells of one server,
// three tenants on one cell each, two intervals of 2 s; cell-1 is down from 1 s to 2 s, which
// takes tenant-1 down and crashes 2 of its requests.
sim::RunResult hand_run() {
  sim::RunResult r{.scenario = "tiny",
                   .seed = 3,
                   .until = seconds(4),
                   .interval = seconds(2),
                   .servers_per_cell = 1,
                   .arrivals = 40,
                   .outcomes = outcomes(38, 2),
                   .router_version = 1,
                   .events = 123};
  for (int ms : {10, 20, 30})
    r.latency.record(milliseconds(ms));
  r.wait.record(milliseconds(4));
  r.tenants = {{.id = TenantId{0},
                .name = "tenant-0",
                .shard = {CellId{0}},
                .arrivals = 14,
                .outcomes = outcomes(14, 0)},
               {.id = TenantId{1},
                .name = "tenant-1",
                .shard = {CellId{1}},
                .arrivals = 12,
                .outcomes = outcomes(10, 2),
                .down_for = seconds(1)},
               {.id = TenantId{2},
                .name = "tenant-2",
                .shard = {CellId{0}},
                .arrivals = 14,
                .outcomes = outcomes(14, 0)}};
  r.cells = {
      {.id = CellId{0}, .name = "cell-0", .zone_name = "zone-0", .served = 28, .utilization = 0.25},
      {.id = CellId{1},
       .name = "cell-1",
       .zone_name = "zone-0",
       .served = 10,
       .crashes = 1,
       .utilization = 0.125,
       .down_for = seconds(1)}};
  r.intervals = {{.end = at(seconds(2)),
                  .arrivals = 20,
                  .outcomes = outcomes(18, 2),
                  .healthy_cells = 2,
                  .cell_down = seconds(1),
                  .tenant_down = seconds(1),
                  .cell_utilization = {0.25, 0.0625},
                  .latency_p50 = milliseconds(20),
                  .latency_p99 = milliseconds(30)},
                 {.end = at(seconds(4)),
                  .arrivals = 20,
                  .outcomes = outcomes(20, 0),
                  .healthy_cells = 2,
                  .cell_utilization = {0.25, 0.1875},
                  .latency_p50 = milliseconds(10),
                  .latency_p99 = milliseconds(30)}};
  r.blast = {.cells_crashed = 1,
             .crashes = 1,
             .tenants_down = 1,
             .tenants_untouched = 2,
             .down_time = seconds(1),
             .longest_down = seconds(1)};
  r.timeline = {
      {.time = at(seconds(1)),
       .what = timeline::CellCrashed{.cell = CellId{1}, .cause = sim::CrashCause::kScheduled}},
      {.time = at(seconds(1)), .what = timeline::TenantDown{TenantId{1}}},
      {.time = at(seconds(2)), .what = timeline::CellRestarted{CellId{1}}},
      {.time = at(seconds(2)), .what = timeline::TenantRecovered{TenantId{1}}}};
  return r;
}

TEST(SimReport, TimeseriesCsvIsLongFormWithOneRowPerMetric) {
  const std::vector<sim::RunResult> runs = {hand_run()};
  EXPECT_EQ(render_timeseries_csv(runs),
            "run,seed,time_s,entity,metric,value\n"
            "0,3,2,fleet,arrivals,20\n"
            "0,3,2,fleet,served,18\n"
            "0,3,2,fleet,shed,0\n"
            "0,3,2,fleet,no_healthy_cell,0\n"
            "0,3,2,fleet,unknown_tenant,0\n"
            "0,3,2,fleet,quarantined,0\n"
            "0,3,2,fleet,cell_crashed,2\n"
            "0,3,2,fleet,timed_out,0\n"
            "0,3,2,fleet,cell_error,0\n"
            "0,3,2,fleet,healthy_cells,2\n"
            "0,3,2,fleet,tenants_down,0\n"
            "0,3,2,fleet,tenants_degraded,0\n"
            "0,3,2,fleet,cell_down_s,1\n"
            "0,3,2,fleet,tenant_down_s,1\n"
            "0,3,2,fleet,tenant_degraded_s,0\n"
            "0,3,2,fleet,latency_p50_ms,20\n"
            "0,3,2,fleet,latency_p99_ms,30\n"
            "0,3,2,cell-0,utilization,0.25\n"
            "0,3,2,cell-1,utilization,0.0625\n"
            "0,3,4,fleet,arrivals,20\n"
            "0,3,4,fleet,served,20\n"
            "0,3,4,fleet,shed,0\n"
            "0,3,4,fleet,no_healthy_cell,0\n"
            "0,3,4,fleet,unknown_tenant,0\n"
            "0,3,4,fleet,quarantined,0\n"
            "0,3,4,fleet,cell_crashed,0\n"
            "0,3,4,fleet,timed_out,0\n"
            "0,3,4,fleet,cell_error,0\n"
            "0,3,4,fleet,healthy_cells,2\n"
            "0,3,4,fleet,tenants_down,0\n"
            "0,3,4,fleet,tenants_degraded,0\n"
            "0,3,4,fleet,cell_down_s,0\n"
            "0,3,4,fleet,tenant_down_s,0\n"
            "0,3,4,fleet,tenant_degraded_s,0\n"
            "0,3,4,fleet,latency_p50_ms,10\n"
            "0,3,4,fleet,latency_p99_ms,30\n"
            "0,3,4,cell-0,utilization,0.25\n"
            "0,3,4,cell-1,utilization,0.1875\n");
}

TEST(SimReport, TenantsCsvHasARowPerTenant) {
  const std::vector<sim::RunResult> runs = {hand_run()};
  EXPECT_EQ(render_tenants_csv(runs),
            "run,seed,tenant,cells,arrivals,served,shed,no_healthy_cell,unknown_tenant,quarantined,"
            "cell_crashed,timed_out,cell_error,availability,degraded_s,down_s\n"
            "0,3,tenant-0,\"0\",14,14,0,0,0,0,0,0,0,1,0,0\n"
            "0,3,tenant-1,\"1\",12,10,0,0,0,0,2,0,0,0.833333,0,1\n"
            "0,3,tenant-2,\"0\",14,14,0,0,0,0,0,0,0,1,0,0\n");
}

TEST(SimReport, TextNamesTheScenarioTheCrashAndTheTenantItTookDown) {
  EXPECT_EQ(
      render_run_text(hand_run()),
      "cellkit simulate: tiny (seed 3)\n"
      "2 cells x 1 servers, 3 tenants, 4.0s simulated, 123 events\n"
      "\n"
      "Requests\n"
      "  arrivals         40\n"
      "  served           38  95.000%\n"
      "  shed              0   0.000%\n"
      "  no healthy cell   0   0.000%\n"
      "  unknown tenant    0   0.000%\n"
      "  quarantined       0   0.000%\n"
      "  cell crashed      2   5.000%\n"
      "  timed out         0   0.000%\n"
      "  cell error        0   0.000%\n"
      "\n"
      "Latency of served requests (arrival to answer)\n"
      "  p50 20.095 ms   p99 30.000 ms   p99.9 30.000 ms   max 30.000 ms\n"
      "  mean wait in a cell's queue 4.000 ms\n"
      "\n"
      "Blast radius\n"
      "  cells crashed       1 of 2 (1 crashes)\n"
      "  tenants fully down  1 (tenant-time 1.0s, longest 1.0s)\n"
      "  tenants degraded    0 (tenant-time 0s)\n"
      "  tenants untouched   2\n"
      "  router table at end version 1\n"
      "\n"
      "Timeline (4 of 4 entries)\n"
      "  00:00:01.000  cell-1 crashed (scheduled fault)\n"
      "  00:00:01.000  tenant-1 fully down: all its cells are down\n"
      "  00:00:02.000  cell-1 restarted\n"
      "  00:00:02.000  tenant-1 has a live cell again\n"
      "\n"
      "Cells\n"
      "  cell    zone    completed  shed  crashes   util  down\n"
      "  cell-0  zone-0         28     0        0  25.0%    0s\n"
      "  cell-1  zone-0         10     0        1  12.5%  1.0s\n"
      "\n"
      "Tenants with the lowest availability (3 of 3)\n"
      "  tenant    cells   arrivals  served     avail  down  degraded\n"
      "  tenant-1  cell-1        12      10   83.333%  1.0s        0s\n"
      "  tenant-0  cell-0        14      14  100.000%    0s        0s\n"
      "  tenant-2  cell-0        14      14  100.000%    0s        0s\n"
      "\n"
      "Time series (per 2.0s interval)\n"
      "  end           arrivals  served  failed  healthy  down  degraded  down cell-s  p99 ms\n"
      "  00:00:02.000        20      18       2        2     0         0        1.000  30.000\n"
      "  00:00:04.000        20      20       0        2     0         0        0.000  30.000\n");
}

// The cells added from cell-2 on could not be balanced onto: the timeline says so, and the
// counts, which outlive a timeline cut at its limit, are in the text and the JSON.
sim::RunResult run_with_an_unplannable_rebalance() {
  sim::RunResult r = hand_run();
  r.cells.push_back({.id = CellId{2}, .name = "cell-2", .zone_name = "zone-0"});
  r.timeline.push_back(
      {.time = at(seconds(3)), .what = timeline::CellsAdded{.first = CellId{2}, .count = 1}});
  r.timeline.push_back({.time = at(seconds(3)), .what = timeline::RebalanceNotPlanned{CellId{2}}});
  r.refusals.rebalances_not_planned = 1;
  return r;
}

TEST(SimReport, TextSaysARebalanceCouldNotBePlanned) {
  const std::string text = render_run_text(run_with_an_unplannable_rebalance());
  EXPECT_NE(text.find("  00:00:03.000  1 cell(s) added from cell-2 on (scheduled scale-out)\n"
                      "  00:00:03.000  rebalance onto the cells from cell-2 on: no plan found; "
                      "nothing moved\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  router table at end version 1\n"
                      "  refused, and the run went on: 1 rebalance(s) not planned, 0 move(s), 0 "
                      "health record(s), 0 persisted snapshot(s)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(render_run_text(hand_run()).find("refused, and the run went on"), std::string::npos);
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
  sim::RunResult r = hand_run();
  r.timeline.clear();
  for (int i = 0; i < 30; ++i) {
    r.timeline.push_back(
        {.time = at(seconds(2 * i)),
         .what = timeline::CellCrashed{.cell = CellId{1}, .cause = sim::CrashCause::kScheduled}});
    r.timeline.push_back(
        {.time = at(seconds(2 * i + 1)), .what = timeline::CellRestarted{CellId{1}}});
  }
  r.timeline_dropped = 5;
  return r;
}

TEST(SimReport, LongTimelineKeepsTheFirstAndLastOfEachKindAndSaysWhatWasCut) {
  const std::string text = render_run_text(run_with_long_timeline());
  EXPECT_NE(
      text.find("\nTimeline (4 of 65 entries; the first and last of each kind)\n"
                "  00:00:00.000  cell-1 crashed (scheduled fault)\n"
                "  00:00:01.000  cell-1 restarted\n"
                "  ... 56 more\n"
                "  00:00:58.000  cell-1 crashed (scheduled fault)\n"
                "  00:00:59.000  cell-1 restarted\n"
                "  ... 5 later entries not recorded (a run keeps the first 2,000)\n"
                "  56 recorded entries cut here; every one in --format json and in --out DIR\n"
                "\nCells\n"),
      std::string::npos)
      << text;
}

TEST(SimReport, TenantTableNamesCellsAndCountsHaveSeparators) {
  sim::RunResult r = hand_run();
  r.tenants[0].arrivals = 1234567;
  const std::string text = render_run_text(r);
  EXPECT_NE(text.find("  tenant-0  cell-0  1,234,567      14    0.001%    0s        0s\n"),
            std::string::npos)
      << text;
}

TEST(SimReport, ReplicationsTextUsesReadableNamesWithUnits) {
  sim::RunResult second = hand_run();
  second.seed = 4;
  second.outcomes = outcomes(40, 0);
  second.latency.record(milliseconds(40));
  const std::vector<sim::RunResult> runs = {hand_run(), second};
  EXPECT_EQ(render_replications_text(runs),
            "cellkit simulate: tiny (2 runs, seeds derived from 3)\n"
            "\n"
            "  run  seed  arrivals     avail        p99  crashed  fully down\n"
            "  0       3        40   95.000%  30.000 ms        1           1\n"
            "  1       4        40  100.000%  40.000 ms        1           1\n"
            "\n"
            "Mean over 2 runs with its 95% confidence interval\n"
            "  Requests (share of arrivals)\n"
            "    availability                  97.500%  ± 31.765\n"
            "    shed                           0.000%  ± 0.000\n"
            "    no healthy cell                0.000%  ± 0.000\n"
            "    cell crashed                   2.500%  ± 31.765\n"
            "    unknown tenant                 0.000%  ± 0.000\n"
            "    quarantined                    0.000%  ± 0.000\n"
            "    timed out                      0.000%  ± 0.000\n"
            "    cell error                     0.000%  ± 0.000\n"
            "  Latency of served requests\n"
            "    p50 latency                 20.095 ms  ± 0.000\n"
            "    p99 latency                 35.000 ms  ± 63.530\n"
            "    p99.9 latency               35.000 ms  ± 63.530\n"
            "    mean queue wait              4.000 ms  ± 0.000\n"
            "  Cells\n"
            "    mean utilisation              18.750%  ± 0.000\n"
            "  Blast radius\n"
            "    cells crashed                    1.00  ± 0.00\n"
            "    tenants fully down               1.00  ± 0.00\n"
            "    tenants degraded                 0.00  ± 0.00\n"
            "\n"
            "Timeline over 2 runs (each run's own: --format json or --out DIR)\n"
            "  event             runs  per run         first          last\n"
            "  cell crashed         2     1.00  00:00:01.000  00:00:01.000\n"
            "  cell restarted       2     1.00  00:00:02.000  00:00:02.000\n"
            "  tenant down          2     1.00  00:00:01.000  00:00:01.000\n"
            "  tenant recovered     2     1.00  00:00:02.000  00:00:02.000\n");
}

TEST(SimReport, JsonSummaryHasMeanAndInterval) {
  sim::RunResult second = hand_run();
  second.outcomes = outcomes(40, 0);
  const std::vector<sim::RunResult> runs = {hand_run(), second};
  const auto summary = nlohmann::json::parse(render_runs_json(runs))["summary"];
  EXPECT_EQ(summary["availability"], nlohmann::json::parse(R"({"mean": 0.975, "ci95": 0.31765})"))
      << summary.dump();
}

TEST(SimReport, RunFilesAreTheTimeSeriesTheTenantsAndTheJsonInThatOrder) {
  const std::vector<sim::RunResult> runs = {hand_run()};
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

#include "cellkit/report/sweep_report.h"

#include <gtest/gtest.h>

#include "cellkit/base/limits.h"

namespace cellkit {
namespace {

// A sweep of one parameter with values 1 and 2, two runs each.
std::string manifest() {
  const SweepData d{.scenario = "s.yaml",
                    .parameters = {{.key = "tenants.shard_size", .values = {"1", "2"}}},
                    .runs = 2,
                    .jobs = {},
                    .shard = std::nullopt};
  return render_sweep_manifest(d);
}

std::string error_of(const std::string& row) {
  const std::string runs = "tenants.shard_size,run,seed,metric,value\n" + row + "\n";
  return parse_sweep(manifest(), runs, "out").status().message();
}

TEST(ParseSweep, ReadsRowsBackAsJobs) {
  Result<SweepData> d = parse_sweep(
      manifest(), "tenants.shard_size,run,seed,metric,value\n2,1,9,availability,0.5\n", "out");
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  ASSERT_EQ(d->jobs.size(), 1u);
  EXPECT_EQ(d->jobs[0].job, 3u);
  EXPECT_EQ(d->jobs[0].seed, 9u);
  EXPECT_EQ(d->jobs[0].metrics,
            (std::vector<std::pair<std::string, double>>{{"availability", 0.5}}));
}

// A long field is named cut (base/cut.h); a seed or run that is no whole number is a located
// error (a bad seed escaped as an exception: "internal error").
TEST(ParseSweep, EveryBadFieldIsALocatedErrorNamingItCut) {
  const std::string v(500, 'v');
  const std::string shown = std::string(40, 'v') + "...";
  EXPECT_EQ(error_of(v + ",0,9,a,0.5"),
            "out/runs.csv:2: '" + shown + "' is not a value of tenants.shard_size");
  EXPECT_EQ(error_of("1,0,9,a," + v), "out/runs.csv:2: '" + shown + "' is not a number");
  EXPECT_EQ(error_of("1,0," + v + ",a,0.5"),
            "out/runs.csv:2: seed '" + shown + "' is not a whole number");
  EXPECT_EQ(error_of("1,-1,9,a,0.5"), "out/runs.csv:2: run '-1' is not a whole number");
  EXPECT_EQ(error_of("1,2,9,a,0.5"), "out/runs.csv:2: run 2 is not below runs (2)");
}

TEST(ParseSweep, ALineLongerThanTheLimitIsALocatedError) {
  EXPECT_EQ(error_of("1,0,9," + std::string(kMaxLineBytes, 'm') + ",0.5"),
            "out/runs.csv:2: the line is 1048586 bytes long, more than the 1048576 bytes (1 MiB) "
            "a line may hold");
}

}  // namespace
}  // namespace cellkit

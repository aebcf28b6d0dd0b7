// write_scenario: every scenario file read, written and read again is the same value.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cellkit/base/limits.h"
#include "cellkit/sim/scenario_file.h"

namespace cellkit::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Written, read back under `source` and written again: the same value and the same bytes.
void expect_round_trip(const Scenario& s, const std::string& source) {
  const Result<std::string> written = write_scenario(s);
  ASSERT_TRUE(written.is_ok()) << source << ": " << written.status().message();
  const Result<Scenario> again = parse_scenario(*written, source);
  ASSERT_TRUE(again.is_ok()) << source << ": " << again.status().message() << "\n" << *written;
  EXPECT_TRUE(*again == s) << source << " reads back as another value:\n" << *written;
  EXPECT_EQ(write_scenario(*again).value(), *written) << source;
}

// The files of `dir` (and below) that parse as scenarios, round-tripped; returns how many.
int round_trip_every_file(const std::filesystem::path& dir) {
  int read = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".yaml" && ext != ".json") continue;
    const Result<Scenario> s = load_scenario(entry.path().string());
    if (!s.is_ok()) continue;  // the error fixtures
    expect_round_trip(*s, entry.path().string());
    ++read;
  }
  return read;
}

TEST(WriteScenario, EveryShippedScenarioReadsBackAsTheSameValue) {
  const std::filesystem::path shipped = CELLKIT_SOURCE_DIR "/scenarios";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(shipped)) {
    const Result<Scenario> s = load_scenario(entry.path().string());
    ASSERT_TRUE(s.is_ok()) << s.status().message();  // every shipped scenario is valid
    expect_round_trip(*s, entry.path().string());
    ++files;
  }
  EXPECT_GE(files, 9);
}

TEST(WriteScenario, EveryGoldenScenarioThatReadsReadsBackTheSame) {
  // Named cells and shards by name, JSON, and scenarios whose fleet and tenants come from
  // a JSON or CSV mapping next to them.
  EXPECT_GE(round_trip_every_file(CELLKIT_SOURCE_DIR "/tests/golden/scenarios"), 6);
}

TEST(WriteScenario, TextThatYamlWouldReadOtherwiseIsQuoted) {
  Scenario s;
  s.cells.count = 14;
  s.cells.names = {"a: b",   "# c",  "say \"hi\"", "back\\slash", "line\nbreak",
                   " space", "null", "~",          "-dash",       "true",
                   "123",    "[x]",  "zürich",     "tab\there"};
  s.name = "";
  s.description = "plain words, then a comma";
  expect_round_trip(s, "q.yaml");
  const std::string written = write_scenario(s).value();
  EXPECT_NE(written.find("name: \"\"\n"), std::string::npos) << written;
  EXPECT_NE(written.find("    - \"line\\x0abreak\"\n"), std::string::npos) << written;
  EXPECT_NE(written.find("    - \"say \\\"hi\\\"\"\n"), std::string::npos) << written;
  EXPECT_NE(written.find("    - true\n"), std::string::npos) << written;
}

TEST(WriteScenario, NumbersReadBackToTheSameDouble) {
  Scenario s;
  for (double rate : {0.1, 1.0 / 3.0, 1e-7, 123456.789, 0.0}) {
    s.workload.rate = rate;
    s.tenants.zipf_exponent = rate / 1e5;  // within 0..10
    expect_round_trip(s, "n.yaml");
  }
}

TEST(WriteScenario, WritesTheDefaultsWordForWord) {
  EXPECT_EQ(write_scenario(Scenario{}).value(),
            "name: scenario\n"
            "description: \"\"\n"
            "seed: 1\n"
            "until: 10m\n"
            "interval: 1m\n"
            "cells:\n"
            "  count: 8\n"
            "  zones: 1\n"
            "  servers: 4\n"
            "  queue_limit: 100\n"
            "  service: {distribution: exponential, mean: 10ms, sigma: 0.5}\n"
            "  restart_after: 30s\n"
            "  mtbf: 0s\n"
            "  mttr: 1m\n"
            "tenants:\n"
            "  count: 28\n"
            "  shard_size: 2\n"
            "  weights: uniform\n"
            "  zipf_exponent: 1\n"
            "  placement: random\n"
            "  zone_aware: false\n"
            "  max_overlap: 2\n"
            "workload:\n"
            "  rate: 1000\n"
            "  timeout: 0s\n"
            "router:\n"
            "  routing: first-healthy\n"
            "  failover: true\n"
            "  max_attempts: 3\n"
            "  retry_after_crash: false\n"
            "  replace_dead_cells: false\n"
            "  quarantine_after: 2\n"
            "  quarantine_for: 1m\n"
            "  health_check_interval: 5s\n"
            "  persist_snapshot: true\n"
            "control_plane:\n"
            "  publish_interval: 30s\n"
            "growth:\n"
            "  auto_scale:\n"
            "    utilization_above: 0\n"
            "    add: 1\n"
            "    max_cells: 0\n"
            "    cooldown: 5m\n"
            "  rebalance: false\n");
}

TEST(WriteScenario, RefusesWhatAScenarioFileCannotSay) {
  Scenario scripted;
  scripted.workload.script.push_back({.at = seconds(1), .tenant = 0, .poison = true});
  EXPECT_EQ(write_scenario(scripted).status().message(),
            "workload.script cannot be written to a scenario file (it comes from a "
            "tenants.mapping or a program)");
  Scenario capacities;
  capacities.cells.capacity.assign(capacities.cells.count, 5);
  EXPECT_EQ(write_scenario(capacities).status().message(),
            "cells.capacity cannot be written to a scenario file (it comes from a "
            "tenants.mapping or a program)");
}

TEST(FormatScenarioDuration, WritesTheLargestWholeUnitAndReadsBack) {
  const std::vector<std::pair<Duration, std::string>> table = {
      {Duration::zero(), "0s"},
      {Duration(250), "250us"},
      {milliseconds(1500), "1500ms"},
      {seconds(90), "90s"},
      {minutes(90), "90m"},
      {minutes(120), "2h"},
      {Duration(3'600'000'001), "3600000001us"},
      {kMaxDuration, "100000h"}};
  for (const auto& [d, text] : table) {
    EXPECT_EQ(format_scenario_duration(d), text);
    EXPECT_EQ(parse_duration(text).value(), d) << text;
  }
}

}  // namespace
}  // namespace cellkit::sim

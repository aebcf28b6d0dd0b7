#include "cellkit/sim/scenario_file.h"
#include "cellkit/base/limits.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace cellkit::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration("250us").value(), Duration(250));
  EXPECT_EQ(parse_duration("10ms").value(), milliseconds(10));
  EXPECT_EQ(parse_duration("1.5s").value(), milliseconds(1500));
  EXPECT_EQ(parse_duration("5m").value(), minutes(5));
  EXPECT_EQ(parse_duration("2h").value(), minutes(120));
  EXPECT_EQ(parse_duration("3m5s").value(), seconds(185));
  EXPECT_EQ(parse_duration("1h30m").value(), minutes(90));
}

TEST(ParseDuration, RejectsMissingUnitsAndNegatives) {
  EXPECT_EQ(parse_duration("2500000000h").status().message(),
            "'2500000000h' is longer than the longest duration allowed, 100000h");
  EXPECT_EQ(parse_duration("100000h").value(), kMaxDuration);
  EXPECT_FALSE(parse_duration("10").is_ok());
  EXPECT_FALSE(parse_duration("-1s").is_ok());
  EXPECT_FALSE(parse_duration("s").is_ok());
  EXPECT_FALSE(parse_duration("3 days").is_ok());
  EXPECT_FALSE(parse_duration("").is_ok());
  EXPECT_FALSE(parse_duration("5m3").is_ok());
}

TEST(ParseScenario, ReadsEverySection) {
  const char* text = R"(
name: full
seed: 7
until: 2m
interval: 30s
cells: {count: 6, zones: 2, servers: 3, queue_limit: 9,
        service: {distribution: lognormal, mean: 4ms, sigma: 0.3},
        restart_after: 10s, mtbf: 1h, mttr: 2m}
tenants: {count: 3, placement: explicit, shards: [[0, 1], [2], [3, 4, 5]],
          weights: zipf, zipf_exponent: 1.2}
workload: {rate: 42.5, timeout: 1s}
router: {failover: false, max_attempts: 2, retry_after_crash: true, replace_dead_cells: true,
         quarantine_after: 3, quarantine_for: 5m, health_check_interval: 2s,
         persist_snapshot: false}
control_plane: {publish_interval: 1m}
faults:
  poison: [{tenant: 2, probability: 0.5, limit: 10}]
  cell_crashes: [{at: 1m, cell: 4, duration: 20s}]
  zone_outages: [{at: 30s, zone: 1, duration: 1m}]
  control_plane_outages: [{at: 10s, duration: 40s}]
  router_restarts: [20s, 50s]
)";
  Result<Scenario> r = parse_scenario(text, "full.yaml");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const Scenario& s = *r;
  EXPECT_EQ(s.name, "full");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.cells.zones, 2u);
  EXPECT_EQ(s.cells.service.kind, ServiceKind::kLogNormal);
  EXPECT_EQ(s.cells.service.mean, milliseconds(4));
  EXPECT_EQ(s.cells.mtbf, minutes(60));
  EXPECT_EQ(s.tenants.shards[2], (Shard{CellId{3}, CellId{4}, CellId{5}}));
  EXPECT_EQ(s.tenants.weights, Weights::kZipf);
  EXPECT_DOUBLE_EQ(s.workload.rate, 42.5);
  EXPECT_FALSE(s.router.policy.failover);
  EXPECT_TRUE(s.router.policy.replace_dead_cells);
  EXPECT_EQ(s.router.policy.quarantine_for, minutes(5));
  EXPECT_FALSE(s.router.persist_snapshot);
  EXPECT_EQ(s.faults.poison[0].limit, 10u);
  EXPECT_EQ(s.faults.cell_crashes[0].cell, 4u);
  EXPECT_EQ(s.faults.zone_outages[0].duration, minutes(1));
  EXPECT_EQ(s.faults.control_plane_outages[0].at, seconds(10));
  EXPECT_EQ(s.faults.router_restarts, (std::vector<Duration>{seconds(20), seconds(50)}));
}

TEST(ParseScenario, ReadsDeploymentsAndGrowth) {
  const char* text = R"(
deployments:
  - {at: 1m, waves: [[0], [1, 2]], bake: 30s, bad: true, error_probability: 0.2,
     crash_probability: 0.01, alarm_error_rate: 0.05}
growth:
  onboarding: [{at: 2m, count: 5}]
  scale_out: [{at: 3m, cells: 2}]
  auto_scale: {utilization_above: 0.75, add: 3, max_cells: 20, cooldown: 1m}
  rebalance: true
)";
  Result<Scenario> r = parse_scenario(text, "g.yaml");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const Deployment& d = r->deployments.at(0);
  EXPECT_EQ(d.waves, (std::vector<std::vector<std::uint32_t>>{{0}, {1, 2}}));
  EXPECT_EQ(d.bake, seconds(30));
  EXPECT_TRUE(d.bad);
  EXPECT_DOUBLE_EQ(d.crash_probability, 0.01);
  EXPECT_DOUBLE_EQ(d.alarm_error_rate, 0.05);
  EXPECT_EQ(r->growth.onboarding.at(0).count, 5u);
  EXPECT_EQ(r->growth.scale_out.at(0).at, minutes(3));
  EXPECT_EQ(r->growth.auto_scale.max_cells, 20u);
  EXPECT_TRUE(r->growth.rebalance);
  EXPECT_EQ(parse_scenario("deployments: [{waves: [[0], [9]]}]\n", "g.yaml").status().message(),
            "g.yaml: deployments[0].waves[1] names cell 9; cells run 0..7");
}

TEST(ParseScenario, OmittedFieldsKeepDefaults) {
  Result<Scenario> r = parse_scenario("name: tiny\n", "tiny.yaml");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->cells.count, Scenario{}.cells.count);
  EXPECT_EQ(r->router.policy, RouterPolicy{});
}

TEST(ParseScenario, ReadsTheRoutingModeAndNamesTheAllowedOnes) {
  Result<Scenario> r = parse_scenario("router: {routing: spread}\n", "s.yaml");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->router.policy.routing, RoutingMode::kSpread);
  EXPECT_EQ(parse_scenario("router: {routing: random}\n", "s.yaml").status().message(),
            "s.yaml:1:19: router.routing: 'random' is not allowed; allowed: first-healthy, spread");
  EXPECT_EQ(
      parse_scenario("router: {routing: spread, failover: false}\n", "s.yaml").status().message(),
      "s.yaml: router.routing (spread) needs failover: without it only a shard's first "
      "cell is eligible");
}

TEST(ParseScenario, NestingTooDeepIsSaidSoWithItsPlace) {
  const std::string deep = "name: " + std::string(2000, '[') + std::string(2000, ']') + "\n";
  const Result<Scenario> r = parse_scenario(deep, "s.yaml");
  EXPECT_EQ(r.status().message(), "s.yaml:1:4007: not valid YAML: nested deeper than 500 levels");
}

TEST(ParseScenario, AcceptsJson) {
  Result<Scenario> r = parse_scenario(
      R"({"name": "j", "cells": {"count": 3}, "tenants": {"shard_size": 3}})", "j.json");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->tenants.shard_size, 3u);
}

TEST(ParseScenario, UnknownKeyNamesFileLineColumnAndAllowedKeys) {
  EXPECT_EQ(parse_scenario("workload:\n  rate: 5\n  burst: 3\n", "s.yaml").status().message(),
            "s.yaml:3:3: unknown key 'workload.burst'; allowed: rate, timeout");
  EXPECT_EQ(parse_scenario("nmae: x\n", "s.yaml").status().message().substr(0, 34),
            "s.yaml:1:1: unknown key 'nmae'; al");
}

TEST(ParseScenario, WrongTypesNameTheKey) {
  EXPECT_EQ(parse_scenario("router:\n  failover: yes\n", "s.yaml").status().message(),
            "s.yaml:2:13: router.failover: expected true or false, got 'yes'");
  EXPECT_EQ(parse_scenario("cells: 4\n", "s.yaml").status().message(),
            "s.yaml:1:8: cells: expected a mapping of fields");
  EXPECT_EQ(
      parse_scenario("until: 1h\ncells: {count: 4}\nuntil: 2h\n", "s.yaml").status().message(),
      "s.yaml:3:1: until is given twice (first on line 1)");
  EXPECT_EQ(parse_scenario("faults:\n  poison: [{tenant: x}]\n", "s.yaml").status().message(),
            "s.yaml:2:21: faults.poison[0].tenant: expected a whole number >= 0, got 'x'");
  EXPECT_EQ(parse_scenario("tenants:\n  shards: [[0, a]]\n", "s.yaml").status().message(),
            "s.yaml:2:16: tenants.shards[0]: expected a cell id (a whole number) or the name "
            "of a cell (cell-0..cell-7)");
}

TEST(ParseScenario, AKeyGivenTwiceIsRefusedWithBothPlaces) {
  EXPECT_EQ(
      parse_scenario("until: 1h\ncells:\n  count: 4\n  count: 8\n", "s.yaml").status().message(),
      "s.yaml:4:3: cells.count is given twice (first on line 3)");
  EXPECT_EQ(parse_scenario("{\"seed\": 1, \"seed\": 2}", "s.json").status().message(),
            "s.json:1:13: seed is given twice (first on line 1)");
  EXPECT_EQ(
      parse_scenario("faults:\n  poison: [{tenant: 1, tenant: 2}]\n", "s.yaml").status().message(),
      "s.yaml:2:24: faults.poison[0].tenant is given twice (first on line 2)");
}

TEST(ParseScenario, ShardsWithoutExplicitPlacementAreRefusedNotIgnored) {
  EXPECT_EQ(
      parse_scenario("tenants:\n  count: 1\n  shards: [[0, 1]]\n", "s.yaml").status().message(),
      "s.yaml:3:11: tenants.shards: given, but tenants.placement is 'random'; shards are "
      "used only with placement: explicit");
  EXPECT_TRUE(
      parse_scenario("tenants: {count: 1, placement: explicit, shards: [[0, 1]]}\n", "s.yaml")
          .is_ok());
}

TEST(ParseScenario, ACellInTwoWavesOfADeploymentIsRefused) {
  const char* twice = "deployments:\n  - {waves: [[0, 1], [2, 1]]}\n";
  EXPECT_EQ(parse_scenario(twice, "s.yaml").status().message(),
            "s.yaml:2:26: deployments[0].waves[1]: cell 1 is deployed twice (first in "
            "deployments[0].waves[0])");
  EXPECT_EQ(parse_scenario("deployments:\n  - {waves: [[3, 3]]}\n", "s.yaml").status().message(),
            "s.yaml:2:18: deployments[0].waves[0]: cell 3 is deployed twice (first in "
            "deployments[0].waves[0])");
  EXPECT_TRUE(parse_scenario("deployments:\n  - {waves: [[0, 1], [2, 3]]}\n", "s.yaml").is_ok());
}

TEST(ParseScenario, BadValuesFailValidationNamingTheFile) {
  EXPECT_EQ(parse_scenario("cells: {count: 0}\n", "s.yaml").status().message(),
            "s.yaml: cells.count (0) must be at least 1");
  EXPECT_EQ(parse_scenario("tenants: {placement: best}\n", "s.yaml").status().message(),
            "s.yaml:1:22: tenants.placement: 'best' is not allowed; allowed: random, least-loaded, "
            "rendezvous, shuffle, design, packing, explicit");
  EXPECT_TRUE(
      parse_scenario("tenants: {placement: rendezvous, zone_aware: true}\n", "s.yaml").is_ok());
}

TEST(LoadScenario, MissingFileIsNotFound) {
  Result<Scenario> r = load_scenario("/nonexistent/scenario.yaml");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(),
            "cannot read '/nonexistent/scenario.yaml': No such file or directory");
}

TEST(LoadScenario, RefusesADirectoryAndADeviceByName) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  EXPECT_EQ(load_scenario(dir).status().message(), "cannot read '" + dir + "': is a directory");
  EXPECT_EQ(load_scenario("/dev/null").status().message(),
            "cannot read '/dev/null': is not a regular file");
}

// tenants.mapping: found next to the scenario file; cells, zones and shards by the file's names.
TEST(ParseScenario, AMappingFileNextToTheScenarioGivesCellsTenantsAndShards) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("cellkit-mapping-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream csv(dir / "m.csv");
    csv << "acme,b,a\nglobex,a,c\n";
  }
  Result<Scenario> s = parse_scenario("tenants: {mapping: m.csv}\n", (dir / "s.yaml").string());
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->cells.count, 3u);
  EXPECT_EQ(s->cells.names, (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ(s->tenants.names, (std::vector<std::string>{"acme", "globex"}));
  ASSERT_EQ(s->tenants.shards.size(), 2u);
  EXPECT_EQ(s->tenants.shards[1], (Shard{CellId{1}, CellId{2}}));
  EXPECT_EQ(s->tenants.placement, kExplicitShards);
  const std::string beside =
      parse_scenario("tenants: {mapping: m.csv, shard_size: 3}\n", (dir / "s.yaml").string())
          .status()
          .message();
  EXPECT_NE(beside.find("s.yaml:1:39: tenants.shard_size: given beside tenants.mapping (line 1)"),
            std::string::npos)
      << beside;
  std::filesystem::remove_all(dir);
}

// Every message that shows a key, value or name of the file cuts it (base/cut.h): one
// line per message, each with a 500-byte string.
TEST(ParseScenario, EveryMessageCutsALongKeyValueOrName) {
  const std::string n(500, 'n');
  const std::string m(500, 'm');
  const std::string shown = std::string(40, 'n') + "...";
  const auto error = [](const std::string& text) {
    return parse_scenario(text, "s.yaml").status().message();
  };
  EXPECT_EQ(error(n + ": 1\n" + n + ": 2\n"),
            "s.yaml:2:1: " + shown + " is given twice (first on line 1)");
  EXPECT_TRUE(error(n + ": 1\n").starts_with("s.yaml:1:1: unknown key '" + shown + "'; allowed: "))
      << error(n + ": 1\n");
  EXPECT_EQ(error("seed: " + n + "\n"),
            "s.yaml:1:7: seed: expected a whole number >= 0, got '" + shown + "'");
  EXPECT_EQ(error("workload:\n  rate: " + n + "\n"),
            "s.yaml:2:9: workload.rate: expected a number, got '" + shown + "'");
  EXPECT_EQ(error("router:\n  failover: " + n + "\n"),
            "s.yaml:2:13: router.failover: expected true or false, got '" + shown + "'");
  EXPECT_EQ(
      error("until: " + n + "\n"),
      "s.yaml:1:8: until: expected a duration such as 500ms, 30s, 10m or 2h, got '" + shown + "'");
  EXPECT_EQ(error("until: 1" + std::string(299, '0') + "h\n"),
            "s.yaml:1:8: until: '1" + std::string(39, '0') +
                "...' is longer than the longest duration allowed, 100000h");
  EXPECT_EQ(error("router:\n  routing: " + n + "\n"),
            "s.yaml:2:12: router.routing: '" + shown +
                "' is not allowed; allowed: first-healthy, spread");
  EXPECT_EQ(error("cells: {count: 2, names: [" + n + ", " + n + "]}\n"),
            "s.yaml: cells.names: '" + shown + "' is empty or given twice");
  EXPECT_EQ(error("cells: {count: 2, names: [" + n + ", " + m +
                  "]}\ntenants: {count: 1, placement: explicit, shards: [[x]]}\n"),
            "s.yaml:2:52: tenants.shards[0]: expected a cell id (a whole number) or the name of "
            "a cell (" +
                shown + ".." + std::string(40, 'm') + "...)");
}

TEST(ParseDuration, CutsALongTextInItsMessages) {
  EXPECT_EQ(parse_duration(std::string(500, 'n')).status().message(),
            "'" + std::string(40, 'n') + "...' is not a duration");
  EXPECT_EQ(
      parse_duration("1" + std::string(299, '0') + "h").status().message(),
      "'1" + std::string(39, '0') + "...' is longer than the longest duration allowed, 100000h");
}

// A mapping's tenant with more cells than the simulator takes is named cut.
TEST(ParseScenario, AMappingsTenantWithTooManyCellsIsNamedCut) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("cellkit-wide-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream csv(dir / "m.csv");
    csv << std::string(500, 't');
    for (int c = 0; c < 17; ++c)
      csv << ",c" << c;
    csv << "\n";
  }
  const std::string error =
      parse_scenario("tenants: {mapping: m.csv}\n", (dir / "s.yaml").string()).status().message();
  std::filesystem::remove_all(dir);
  EXPECT_NE(error.find("tenant '" + std::string(40, 't') +
                       "...' has 17 cells; the simulator takes shards of at most 16"),
            std::string::npos)
      << error;
  EXPECT_LT(error.size(), 300u) << error;
}

}  // namespace
}  // namespace cellkit::sim

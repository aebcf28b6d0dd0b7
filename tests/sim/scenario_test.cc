#include "cellkit/sim/scenario.h"
#include "cellkit/base/limits.h"

#include <gtest/gtest.h>

namespace cellkit::sim {
namespace {

TEST(Scenario, DefaultsAreValid) {
  EXPECT_TRUE(Scenario{}.validate().is_ok());
}

TEST(Scenario, NamesTheBadFieldAndWhatIsAllowed) {
  Scenario s;
  s.cells.zones = 9;
  EXPECT_EQ(s.validate().message(), "cells.zones (9) must be between 1 and cells.count (8)");
  s = Scenario{};
  s.faults.poison.push_back({.tenant = 28});
  EXPECT_EQ(s.validate().message(), "faults.poison tenant 28 does not exist; tenants run 0..27");
  s = Scenario{};
  s.router.policy.max_attempts = 0;
  EXPECT_EQ(s.validate().message(), "router.max_attempts (0) must be between 1 and 16");
}

TEST(Scenario, RefusesMoreIntervalsThanItCanKeep) {
  Scenario s;
  s.until = std::chrono::hours(100);
  s.interval = std::chrono::seconds(1);
  EXPECT_EQ(s.validate().message(),
            "until / interval (360000 intervals) must not exceed 100000: make interval longer");
}

TEST(Scenario, RefusesDurationsLongerThanTheLongestAllowed) {
  Scenario s;
  s.faults.zone_outages.push_back(
      {.at = {}, .zone = 0, .duration = std::chrono::hours(2'500'000'000)});
  EXPECT_EQ(s.validate().message(),
            "faults.zone_outages duration (9000000000000000000us) must be at most 100000h");
  s = Scenario{};
  s.cells.service.mean = kMaxDuration + Duration(1);
  EXPECT_EQ(s.validate().message(),
            "cells.service mean (360000000000001us) must be at most 100000h");
}

TEST(Scenario, RefusesFaultsAtOrAfterUntilNamingTheFaultAndItsTime) {
  using std::chrono::hours;
  using std::chrono::minutes;
  Scenario s;
  s.until = hours(1);
  s.cells.zones = 2;
  s.faults.zone_outages.push_back({.at = minutes(10), .zone = 0, .duration = minutes(5)});
  EXPECT_TRUE(s.validate().is_ok());
  s.faults.zone_outages.push_back({.at = hours(2), .zone = 1, .duration = minutes(5)});
  EXPECT_EQ(s.validate().message(),
            "faults.zone_outages[1] (zone 1) at 2h is at or after until (1h); a fault must start "
            "before the run ends");
  s.faults.zone_outages.pop_back();
  s.faults.cell_crashes.push_back({.at = hours(1), .cell = 3});
  EXPECT_EQ(s.validate().message(),
            "faults.cell_crashes[0] (cell 3) at 1h is at or after until (1h); a fault must start "
            "before the run ends");
  s.faults.cell_crashes.clear();
  s.faults.control_plane_outages.push_back({.at = minutes(61), .duration = minutes(1)});
  EXPECT_EQ(s.validate().message(),
            "faults.control_plane_outages[0] at 61m is at or after until (1h); a fault must start "
            "before the run ends");
  s.faults.control_plane_outages.clear();
  s.faults.router_restarts = {minutes(30), hours(1) + Duration(1500)};
  EXPECT_EQ(s.validate().message(),
            "faults.router_restarts[1] at 3600001500us is at or after until (1h); a fault must "
            "start before the run ends");
}

TEST(Scenario, RefusesCountsBeyondTheLimitsBeforeAllocating) {
  Scenario s;
  s.tenants.count = 4294967295u;
  EXPECT_EQ(s.validate().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.validate().message(),
            "tenants.count with growth.onboarding comes to 4294967295 tenants; at most 10000000 "
            "are allowed");
  s = Scenario{};
  s.growth.scale_out.push_back({.cells = 4294967295u});
  s.growth.scale_out.push_back({.cells = 4294967295u});
  EXPECT_EQ(s.validate().message(),
            "cells.count with growth.scale_out comes to 8589934598 cells; at most 100000 are "
            "allowed");
}

TEST(Scenario, RefusesARunWithMoreEventsThanAllowedBeforeStarting) {
  Scenario s;
  s.workload.rate = 1e12;
  EXPECT_EQ(s.validate().message(),
            "the run would process about 1.2e+15 events (from until, workload.rate, "
            "control_plane.publish_interval, router.health_check_interval and cells.mtbf), more "
            "than the 2000000000 allowed: shorten until or make the run less busy");
  s = Scenario{};
  s.until = std::chrono::hours(1);
  s.control_plane.publish_interval = Duration(1);
  EXPECT_EQ(s.validate().code(), StatusCode::kInvalidArgument);
}

TEST(Scenario, ChecksExplicitShardsAgainstTheFleet) {
  Scenario s;
  s.tenants.count = 2;
  s.tenants.placement = kExplicitShards;
  s.tenants.shards = {{CellId{0}, CellId{1}}, {CellId{1}, CellId{8}}};
  EXPECT_EQ(s.validate().message(), "tenants.shards[1] names cell 8; cells run 0..7");
  s.tenants.shards[1] = {CellId{1}, CellId{1}};
  EXPECT_EQ(s.validate().message(), "tenants.shards[1] repeats cell 1");
}

// Names a library user (or a mapping) gave are shown cut in the messages naming them.
TEST(Scenario, NamesInMessagesAreCut) {
  const std::string n(500, 'n');
  const std::string shown = std::string(40, 'n') + "...";
  Scenario s;
  s.cells.count = 2;
  s.cells.names = {n, n};
  EXPECT_EQ(s.validate().message(), "cells.names: '" + shown + "' is empty or given twice");
  s.cells.names = {n, "b"};
  s.cells.zone_of = {ZoneId{3}, ZoneId{0}};
  EXPECT_EQ(s.validate().message(), "cell " + shown + " is in zone 3; zones run 0..0");
  s = Scenario{};
  s.tenants.count = 2;
  s.tenants.names = {n, n};
  EXPECT_EQ(s.validate().message(), "tenants.names: '" + shown + "' is empty or given twice");
}

}  // namespace
}  // namespace cellkit::sim

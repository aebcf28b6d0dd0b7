#include "cellkit/sim/scenario.h"

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
  s.tenants.placement = "best";
  EXPECT_EQ(s.validate().message(),
            "tenants.placement 'best' is not known; allowed: random, least-loaded, rendezvous, "
            "shuffle, design, explicit");
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

TEST(Scenario, ChecksExplicitShardsAgainstTheFleet) {
  Scenario s;
  s.tenants.count = 2;
  s.tenants.placement = "explicit";
  s.tenants.shards = {{CellId{0}, CellId{1}}, {CellId{1}, CellId{8}}};
  EXPECT_EQ(s.validate().message(), "tenants.shards[1] names cell 8; cells run 0..7");
  s.tenants.shards[1] = {CellId{1}, CellId{1}};
  EXPECT_EQ(s.validate().message(), "tenants.shards[1] repeats cell 1");
}

}  // namespace
}  // namespace cellkit::sim

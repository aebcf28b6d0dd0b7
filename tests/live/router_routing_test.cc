// `cellkit router` in front of real cells: routing agrees with core, crashes are contained,
// refusals are retried inside the shard, poison is quarantined.
#include <signal.h>

#include <map>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "live/router_fixture.h"

namespace cellkit::live::test {
namespace {

// Polls until `done` (at most `tries` times, 50 ms apart).
template <class F>
bool eventually(F done, int tries = 100) {
  for (int i = 0; i < tries; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(Router, EveryTenantOfA1000TenantSnapshotReachesTheFirstCellOfItsShard) {
  RouterFleet fleet(4);
  std::vector<TenantSpec> tenants;
  for (int t = 0; t < 1000; ++t)
    tenants.push_back({fmt::format("tenant-{}", t), {t % 4, (t % 4 + 1 + (t / 4) % 3) % 4}});
  fleet.start_router(fleet.write_mapping(tenants));
  for (const TenantSpec& t : tenants) {
    HttpResult r = order(fleet.router_endpoint(), t.name, 1);
    ASSERT_TRUE(r.is_ok()) << t.name << ": " << r.detail;
    ASSERT_EQ(r->status, 200) << t.name << ": " << r->body;
    ASSERT_EQ(r->header("X-Cell"), fmt::format("cell-{}", t.cells[0])) << t.name;
    ASSERT_EQ(nlohmann::json::parse(r->body)["cell"], fmt::format("cell-{}", t.cells[0]));
    ASSERT_EQ(r->header("X-Cellkit-Routing-Version"), "1");
    ASSERT_EQ(r->header("X-Cellkit-Outcome"), "served");
  }
}

// Under spread each request goes to the less busy of two cells of the tenant's shard (ties
// broken by a per-request key), so a shard's cells share its tenants' load; under
// first-healthy every request goes to the shard's first cell.
TEST(Router, SpreadEvensOutAShardsCellsWhereFirstHealthyLoadsOnlyItsFirstCell) {
  RouterFleet fleet(4);
  const std::string mapping = fleet.write_mapping({{"acme", {0, 1}}, {"globex", {2, 3}}});
  const auto counts = [&] {
    std::map<std::string, int> by_cell;
    for (int i = 0; i < 200; ++i) {
      for (const char* tenant : {"acme", "globex"}) {
        HttpResult r = order(fleet.router_endpoint(), tenant, 1);
        if (!r.is_ok() || r->status != 200) return std::map<std::string, int>{};
        ++by_cell[r->header("X-Cell").value_or("")];
      }
    }
    return by_cell;
  };

  fleet.start_router(mapping, {"--routing", "spread"});
  const std::map<std::string, int> spread = counts();
  ASSERT_EQ(spread.size(), 4u) << "every cell of both shards served";
  for (const auto& [cell, n] : spread) {
    EXPECT_GE(n, 60) << cell << " of 200 requests of its shard";
    EXPECT_LE(n, 140) << cell << " of 200 requests of its shard";
  }
  EXPECT_EQ(spread.at("cell-0") + spread.at("cell-1"), 200);

  fleet.stop_router();
  fleet.start_router(mapping, {"--routing", "first-healthy"});
  const std::map<std::string, int> first = counts();
  EXPECT_EQ(first, (std::map<std::string, int>{{"cell-0", 200}, {"cell-2", 200}}));
}

TEST(Router, UnknownTenantIs404AndNoTenantIs400) {
  RouterFleet fleet(1);
  fleet.start_router(fleet.write_mapping({{"acme", {0}}}));
  HttpResult unknown = order(fleet.router_endpoint(), "initech", 1);
  ASSERT_TRUE(unknown.is_ok()) << unknown.detail;
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(unknown->header("X-Cellkit-Outcome"), "unknown_tenant");
  EXPECT_EQ(nlohmann::json::parse(unknown->body)["tenant"], "initech");
  HttpResult none = http(fleet.router_endpoint(), "GET", "/healthz");
  ASSERT_TRUE(none.is_ok()) << none.detail;
  EXPECT_EQ(none->status, 400);
  EXPECT_EQ(none->header("X-Cellkit-Outcome"), "no_tenant");
}

TEST(Router, ACrashIs502NeverRetriedElsewhereTheNextRequestGoesToTheNextCellAndTheCellReturns) {
  RouterFleet fleet(2);
  fleet.start_router(fleet.write_mapping({{"acme", {0, 1}}}), {"--quarantine-after", "0"});
  HttpResult crash = order(fleet.router_endpoint(), "acme", 5);
  ASSERT_TRUE(crash.is_ok()) << crash.detail;
  EXPECT_EQ(crash->status, 502);
  EXPECT_EQ(crash->header("X-Cellkit-Outcome"), "cell_crashed");
  EXPECT_TRUE(fleet.cell(0).process.wait_exit(std::chrono::seconds(5)).has_value());
  EXPECT_TRUE(fleet.cell(1).process.running());  // had it seen the order, it would be dead
  HttpResult next = order(fleet.router_endpoint(), "acme", 1);
  ASSERT_TRUE(next.is_ok()) << next.detail;
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->header("X-Cell"), "cell-1");
  fleet.restart_cell(0);
  EXPECT_TRUE(eventually([&] {
    HttpResult r = order(fleet.router_endpoint(), "acme", 1);
    return r.is_ok() && r->header("X-Cell") == "cell-0";
  })) << "cell-0 never took traffic again after its restart and health checks";
}

TEST(Router, AFingerprintThatCrashesMCellsIsQuarantinedAndARelapseDoublesTheQuarantine) {
  RouterFleet fleet(3);
  fleet.start_router(
      fleet.write_mapping({{"acme", {0, 1, 2}}}),
      {"--quarantine-after", "2", "--quarantine-for", "1s", "--ejection-time", "1m"});
  for (int i = 0; i < 2; ++i) {
    HttpResult r = order(fleet.router_endpoint(), "acme", 5);
    ASSERT_TRUE(r.is_ok()) << r.detail;
    EXPECT_EQ(r->status, 502) << r->body;
  }
  HttpResult q = order(fleet.router_endpoint(), "acme", 5);
  ASSERT_TRUE(q.is_ok()) << q.detail;
  EXPECT_EQ(q->status, 503);
  EXPECT_EQ(q->header("X-Cellkit-Outcome"), "quarantined");
  EXPECT_EQ(q->header("Retry-After"), "1");
  EXPECT_TRUE(fleet.cell(2).process.running());
  HttpResult fine = order(fleet.router_endpoint(), "acme", 1);  // another fingerprint
  ASSERT_TRUE(fine.is_ok()) << fine.detail;
  EXPECT_EQ(fine->status, 200);
  EXPECT_EQ(fine->header("X-Cell"), "cell-2");
  // Released after its TTL: the poison reaches (and kills) the last cell, a relapse that
  // quarantines it again at once for twice as long.
  ASSERT_TRUE(eventually([&] {
    HttpResult r = order(fleet.router_endpoint(), "acme", 5);
    return r.is_ok() && r->status == 502;
  }));
  HttpResult again = order(fleet.router_endpoint(), "acme", 5);
  ASSERT_TRUE(again.is_ok()) << again.detail;
  EXPECT_EQ(again->status, 503);
  EXPECT_EQ(again->header("Retry-After"), "2");
}

TEST(Router, RefusedConnectionsAreRetriedInsideTheShardOnlyAndAllDeadIs503) {
  RouterFleet fleet(3);
  fleet.start_router(fleet.write_mapping({{"acme", {0, 1}}, {"globex", {2}}}),
                     {"--health-interval", "1h", "--ejection-time", "1m"});
  fleet.cell(0).process.kill();
  HttpResult retried = order(fleet.router_endpoint(), "acme", 1);
  ASSERT_TRUE(retried.is_ok()) << retried.detail;
  EXPECT_EQ(retried->status, 200);
  EXPECT_EQ(retried->header("X-Cell"), "cell-1");
  fleet.cell(1).process.kill();
  HttpResult dead = order(fleet.router_endpoint(), "acme", 1);
  ASSERT_TRUE(dead.is_ok()) << dead.detail;
  EXPECT_EQ(dead->status, 503);  // cell-2 is alive but outside the shard
  EXPECT_EQ(dead->header("X-Cellkit-Outcome"), "no_healthy_cell");
  HttpResult other = order(fleet.router_endpoint(), "globex", 1);
  ASSERT_TRUE(other.is_ok()) << other.detail;
  EXPECT_EQ(other->status, 200);
}

TEST(Router, ThePathAndHostCanNameTheTenant) {
  RouterFleet fleet(2);
  fleet.start_router(fleet.write_mapping({{"acme", {1}}}), {"--tenant-from", "path"});
  HttpResult r = http(fleet.router_endpoint(), "GET", "/t/acme/healthz");
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->header("X-Cell"), "cell-1");
  EXPECT_EQ(r->header("X-Cellkit-Outcome"), "served");
}

}  // namespace
}  // namespace cellkit::live::test

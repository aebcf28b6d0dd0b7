// The control service over both stores, request by request (no sockets): changes are
// validated whole and CAS-published, refusals name the field and publish nothing, state
// survives a restart, only the leader writes, long-polls wake on a publication.
#include "cellkit/live/control_service.h"

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cellkit/core/snapshot_codec.h"
#include "live/report_stamp.h"
#include "live/store_kind.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class ControlServiceTest : public test::StoreKindTest {
 protected:
  std::unique_ptr<ControlService> service(const std::string& address = "127.0.0.1:7000",
                                          std::uint32_t keep_versions = 10,
                                          std::size_t compact_after = 16) {
    auto store = open_store(spec(), {.fleet = "blue", .lease_seconds = 5}).value();
    auto s = std::make_unique<ControlService>(
        std::move(store),
        ControlOptions{.address = address,
                       .placement = {.strategy = Strategy::kShuffle, .max_overlap = 1, .seed = 3},
                       .keep_versions = keep_versions,
                       .compact_after = compact_after});
    s->tick();
    return s;
  }
  static ServiceReply call(ControlService& s, std::string method, std::string target,
                           std::string body = "") {
    return s.handle(
        {.method = std::move(method), .target = std::move(target), .body = std::move(body)});
  }
  static std::uint64_t version(ControlService& s) {
    return json::parse(call(s, "GET", "/v1/version").body)["version"].get<std::uint64_t>();
  }
  static void add_cells(ControlService& s, int count) {
    for (int i = 0; i < count; ++i) {
      ServiceReply r =
          call(s, "POST", "/v1/cells",
               fmt::format(R"({{"name":"cell-{}","endpoint":"127.0.0.1:{}"}})", i, 4000 + i));
      ASSERT_EQ(r.status, 200u) << r.body;
    }
  }
};

TEST_P(ControlServiceTest, EachChangePublishesTheNextVersionThatRoutersCanFetch) {
  auto s = service();
  ASSERT_TRUE(s->is_leader());
  add_cells(*s, 4);
  ServiceReply onboarded = call(*s, "POST", "/v1/tenants", R"({"name":"acme","shard_size":2})");
  ASSERT_EQ(onboarded.status, 200u) << onboarded.body;
  EXPECT_EQ(json::parse(onboarded.body)["version"], 5);
  ServiceReply tenants = call(*s, "GET", "/v1/tenants");
  const json acme = json::parse(tenants.body)["tenants"][0];
  EXPECT_EQ(acme["name"], "acme");
  EXPECT_EQ(acme["cells"].size(), 2u);
  ServiceReply snapshot = call(*s, "GET", "/v1/snapshot?after=4");
  ASSERT_EQ(snapshot.status, 200u);
  EXPECT_EQ(snapshot.headers["X-Cellkit-Routing-Version"], "5");
  Result<RoutingSnapshot> decoded =
      decode_snapshot(std::as_bytes(std::span(snapshot.body.data(), snapshot.body.size())));
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().message();
  EXPECT_EQ(decoded->version, 5u);
  ASSERT_EQ(decoded->shards.size(), 1u);
  EXPECT_EQ(decoded->cells.size(), 4u);
}

TEST_P(ControlServiceTest, ErrorsAreJsonNamingTheField) {
  auto s = service();
  add_cells(*s, 2);
  auto expect = [&](ServiceReply r, unsigned status, const char* field, std::string_view words) {
    EXPECT_EQ(r.status, status) << r.body;
    const json body = json::parse(r.body);
    EXPECT_EQ(body["field"], field) << r.body;
    EXPECT_NE(body["error"].get<std::string>().find(words), std::string::npos) << r.body;
  };
  expect(call(*s, "POST", "/v1/tenants", "{nope"), 400, "body", "must be a JSON object");
  expect(call(*s, "POST", "/v1/tenants", R"({"shard_size":2})"), 400, "name",
         "field 'name' is required");
  expect(call(*s, "POST", "/v1/tenants", R"({"name":"a","shard_size":0})"), 400, "shard_size",
         "at least 1");
  expect(call(*s, "POST", "/v1/tenants", R"({"name":"a","shard_size":3})"), 409, "shard_size",
         "needs 3 cells");
  expect(call(*s, "POST", "/v1/cells", R"({"name":"cell-0"})"), 409, "name", "already taken");
  expect(call(*s, "POST", "/v1/cells", R"({"name":"x","endpoint":"nope"})"), 400, "endpoint",
         "not HOST:PORT");
  expect(call(*s, "PUT", "/v1/cells/cell-9/capacity", R"({"capacity":3})"), 404, "cell",
         "no cell named 'cell-9'");
  expect(call(*s, "PUT", "/v1/cells/cell-0/capacity", R"({"capacity":-1})"), 400, "capacity",
         "whole number");
  expect(call(*s, "GET", "/v1/snapshot?after=x"), 400, "after", "whole number");
  EXPECT_EQ(version(*s), 2u);  // nothing refused was published
}

// A target may be as long as the server reads and hold any bytes: messages cut what they name
// (base/cut.h) and stay JSON (a byte that is not UTF-8 threw out of the handler).
TEST_P(ControlServiceTest, ErrorsCutALongTargetAndStayJsonForAnyBytes) {
  auto s = service();
  add_cells(*s, 2);
  const std::string p(500, 'p');
  const auto error = [&](ServiceReply r, unsigned status) {
    EXPECT_EQ(r.status, status) << r.body;
    return json::parse(r.body)["error"].get<std::string>();
  };
  EXPECT_EQ(error(call(*s, "GET", "/" + p), 404), "no route /" + std::string(39, 'p') + "...");
  EXPECT_EQ(error(call(*s, "GET", "/v1/" + p), 404),
            "no route GET /v1/" + std::string(36, 'p') + "...");
  EXPECT_EQ(error(call(*s, "DELETE", "/v1/tenants/" + p), 404),
            "no tenant named '" + std::string(40, 'p') + "...'");
  EXPECT_EQ(
      error(call(*s, "PUT", "/v1/routers/" + p,
                 R"({"router":"r1","applied":1,"rejected":0,"reason":"","stale_since_ms":0})"),
            400),
      "field 'router' ('r1') must be the router named in the path ('" + std::string(40, 'p') +
          "...')");
  EXPECT_EQ(error(call(*s, "POST", "/v1/cells/\xff/drain"), 404), "no cell named '\xef\xbf\xbd'");
  EXPECT_EQ(version(*s), 2u);
}

TEST_P(ControlServiceTest, AChangeThatBreaksAnInvariantIsRefusedWith409AndNothingIsPublished) {
  auto s = service();
  add_cells(*s, 4);
  ASSERT_EQ(call(*s, "POST", "/v1/tenants",
                 R"({"tenants":[{"name":"a","shard_size":2},{"name":"b","shard_size":2}]})")
                .status,
            200u);
  const json tenants = json::parse(call(*s, "GET", "/v1/tenants").body)["tenants"];
  const std::uint64_t before = version(*s);
  // Pinning b onto a's two cells would make them share 2 cells (max_overlap 1).
  ServiceReply pin =
      call(*s, "PUT", "/v1/tenants/b/pin", json{{"cells", tenants[0]["cells"]}}.dump());
  EXPECT_EQ(pin.status, 409u) << pin.body;
  EXPECT_EQ(json::parse(pin.body)["error"],
            "tenants 1 and 0 would share more than max_overlap 1 cells");
  EXPECT_EQ(version(*s), before);
  EXPECT_EQ(call(*s, "GET", "/v1/snapshot?after=" + std::to_string(before) + "&wait_ms=50").status,
            304u);
}

TEST_P(ControlServiceTest, StateSurvivesARestartOfTheControlPlane) {
  std::string tenants_before;
  {
    auto s = service();
    add_cells(*s, 3);
    ASSERT_EQ(call(*s, "POST", "/v1/tenants", R"({"name":"acme","shard_size":2})").status, 200u);
    tenants_before = call(*s, "GET", "/v1/tenants").body;
    s->shutdown();
  }
  auto again = service();
  ASSERT_TRUE(again->is_leader());
  EXPECT_EQ(call(*again, "GET", "/v1/tenants").body, tenants_before);
  ServiceReply next = call(*again, "POST", "/v1/tenants", R"({"name":"beta","shard_size":2})");
  ASSERT_EQ(next.status, 200u) << next.body;
  EXPECT_EQ(json::parse(next.body)["version"], 5);
  EXPECT_EQ(json::parse(call(*again, "GET", "/v1/tenants").body)["tenants"][1]["id"], 1);
}

TEST_P(ControlServiceTest, AFollowerRefusesWritesNamingTheLeaderAndTakesOverFromTheStoredState) {
  auto leader = service("127.0.0.1:7000");
  auto follower = service("127.0.0.1:7001");
  ASSERT_TRUE(leader->is_leader());
  EXPECT_FALSE(follower->is_leader());
  add_cells(*leader, 3);
  ServiceReply refused = call(*follower, "POST", "/v1/cells", R"({"name":"x"})");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(json::parse(refused.body)["leader"], "127.0.0.1:7000");
  EXPECT_EQ(refused.headers["X-Cellkit-Leader"], "127.0.0.1:7000");
  leader->shutdown();
  follower->tick();
  ASSERT_TRUE(follower->is_leader());
  ServiceReply added = call(*follower, "POST", "/v1/cells", R"({"name":"x"})");
  ASSERT_EQ(added.status, 200u) << added.body;
  EXPECT_EQ(json::parse(added.body)["version"], 4);
  EXPECT_EQ(json::parse(call(*follower, "GET", "/v1/cells").body)["cells"].size(), 4u);
}

TEST_P(ControlServiceTest, ALongPollWakesWhenAVersionIsPublished) {
  auto s = service();
  add_cells(*s, 2);
  ServiceReply polled;
  std::thread poller([&] { polled = call(*s, "GET", "/v1/snapshot?after=2&wait_ms=10000"); });
  std::this_thread::sleep_for(100ms);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(call(*s, "POST", "/v1/cells", R"({"name":"c"})").status, 200u);
  poller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(polled.status, 200u);
  EXPECT_EQ(polled.headers["X-Cellkit-Routing-Version"], "3");
}

TEST_P(ControlServiceTest, RouterReportsAreListed) {
  auto s = service();
  auto router_store = open_store(spec(), {.fleet = "blue"}).value();
  ASSERT_TRUE(router_store->report({.router = "r1", .applied = 3, .rejected = 4, .reason = "older"})
                  .is_ok());
  const json routers = json::parse(call(*s, "GET", "/v1/routers").body)["routers"];
  ASSERT_EQ(routers.size(), 1u);
  EXPECT_EQ(routers[0]["router"], "r1");
  EXPECT_EQ(routers[0]["rejected"], 4);
  EXPECT_EQ(routers[0]["reason"], "older");
}

TEST_P(ControlServiceTest, ARouterFollowingTheApiRecordsItsReportThroughIt) {
  auto s = service();
  const std::string report = report_json({.router = "r2", .applied = 5, .reason = ""});
  EXPECT_EQ(call(*s, "PUT", "/v1/routers/r2", report).status, 200u);
  const json routers = json::parse(call(*s, "GET", "/v1/routers").body)["routers"];
  ASSERT_EQ(routers.size(), 1u);
  EXPECT_EQ(routers[0]["router"], "r2");
  EXPECT_EQ(routers[0]["applied"], 5);
  const ServiceReply other = call(*s, "PUT", "/v1/routers/r3", report);
  EXPECT_EQ(other.status, 400u);
  EXPECT_EQ(json::parse(other.body)["error"],
            "field 'router' ('r2') must be the router named in the path ('r3')");
  const ServiceReply bad = call(*s, "PUT", "/v1/routers/r2", R"({"router":"r2"})");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(json::parse(bad.body)["field"], "body");
}

TEST_P(ControlServiceTest, ARouterReportThroughTheApiIsStoredAgainOnlyWhenItChanges) {
  auto s = service();
  const std::string report = report_json({.router = "r2", .applied = 5});
  ASSERT_EQ(call(*s, "PUT", "/v1/routers/r2", report).status, 200u);
  const std::int64_t written = test::report_stamp(spec(), "blue", "r2");
  ASSERT_NE(written, -1);
  ASSERT_EQ(call(*s, "PUT", "/v1/routers/r2", report).status, 200u);
  EXPECT_EQ(test::report_stamp(spec(), "blue", "r2"), written);
  ASSERT_EQ(call(*s, "PUT", "/v1/routers/r2", report_json({.router = "r2", .applied = 6})).status,
            200u);
  EXPECT_NE(test::report_stamp(spec(), "blue", "r2"), written);
}

TEST_P(ControlServiceTest, RebalanceApplyPublishesOneVersionPerBatch) {
  auto s = service();
  add_cells(*s, 6);  // 15 distinct pairs for 12 tenants under max_overlap 1
  json tenants = json::array();
  for (int i = 0; i < 12; ++i)
    tenants.push_back({{"name", "t" + std::to_string(i)}, {"shard_size", 2}});
  ASSERT_EQ(call(*s, "POST", "/v1/tenants", json{{"tenants", tenants}}.dump()).status, 200u);
  ASSERT_EQ(call(*s, "POST", "/v1/cells", R"({"name":"fresh"})").status, 200u);
  const json plan = json::parse(call(*s, "GET", "/v1/rebalance/plan").body);
  const std::size_t moves = plan["moves"].size();
  ASSERT_GE(moves, 3u) << plan.dump();
  // Filling a fresh cell moves no tenant aside to clear the way.
  ASSERT_TRUE(plan.contains("clearing")) << plan.dump();
  EXPECT_EQ(plan["clearing"], 0u);
  const std::uint64_t before = version(*s);
  ServiceReply applied = call(*s, "POST", "/v1/rebalance/apply", R"({"batch":2})");
  ASSERT_EQ(applied.status, 200u) << applied.body;
  EXPECT_EQ(json::parse(applied.body)["versions"].size(), (moves + 1) / 2);
  EXPECT_EQ(version(*s), before + (moves + 1) / 2);
  const json status = json::parse(call(*s, "GET", "/v1/rebalance/status").body);
  EXPECT_EQ(status["applied"], moves);
  EXPECT_TRUE(json::parse(call(*s, "GET", "/v1/rebalance/plan").body)["moves"].empty());
}

TEST_P(ControlServiceTest, ADrainMovesOtherTenantsAsideWhenThoseOnTheCellFindNoFreePair) {
  auto s = service();
  add_cells(*s, 9);  // shuffle, max_overlap 1, shards of 3: the Steiner triple system STS(9)
  json tenants = json::array();
  for (int i = 0; i < 12; ++i)
    tenants.push_back({{"name", "t" + std::to_string(i)}, {"shard_size", 3}});
  ASSERT_EQ(call(*s, "POST", "/v1/tenants", json{{"tenants", tenants}}.dump()).status, 200u);
  // Every pair of cells is taken: nothing can leave cell-0.
  const ServiceReply full = call(*s, "POST", "/v1/cells/cell-0/drain");
  EXPECT_EQ(full.status, 409u) << full.body;
  EXPECT_NE(full.body.find("no chain of moves"), std::string::npos) << full.body;
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(call(*s, "DELETE", "/v1/tenants/t" + std::to_string(i)).status, 200u);
  const auto shards = [&] {
    std::map<std::string, std::set<std::string>> out;
    const json listed = json::parse(call(*s, "GET", "/v1/tenants").body);
    for (const json& t : listed["tenants"])
      out[t["name"]] = t["cells"].get<std::set<std::string>>();
    return out;
  };
  const auto before = shards();
  const ServiceReply drained = call(*s, "POST", "/v1/cells/cell-0/drain");
  ASSERT_EQ(drained.status, 200u) << drained.body;
  const auto after = shards();
  ASSERT_EQ(after.size(), 8u);
  // The tenants on cell-0 left it; to make room, tenants not on it moved too (the plan's
  // clearing moves, applied with the drain).
  std::size_t moved_aside = 0;
  for (const auto& [name, cells] : after) {
    EXPECT_EQ(cells.count("cell-0"), 0u) << name;
    moved_aside += before.at(name).count("cell-0") == 0 && cells != before.at(name);
  }
  EXPECT_GT(moved_aside, 0u);
  std::map<std::pair<std::string, std::string>, int> pairs;
  for (const auto& [name, cells] : after) {
    for (const std::string& a : cells) {
      for (const std::string& b : cells) {
        if (a < b) {
          EXPECT_EQ(++pairs[std::pair(a, b)], 1) << a << " and " << b << " again in " << name;
        }
      }
    }
  }
  // Nothing is left to plan: the drain applied its plan whole.
  const json plan = json::parse(call(*s, "GET", "/v1/rebalance/plan").body);
  EXPECT_EQ(plan["required"], 0u) << plan.dump();
  EXPECT_EQ(plan["clearing"], 0u) << plan.dump();
}

TEST_P(ControlServiceTest, ConcurrentOnboardingsShareAPublicationAndEachIsAnsweredOnItsOwn) {
  auto s = service();
  add_cells(*s, 8);
  ASSERT_EQ(call(*s, "POST", "/v1/tenants", R"({"name":"taken","shard_size":2})").status, 200u);
  const std::uint64_t before = version(*s);
  constexpr int kCalls = 16;
  std::vector<ServiceReply> replies(kCalls);
  {
    std::vector<std::jthread> callers;
    for (int i = 0; i < kCalls; ++i) {
      callers.emplace_back([&, i] {
        // Call 0 asks for a taken name: it alone is refused.
        const std::string name = i == 0 ? "taken" : "t" + std::to_string(i);
        replies[i] =
            call(*s, "POST", "/v1/tenants", json{{"name", name}, {"shard_size", 2}}.dump());
      });
    }
  }
  EXPECT_EQ(replies[0].status, 409u) << replies[0].body;
  std::uint64_t newest = before;
  for (int i = 1; i < kCalls; ++i) {
    ASSERT_EQ(replies[i].status, 200u) << replies[i].body;
    const std::uint64_t v = json::parse(replies[i].body)["version"];
    EXPECT_GT(v, before);
    newest = std::max(newest, v);
  }
  // Fewer publications than calls when they overlapped; never more.
  EXPECT_EQ(version(*s), newest);
  EXPECT_LE(newest - before, static_cast<std::uint64_t>(kCalls - 1));
  EXPECT_EQ(json::parse(call(*s, "GET", "/v1/tenants").body)["tenants"].size(),
            static_cast<std::size_t>(kCalls));
  // Each answered version's snapshot holds its tenant: the snapshot at `newest` holds all.
  ServiceReply snapshot = call(*s, "GET", "/v1/snapshot?after=" + std::to_string(before));
  Result<RoutingSnapshot> decoded =
      decode_snapshot(std::as_bytes(std::span(snapshot.body.data(), snapshot.body.size())));
  ASSERT_TRUE(decoded.is_ok());
  EXPECT_EQ(decoded->shards.size(), static_cast<std::size_t>(kCalls));
}

// Versions 2 to 6 are deltas chained on version 1's base; compact_after 1 makes the tick
// write version 6 as the new base first, so only the versions kept by age and by routers
// stay. (Without it the chain, base included, would all be kept.)
TEST_P(ControlServiceTest, OldVersionsAreDeletedButNeitherTheCurrentOneNorOneARouterServes) {
  auto s = service("127.0.0.1:7000", /*keep_versions=*/2, /*compact_after=*/1);
  add_cells(*s, 6);  // versions 1 to 6
  auto other = open_store(spec(), {.fleet = "blue"}).value();
  ASSERT_TRUE(other->report({.router = "r1", .applied = 2}).is_ok());
  s->tick();
  EXPECT_EQ(other->stored_versions().value(), (std::vector<std::uint64_t>{2, 5, 6}));
  const Pointer current = other->read_pointer()->pointer;
  EXPECT_TRUE(other->read_snapshot(current).is_ok());
  EXPECT_TRUE(other->read_state(current).is_ok());
  // The router moves on: its old version goes at the next tick.
  ASSERT_TRUE(other->report({.router = "r1", .applied = 6}).is_ok());
  s->tick();
  EXPECT_EQ(other->stored_versions().value(), (std::vector<std::uint64_t>{5, 6}));
  // A restarted control plane reads the current version whole.
  s->shutdown();
  s.reset();
  auto again = service();
  EXPECT_EQ(version(*again), 6u);
  EXPECT_EQ(json::parse(call(*again, "GET", "/v1/cells").body)["cells"].size(), 6u);
}

// A store whose publish first waits `delay`, as placing a huge batch under the store lock
// does, and whose report waits while the test holds `report_gate`; everything else goes
// straight to the real store.
class SlowPublishStore final : public Store {
 public:
  explicit SlowPublishStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}
  std::atomic<std::chrono::milliseconds> delay{0ms};
  std::mutex report_gate;
  std::atomic<int> reports_waiting{0};

  std::string describe() const override { return inner_->describe(); }
  Result<PointerRead> read_pointer() override { return inner_->read_pointer(); }
  Result<std::string> read_snapshot(const Pointer& p) override { return inner_->read_snapshot(p); }
  Result<std::string> read_state(const Pointer& p) override { return inner_->read_state(p); }
  Result<PublishReply> publish(const Publication& p, std::int64_t expected) override {
    std::this_thread::sleep_for(delay.load());
    return inner_->publish(p, expected);
  }
  Result<WatchEnd> watch_pointer(std::int64_t revision,
                                 std::chrono::steady_clock::time_point deadline) override {
    return inner_->watch_pointer(revision, deadline);
  }
  Status report(const RouterReport& r) override {
    ++reports_waiting;
    std::lock_guard gate(report_gate);
    --reports_waiting;
    return inner_->report(r);
  }
  Result<std::vector<RouterReport>> reports() override { return inner_->reports(); }
  Result<Leadership> campaign(const std::string& address) override {
    return inner_->campaign(address);
  }
  void resign() override { inner_->resign(); }
  Status keep_leadership() override { return inner_->keep_leadership(); }
  void interrupt() override { inner_->interrupt(); }

 private:
  std::unique_ptr<Store> inner_;
};

TEST(ControlServiceLease, AChangeHoldingTheStoreLongerThanTheLeaseKeepsTheLeadership) {
  test::EtcdProcess etcd;
  ASSERT_TRUE(etcd.start().is_ok());
  auto slow = std::make_unique<SlowPublishStore>(
      open_store(etcd.store_spec(), {.fleet = "blue", .lease_seconds = 2}).value());
  SlowPublishStore& store = *slow;
  ControlService s(std::move(slow),
                   {.address = "cp", .placement = {.strategy = Strategy::kRandom, .seed = 1}});
  s.tick();
  ASSERT_TRUE(s.is_leader());
  store.delay = 3500ms;  // well past the 2 s lease, ticked every 300 ms meanwhile
  std::atomic<bool> done{false};
  std::thread ticker([&] {
    for (int i = 0; i < 100 && !done; ++i) {
      s.tick();
      std::this_thread::sleep_for(300ms);
    }
  });
  const ServiceReply r =
      s.handle({.method = "POST", .target = "/v1/cells", .body = R"({"name":"a"})"});
  done = true;
  ticker.join();
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(s.is_leader());
}

// A router's report that takes long (a slow store) must not make the follower's tick skip
// picking up the leader's publication.
TEST_P(ControlServiceTest, ARouterReportInFlightDoesNotMakeATickSkip) {
  auto leader = service("127.0.0.1:7000");
  auto gated = std::make_unique<SlowPublishStore>(
      open_store(spec(), {.fleet = "blue", .lease_seconds = 5}).value());
  SlowPublishStore& store = *gated;
  ControlService follower(std::move(gated), {.address = "127.0.0.1:7001"});
  follower.tick();
  ASSERT_FALSE(follower.is_leader());
  std::unique_lock gate(store.report_gate);
  std::thread reporter([&] {
    const ServiceReply r =
        call(follower, "PUT", "/v1/routers/r1", report_json({.router = "r1", .applied = 1}));
    EXPECT_EQ(r.status, 200u) << r.body;
  });
  for (int i = 0; i < 500 && store.reports_waiting == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(store.reports_waiting, 1);  // (no ASSERT: the reporter must be joined)
  add_cells(*leader, 1);
  follower.tick();
  EXPECT_EQ(version(follower), 1u);
  gate.unlock();
  reporter.join();
  EXPECT_EQ(json::parse(call(follower, "GET", "/v1/routers").body)["routers"].size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Stores, ControlServiceTest, test::both_stores(), test::store_kind_name);

}  // namespace
}  // namespace cellkit::live

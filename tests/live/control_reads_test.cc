// Reads of the desired state (cells, tenants, the rebalance plan and status, a booting
// router's whole snapshot) while a change or a tick holds the store, over both stores: they
// answer at once with the published state, never a change in flight; a rollout's status shows
// each step as it is stored. And what a 503 says of a change the store failed: whether it may
// have been stored.
#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/control_service.h"
#include "live/hooked_store.h"
#include "live/store_kind.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::HookedStore;

// A store call held until the test releases it: `entered` is ready once the call started.
struct Gate {
  std::promise<void> entered_promise;
  std::promise<void> release_promise;
  std::shared_future<void> entered = entered_promise.get_future().share();
  std::shared_future<void> released = release_promise.get_future().share();
  bool open = false;

  // Called by the held store call: waits (at most 20 s) for release().
  void hold() {
    entered_promise.set_value();
    EXPECT_EQ(released.wait_for(20s), std::future_status::ready);
  }
  void release() {
    if (open) return;
    open = true;
    release_promise.set_value();
  }
};

class ControlReadsTest : public test::StoreKindTest {
 protected:
  void TearDown() override { gate_.release(); }

  // A leader over a hooked store with `cells` cells, shuffle sharding at overlap 1.
  std::unique_ptr<ControlService> control(int cells) {
    auto hooked = std::make_unique<HookedStore>(
        open_store(spec(), {.fleet = "blue", .lease_seconds = 5}).value());
    store_ = hooked.get();
    auto c = std::make_unique<ControlService>(
        std::move(hooked),
        ControlOptions{.address = "127.0.0.1:7000",
                       .placement = {.strategy = Strategy::kShuffle, .max_overlap = 1, .seed = 3}});
    c->tick();
    EXPECT_TRUE(c->is_leader());
    for (int i = 0; i < cells; ++i) {
      EXPECT_EQ(call(*c, "POST", "/v1/cells",
                     fmt::format(R"({{"name":"c{}","endpoint":"127.0.0.1:{}"}})", i, 4000 + i))
                    .status,
                200u);
    }
    return c;
  }
  static ServiceReply call(ControlService& c, std::string method, std::string target,
                           std::string body = "") {
    return c.handle(
        {.method = std::move(method), .target = std::move(target), .body = std::move(body)});
  }
  static json body_of(const ServiceReply& r) { return json::parse(r.body); }
  static ServiceReply onboard(ControlService& c, const std::string& name) {
    return call(c, "POST", "/v1/tenants", json{{"name", name}, {"shard_size", 2}}.dump());
  }
  // Holds the next publication in the store until the gate is released.
  void hold_next_publication() {
    store_->before_publish = [this](const Publication&) {
      gate_.hold();
      return Status::ok();
    };
  }
  // `read` on another thread; a read that does not answer within 5 s fails the test (it
  // waited for the store) and is then let through, so that no thread is left behind.
  ServiceReply without_waiting(ControlService& c, std::string method, std::string target) {
    auto reply =
        std::async(std::launch::async, [&c, method, target] { return call(c, method, target); });
    if (reply.wait_for(5s) != std::future_status::ready) {
      ADD_FAILURE() << method << " " << target << " waited for the store";
      gate_.release();
    }
    return reply.get();
  }
  // The published whole snapshot, as a booting router reads it (?after=0).
  FlatSnapshot whole(ControlService& c) {
    const ServiceReply r = without_waiting(c, "GET", "/v1/snapshot?after=0&wait_ms=0");
    EXPECT_EQ(r.status, 200u) << r.body;
    Result<FlatSnapshot> flat =
        decode_flat_snapshot(std::as_bytes(std::span(r.body.data(), r.body.size())));
    if (!flat.is_ok()) {
      ADD_FAILURE() << flat.status().message();
      return {};
    }
    return std::move(flat).value();
  }
  // The tenants of the published state, by name, in id order.
  std::vector<std::string> tenant_names(ControlService& c) {
    const ServiceReply r = without_waiting(c, "GET", "/v1/tenants");
    EXPECT_EQ(r.status, 200u) << r.body;
    std::vector<std::string> names;
    const json listed = body_of(r);
    for (const json& t : listed["tenants"])
      names.push_back(t["name"].get<std::string>());
    return names;
  }
  std::uint64_t version(ControlService& c) {
    return body_of(call(c, "GET", "/v1/version"))["version"].get<std::uint64_t>();
  }

  HookedStore* store_ = nullptr;  // owned by the service
  Gate gate_;
};

// An onboarding's tenants are placed in the state in place before its publication is written:
// while the store holds that write, every read answers at once, without them.
TEST_P(ControlReadsTest, ReadsDuringAnOnboardingsPublicationAnswerWithThePublishedState) {
  auto c = control(4);
  ASSERT_EQ(onboard(*c, "a").status, 200u);
  const std::uint64_t published = version(*c);
  const std::string cells = call(*c, "GET", "/v1/cells").body;
  const std::string plan = call(*c, "GET", "/v1/rebalance/plan").body;
  hold_next_publication();
  auto b = std::async(std::launch::async, [&] { return onboard(*c, "b"); });
  ASSERT_EQ(gate_.entered.wait_for(10s), std::future_status::ready);

  EXPECT_EQ(tenant_names(*c), std::vector<std::string>{"a"});
  EXPECT_EQ(without_waiting(*c, "GET", "/v1/cells").body, cells);
  EXPECT_EQ(without_waiting(*c, "GET", "/v1/rebalance/plan").body, plan);
  EXPECT_EQ(without_waiting(*c, "GET", "/v1/rebalance/status").status, 200u);
  const FlatSnapshot during = whole(*c);
  EXPECT_EQ(during.version, published);
  EXPECT_EQ(during.shards.size(), 1u);

  gate_.release();
  const ServiceReply onboarded = b.get();
  ASSERT_EQ(onboarded.status, 200u) << onboarded.body;
  EXPECT_EQ(body_of(onboarded)["version"], published + 1);
  EXPECT_EQ(tenant_names(*c), (std::vector<std::string>{"a", "b"}));
  const FlatSnapshot after = whole(*c);
  EXPECT_EQ(after.version, published + 1);
  EXPECT_EQ(after.shards.size(), 2u);
  std::size_t placed = 0;
  const json cells_after = body_of(call(*c, "GET", "/v1/cells"));
  for (const json& cell : cells_after["cells"])
    placed += cell["tenants"].get<std::size_t>();
  EXPECT_EQ(placed, 4u);  // two tenants of two cells each
}

// A change other than onboarding computes its next state apart: while its publication is
// held, reads answer with the state before it.
TEST_P(ControlReadsTest, ReadsDuringAChangesPublicationAnswerWithTheStateBeforeIt) {
  auto c = control(3);
  ASSERT_EQ(onboard(*c, "a").status, 200u);
  const std::string cells = call(*c, "GET", "/v1/cells").body;
  hold_next_publication();
  auto added = std::async(std::launch::async, [&] {
    return call(*c, "POST", "/v1/cells", R"({"name":"fresh","endpoint":"127.0.0.1:4100"})");
  });
  ASSERT_EQ(gate_.entered.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(without_waiting(*c, "GET", "/v1/cells").body, cells);
  EXPECT_EQ(tenant_names(*c), std::vector<std::string>{"a"});
  gate_.release();
  EXPECT_EQ(added.get().status, 200u);
  EXPECT_EQ(body_of(call(*c, "GET", "/v1/cells"))["cells"].size(), 4u);
}

// A rollout holds the store from its first step to its last: its status shows each step as
// soon as it is stored, while the next one is being written.
TEST_P(ControlReadsTest, RebalanceStatusShowsEachStepOfARolloutAsItIsStored) {
  auto c = control(6);  // 15 distinct pairs for 12 tenants under max_overlap 1
  json tenants = json::array();
  for (int i = 0; i < 12; ++i)
    tenants.push_back({{"name", "t" + std::to_string(i)}, {"shard_size", 2}});
  ASSERT_EQ(call(*c, "POST", "/v1/tenants", json{{"tenants", tenants}}.dump()).status, 200u);
  ASSERT_EQ(call(*c, "POST", "/v1/cells", R"({"name":"fresh"})").status, 200u);
  const std::size_t moves = body_of(call(*c, "GET", "/v1/rebalance/plan"))["moves"].size();
  ASSERT_GE(moves, 3u);
  const std::uint64_t before = version(*c);
  store_->before_publish = [this](const Publication&) {  // the first step goes through
    hold_next_publication();                             // the second is held
    return Status::ok();
  };
  auto rollout = std::async(std::launch::async, [&] {
    return call(*c, "POST", "/v1/rebalance/apply", R"({"batch":1})");
  });
  ASSERT_EQ(gate_.entered.wait_for(10s), std::future_status::ready);
  const json status = body_of(without_waiting(*c, "GET", "/v1/rebalance/status"));
  EXPECT_EQ(status["planned"], moves);
  EXPECT_EQ(status["applied"], 1u);
  EXPECT_EQ(status["version"], before + 1);
  const json plan = body_of(without_waiting(*c, "GET", "/v1/rebalance/plan"));
  EXPECT_EQ(plan["version"], before + 1);
  gate_.release();
  const ServiceReply done = rollout.get();
  ASSERT_EQ(done.status, 200u) << done.body;
  EXPECT_EQ(body_of(without_waiting(*c, "GET", "/v1/rebalance/status"))["applied"], moves);
}

// A tick holds the store while it reads the pointer (an unreachable etcd holds it up to its
// timeout): reads answer meanwhile.
TEST_P(ControlReadsTest, ReadsAnswerWhileATickWaitsForTheStore) {
  auto c = control(3);
  ASSERT_EQ(onboard(*c, "a").status, 200u);
  store_->before_read_pointer = [this] {
    gate_.hold();
    return Status::ok();
  };
  std::jthread tick([&] { c->tick(); });  // joined at scope exit, the gate then released
  ASSERT_EQ(gate_.entered.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(tenant_names(*c), std::vector<std::string>{"a"});
  EXPECT_EQ(without_waiting(*c, "GET", "/v1/cells").status, 200u);
  EXPECT_EQ(whole(*c).shards.size(), 1u);
  gate_.release();
}

// A store that fails before anything is written (the pointer's read) leaves nothing stored;
// a publication's failed write may have landed: the 503 says which, in "stored".
TEST_P(ControlReadsTest, A503SaysWhetherTheChangeMayHaveBeenStored) {
  auto c = control(3);
  store_->before_read_pointer = [] { return failed_precondition("etcd: connection refused"); };
  const json unread = body_of(onboard(*c, "a"));
  EXPECT_EQ(unread["stored"], "no") << unread.dump();
  EXPECT_EQ(unread["field"], "store");

  store_->before_publish = [](const Publication&) {
    return failed_precondition("etcd: timed out");
  };
  const ServiceReply unwritten = call(*c, "POST", "/v1/cells", R"({"name":"x"})");
  EXPECT_EQ(unwritten.status, 503u);
  const json maybe = body_of(unwritten);
  EXPECT_EQ(maybe["stored"], "unknown") << maybe.dump();
  EXPECT_NE(maybe["error"].get<std::string>().find("read it back"), std::string::npos);

  store_->outcomes.assign(8, PublishOutcome::kConflict);  // every attempt loses its CAS
  const json moved = body_of(onboard(*c, "b"));
  EXPECT_EQ(moved["stored"], "no") << moved.dump();
  EXPECT_EQ(tenant_names(*c), std::vector<std::string>{});

  store_->outcomes.assign(1, PublishOutcome::kNotLeader);  // the store refuses: not the leader
  const ServiceReply lost = onboard(*c, "c");
  EXPECT_EQ(lost.status, 503u);
  EXPECT_EQ(body_of(lost)["stored"], "no") << lost.body;
  EXPECT_NE(lost.body.find("not the leader"), std::string::npos) << lost.body;
}

// A rollout the store stops after its first step says how far it got.
TEST_P(ControlReadsTest, ARolloutStoppedByTheStoreSaysHowManyMovesWereStored) {
  auto c = control(6);
  json tenants = json::array();
  for (int i = 0; i < 12; ++i)
    tenants.push_back({{"name", "t" + std::to_string(i)}, {"shard_size", 2}});
  ASSERT_EQ(call(*c, "POST", "/v1/tenants", json{{"tenants", tenants}}.dump()).status, 200u);
  ASSERT_EQ(call(*c, "POST", "/v1/cells", R"({"name":"fresh"})").status, 200u);
  const std::size_t moves = body_of(call(*c, "GET", "/v1/rebalance/plan"))["moves"].size();
  ASSERT_GE(moves, 3u);
  const std::uint64_t before = version(*c);
  store_->before_publish = [this](const Publication&) {
    store_->before_publish = [](const Publication&) {
      return failed_precondition("etcd: timed out");
    };
    return Status::ok();
  };
  const ServiceReply stopped = call(*c, "POST", "/v1/rebalance/apply", R"({"batch":1})");
  EXPECT_EQ(stopped.status, 503u);
  const json body = body_of(stopped);
  EXPECT_EQ(body["planned"], moves) << body.dump();
  EXPECT_EQ(body["applied"], 1u);
  EXPECT_EQ(body["versions"], json::array({before + 1}));
  EXPECT_EQ(body["stored"], "unknown");
  EXPECT_EQ(body_of(call(*c, "GET", "/v1/rebalance/status"))["applied"], 1u);
}

// A rollout whose second step loses its compare-and-swap (another writer moved the pointer)
// stops with 409 and says how far it got.
TEST_P(ControlReadsTest, ARolloutStoppedByAnotherWriterSaysHowManyMovesWereStored) {
  auto c = control(6);
  json tenants = json::array();
  for (int i = 0; i < 12; ++i)
    tenants.push_back({{"name", "t" + std::to_string(i)}, {"shard_size", 2}});
  ASSERT_EQ(call(*c, "POST", "/v1/tenants", json{{"tenants", tenants}}.dump()).status, 200u);
  ASSERT_EQ(call(*c, "POST", "/v1/cells", R"({"name":"fresh"})").status, 200u);
  const std::size_t moves = body_of(call(*c, "GET", "/v1/rebalance/plan"))["moves"].size();
  ASSERT_GE(moves, 3u);
  const std::uint64_t before = version(*c);
  store_->before_publish = [this](const Publication&) {  // the first step's goes through
    store_->before_publish = [this](const Publication&) {
      store_->outcomes.assign(1, PublishOutcome::kConflict);  // the second step's is lost
      return Status::ok();
    };
    return Status::ok();
  };
  const ServiceReply stopped = call(*c, "POST", "/v1/rebalance/apply", R"({"batch":1})");
  EXPECT_EQ(stopped.status, 409u);
  const json body = body_of(stopped);
  EXPECT_EQ(body["planned"], moves) << body.dump();
  EXPECT_EQ(body["applied"], 1u);
  EXPECT_EQ(body["versions"], json::array({before + 1}));
  EXPECT_NE(body["error"].get<std::string>().find("stopped after 1 of"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Stores, ControlReadsTest, test::both_stores(), test::store_kind_name);

}  // namespace
}  // namespace cellkit::live

// Onboarding through the control service over both stores: group commit (calls arriving
// during a publication share the next one, in arrival order, a refused one alone), the state
// changed in place and taken back when not stored (a store error, a lost CAS, the leadership
// lost), each call answered by the attempt that ends, and the delta made from the change
// equal to the diff of the whole snapshots. Removing a tenant the same way: in O(change),
// only once stored, keeping the onboarding index.
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cellkit/core/delta_codec.h"
#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/control_service.h"
#include "live/hooked_store.h"
#include "live/store_kind.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::HookedStore;

class ControlOnboardTest : public test::StoreKindTest {
 protected:
  // A leader over a hooked store holding `cells` cells (random placement).
  std::unique_ptr<ControlService> control(int cells) {
    auto hooked = std::make_unique<HookedStore>(
        open_store(spec(), {.fleet = "blue", .lease_seconds = 5}).value());
    store_ = hooked.get();
    auto c = std::make_unique<ControlService>(
        std::move(hooked), ControlOptions{.address = "127.0.0.1:7000",
                                          .placement = {.strategy = Strategy::kRandom, .seed = 5}});
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
  static ServiceReply onboard(ControlService& c, const std::string& name, int weight = 1) {
    return call(c, "POST", "/v1/tenants",
                json{{"name", name}, {"shard_size", 2}, {"weight", weight}}.dump());
  }
  static std::uint64_t version_of(const ServiceReply& r) {
    return json::parse(r.body)["version"].get<std::uint64_t>();
  }
  // The whole snapshot of the published version, as a router booting reads it.
  static FlatSnapshot whole(ControlService& c) {
    const ServiceReply r = call(c, "GET", "/v1/snapshot?after=0&wait_ms=0");
    EXPECT_EQ(r.status, 200u);
    return decode_flat_snapshot(std::as_bytes(std::span(r.body.data(), r.body.size()))).value();
  }
  // Polls (bounded: 10 s) until `count` onboarding calls wait for the next publication.
  static void await_waiting(const ControlService& c, std::size_t count) {
    for (int i = 0; i < 1000 && c.onboardings_waiting() != count; ++i)
      std::this_thread::sleep_for(10ms);
    ASSERT_EQ(c.onboardings_waiting(), count);
  }

  // Onboards `name` into `c`, which holds one tenant at `before`'s version: the next version,
  // the next id (those of an onboarding taken back are given again).
  static void expect_onboarded_after(ControlService& c, const FlatSnapshot& before,
                                     const std::string& name) {
    const ServiceReply next = onboard(c, name);
    ASSERT_EQ(next.status, 200u) << next.body;
    EXPECT_EQ(version_of(next), before.version + 1);
    const json listed = json::parse(call(c, "GET", "/v1/tenants").body)["tenants"];
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[1]["name"], name);
    EXPECT_EQ(listed[1]["id"], 1);
  }
  static json tenant(const std::string& name) { return json{{"name", name}, {"shard_size", 2}}; }
  // Another writer's publication onboarding `name`: captured as `c` makes it and not stored
  // (`c` answers 503 and takes it back), so it follows the pointer as it still is.
  Publication capture(ControlService& c, const std::string& name) {
    Publication captured;
    store_->before_publish = [&](const Publication& p) {
      captured = p;
      return failed_precondition("captured, not stored");
    };
    EXPECT_EQ(onboard(c, name).status, 503u);
    return captured;
  }
  // Stores `p` through the leader's own store handle, past the service.
  PublishOutcome publish_raw(const Publication& p) {
    const PointerRead read = store_->inner().read_pointer().value();
    Result<PublishReply> reply = store_->inner().publish(p, read.revision);
    EXPECT_TRUE(reply.is_ok()) << reply.status().message();
    return reply.is_ok() ? reply->outcome : PublishOutcome::kConflict;
  }

  static ServiceReply remove(ControlService& c, const std::string& name) {
    return call(c, "DELETE", "/v1/tenants/" + name);
  }
  // The one delta from `before`'s version to the next, as GET /v1/snapshot?deltas=1 gives it.
  static std::string delta_after(ControlService& c, const FlatSnapshot& before) {
    const ServiceReply chain =
        call(c, "GET", fmt::format("/v1/snapshot?after={}&deltas=1&wait_ms=0", before.version));
    const std::vector<std::string> deltas = unframe_deltas(chain.body).value();
    EXPECT_EQ(deltas.size(), 1u);
    return deltas.empty() ? std::string() : deltas[0];
  }
  static std::string diff_of(const FlatSnapshot& before, const FlatSnapshot& after) {
    const std::vector<std::byte> bytes = encode_delta(diff_snapshots(before, after));
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
  // The state the store holds, as JSON.
  json stored_state() {
    auto reader = open_store(spec(), {.fleet = "blue"}).value();
    return json::parse(reader->read_state(reader->read_pointer()->pointer).value());
  }
  // Restarts the control plane over the same store: `c` becomes one that loads it fresh, and
  // its tenants, cells and whole snapshot equal what `c` served before.
  void expect_equal_after_restart(std::unique_ptr<ControlService>& c) {
    const std::string tenants = call(*c, "GET", "/v1/tenants").body;
    const std::string cells = call(*c, "GET", "/v1/cells").body;
    const FlatSnapshot snapshot = whole(*c);
    c->shutdown();
    c.reset();
    c = control(0);
    EXPECT_EQ(call(*c, "GET", "/v1/tenants").body, tenants);
    EXPECT_EQ(call(*c, "GET", "/v1/cells").body, cells);
    EXPECT_EQ(whole(*c), snapshot);
  }

  HookedStore* store_ = nullptr;  // owned by the service
};

// A holds the store (its publication is being written) while B, C and D arrive in that
// order; C asks for a taken name. B and D land in one version, the one after A's, with ids
// in their order of arrival; C alone is refused and takes no id.
TEST_P(ControlOnboardTest, CallsArrivingDuringAPublicationShareTheNextInArrivalOrder) {
  auto c = control(4);
  ASSERT_EQ(onboard(*c, "taken").status, 200u);
  std::promise<void> writing, release;
  std::shared_future<void> released = release.get_future().share();
  store_->before_publish = [&](const Publication&) {
    writing.set_value();
    EXPECT_EQ(released.wait_for(10s), std::future_status::ready);
    return Status::ok();
  };
  std::map<std::string, ServiceReply> replies;
  std::mutex replies_mutex;
  std::vector<std::jthread> callers;
  auto start = [&](const std::string& name) {
    callers.emplace_back([&, name] {
      ServiceReply r = onboard(*c, name);
      std::lock_guard lock(replies_mutex);
      replies[name] = std::move(r);
    });
  };
  start("a");
  ASSERT_EQ(writing.get_future().wait_for(10s), std::future_status::ready);
  start("b");
  await_waiting(*c, 1);
  start("taken");
  await_waiting(*c, 2);
  start("d");
  await_waiting(*c, 3);
  release.set_value();
  callers.clear();  // joins

  ASSERT_EQ(replies["a"].status, 200u) << replies["a"].body;
  const std::uint64_t a = version_of(replies["a"]);
  ASSERT_EQ(replies["b"].status, 200u) << replies["b"].body;
  ASSERT_EQ(replies["d"].status, 200u) << replies["d"].body;
  EXPECT_EQ(version_of(replies["b"]), a + 1);
  EXPECT_EQ(version_of(replies["d"]), a + 1);
  EXPECT_EQ(replies["taken"].status, 409u);
  EXPECT_EQ(json::parse(replies["taken"].body)["field"], "name");
  EXPECT_EQ(version_of(call(*c, "GET", "/v1/version")), a + 1);
  std::map<std::string, std::uint32_t> ids;
  const json listed = json::parse(call(*c, "GET", "/v1/tenants").body);
  for (const json& t : listed["tenants"])
    ids[t["name"].get<std::string>()] = t["id"].get<std::uint32_t>();
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids["b"], ids["a"] + 1);
  EXPECT_EQ(ids["d"], ids["b"] + 1);
}

// A publication the store fails to write answers 503, and the tenants it placed are taken
// back: the state reads as before, and the next onboarding gets the id and version the
// failed one would have had; neither its tenant nor its weight reaches a snapshot or a
// stored state.
TEST_P(ControlOnboardTest, AnOnboardingTheStoreFailsToWriteIsTakenBackWhole) {
  auto c = control(3);
  ASSERT_EQ(onboard(*c, "t0").status, 200u);
  const std::string tenants = call(*c, "GET", "/v1/tenants").body;
  const FlatSnapshot snapshot = whole(*c);
  store_->before_publish = [](const Publication&) {
    return failed_precondition("cannot write: No space left on device");
  };
  const ServiceReply failed = onboard(*c, "t1", 3);
  EXPECT_EQ(failed.status, 503u) << failed.body;
  EXPECT_EQ(call(*c, "GET", "/v1/tenants").body, tenants);
  EXPECT_EQ(whole(*c), snapshot);
  expect_onboarded_after(*c, snapshot, "t2");
  EXPECT_EQ(whole(*c).shards.size(), 2u);
  auto reader = open_store(spec(), {.fleet = "blue"}).value();
  const json state = json::parse(reader->read_state(reader->read_pointer()->pointer).value());
  EXPECT_EQ(state["tenants"], json::object()) << state.dump();
}

// A onboards x and holds the store while Q (x and y) and P (y) arrive; A's publication is
// kept aside, not stored: another writer's. In the group's first attempt Q is placed and P
// refused (y is Q's), but the other writer stores x meanwhile: the CAS is lost. In the second
// Q is refused (x taken) and P placed, and that CAS and every later one are lost too. P is
// answered 503 (the pointer moved), not the 409 of an attempt undone.
TEST_P(ControlOnboardTest, ARefusalInAnAttemptUndoneIsNotTheAnswer) {
  auto c = control(4);
  std::promise<void> writing, release;
  std::shared_future<void> released = release.get_future().share();
  Publication of_x;
  store_->before_publish = [&](const Publication& p) {  // A's, holding the store
    writing.set_value();
    EXPECT_EQ(released.wait_for(10s), std::future_status::ready);
    of_x = p;
    store_->before_publish = [&](const Publication&) {  // the group's first attempt
      EXPECT_EQ(publish_raw(of_x), PublishOutcome::kPublished);
      store_->outcomes.assign(16, PublishOutcome::kConflict);  // every later CAS is lost
      return Status::ok();
    };
    return failed_precondition("kept aside, not stored");
  };
  std::map<std::string, ServiceReply> replies;
  std::mutex replies_mutex;
  std::vector<std::jthread> callers;
  auto start = [&](const std::string& who, json body) {
    callers.emplace_back([&, who, body] {
      ServiceReply r = call(*c, "POST", "/v1/tenants", body.dump());
      std::lock_guard lock(replies_mutex);
      replies[who] = std::move(r);
    });
  };
  start("a", tenant("x"));
  ASSERT_EQ(writing.get_future().wait_for(10s), std::future_status::ready);
  start("q", json{{"tenants", {tenant("x"), tenant("y")}}});
  await_waiting(*c, 1);
  start("p", tenant("y"));
  await_waiting(*c, 2);
  release.set_value();
  callers.clear();  // joins

  EXPECT_EQ(replies["a"].status, 503u) << replies["a"].body;
  EXPECT_EQ(replies["q"].status, 409u) << replies["q"].body;
  EXPECT_EQ(replies["p"].status, 503u) << replies["p"].body;
  EXPECT_NE(replies["p"].body.find("pointer moved"), std::string::npos) << replies["p"].body;
  store_->outcomes.clear();
}

// Another writer stores a tenant while an onboarding is being published: its CAS is lost,
// the tenants it placed are taken back, the state is reloaded from the store and the call
// placed again. It lands whole in the version after the other writer's, with the ids after
// its tenant, and the state and snapshot equal the store's (what a new leader reads).
TEST_P(ControlOnboardTest, AnOnboardingWhoseCasIsLostIsPlacedAgainOnTheStoredState) {
  auto c = control(4);
  ASSERT_EQ(onboard(*c, "t0").status, 200u);
  const std::uint64_t v = version_of(call(*c, "GET", "/v1/version"));
  const Publication other = capture(*c, "other");
  store_->before_publish = [&](const Publication&) {
    EXPECT_EQ(publish_raw(other), PublishOutcome::kPublished);
    return Status::ok();
  };
  const ServiceReply r =
      call(*c, "POST", "/v1/tenants", json{{"tenants", {tenant("m1"), tenant("m2")}}}.dump());
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(version_of(r), v + 2);
  const std::string tenants = call(*c, "GET", "/v1/tenants").body;
  std::vector<std::pair<std::string, std::uint32_t>> ids;
  const json listed = json::parse(tenants);
  for (const json& t : listed["tenants"])
    ids.emplace_back(t["name"].get<std::string>(), t["id"].get<std::uint32_t>());
  EXPECT_EQ(ids, (std::vector<std::pair<std::string, std::uint32_t>>{
                     {"t0", 0}, {"other", 1}, {"m1", 2}, {"m2", 3}}));
  const FlatSnapshot snapshot = whole(*c);
  EXPECT_EQ(snapshot.version, v + 2);
  c->shutdown();
  c.reset();
  auto again = control(0);
  EXPECT_EQ(call(*again, "GET", "/v1/tenants").body, tenants);
  EXPECT_EQ(whole(*again), snapshot);
}

// The leadership is found lost as an onboarding is published: the call is answered 503
// naming the leader, its tenant is taken back, and once leader again the control plane
// places the next onboarding on the stored state, with the id and version the lost one
// would have had.
TEST_P(ControlOnboardTest, AnOnboardingThatFindsTheLeadershipLostIsTakenBack) {
  auto c = control(3);
  ASSERT_EQ(onboard(*c, "t0").status, 200u);
  const std::string tenants = call(*c, "GET", "/v1/tenants").body;
  const FlatSnapshot snapshot = whole(*c);
  store_->outcomes = {PublishOutcome::kNotLeader};
  const ServiceReply lost = onboard(*c, "t1");
  EXPECT_EQ(lost.status, 503u) << lost.body;
  EXPECT_NE(lost.body.find("not the leader"), std::string::npos) << lost.body;
  EXPECT_FALSE(c->is_leader());
  EXPECT_EQ(call(*c, "GET", "/v1/tenants").body, tenants);
  EXPECT_EQ(whole(*c), snapshot);
  c->tick();  // campaigns: the store's leadership is still this handle's
  ASSERT_TRUE(c->is_leader());
  expect_onboarded_after(*c, snapshot, "t2");
}

// Each onboarding's delta, made from the tenants it adds, is byte for byte the encoded diff
// of the whole snapshots before and after (digest included), and the state stored with it
// (weights kept in O(change)) reads back equal after a restart.
TEST_P(ControlOnboardTest, EachOnboardingsDeltaIsTheDiffOfTheWholeSnapshots) {
  auto c = control(4);
  ASSERT_EQ(onboard(*c, "first").status, 200u);
  for (int i = 0; i < 3; ++i) {
    const FlatSnapshot before = whole(*c);
    ASSERT_EQ(onboard(*c, fmt::format("t{}", i), 1 + i).status, 200u);
    const FlatSnapshot after = whole(*c);
    ASSERT_EQ(after.version, before.version + 1);
    const ServiceReply chain =
        call(*c, "GET", fmt::format("/v1/snapshot?after={}&deltas=1&wait_ms=0", before.version));
    const std::vector<std::string> deltas = unframe_deltas(chain.body).value();
    ASSERT_EQ(deltas.size(), 1u);
    const std::vector<std::byte> expected = encode_delta(diff_snapshots(before, after));
    EXPECT_EQ(deltas[0],
              std::string(reinterpret_cast<const char*>(expected.data()), expected.size()))
        << "version " << after.version;
  }
  const std::string tenants = call(*c, "GET", "/v1/tenants").body;
  const FlatSnapshot last = whole(*c);
  c->shutdown();
  c.reset();
  auto again = control(0);
  EXPECT_EQ(call(*again, "GET", "/v1/tenants").body, tenants);
  const FlatSnapshot read_back = whole(*again);  // the store's base and deltas, materialized
  EXPECT_EQ(read_back.version, last.version);
  EXPECT_EQ(routing_digest(read_back), routing_digest(last));
  // The weights other than 1 (t1's and t2's, ids 2 and 3) are in every state stored since,
  // that of a publication after the restart included.
  ASSERT_EQ(onboard(*again, "later").status, 200u);
  auto reader = open_store(spec(), {.fleet = "blue"}).value();
  const json state = json::parse(reader->read_state(reader->read_pointer()->pointer).value());
  EXPECT_EQ(state["tenants"], json::parse(R"({"2":[2,2],"3":[2,3]})")) << state.dump();
}

// Each removal's delta, made from the tenant removed (a pinned one too), is byte for byte the
// encoded diff of the whole snapshots before and after, digest included; the state and
// snapshot served after equal those of a control plane that loads the store fresh.
TEST_P(ControlOnboardTest, EachRemovalsDeltaIsTheDiffOfTheWholeSnapshots) {
  auto c = control(4);
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(onboard(*c, fmt::format("t{}", i), 1 + i % 2).status, 200u);
  ASSERT_EQ(call(*c, "PUT", "/v1/tenants/t3/pin", R"({"cells":["c0","c2"]})").status, 200u);
  ASSERT_EQ(call(*c, "PUT", "/v1/tenants/t1/pin", R"({"cells":["c1"]})").status, 200u);
  for (const char* name : {"t3", "t0", "t4"}) {  // pinned, the first, the last
    const FlatSnapshot before = whole(*c);
    const ServiceReply r = remove(*c, name);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(version_of(r), before.version + 1);
    const FlatSnapshot after = whole(*c);
    EXPECT_EQ(delta_after(*c, before), diff_of(before, after)) << name;
  }
  EXPECT_EQ(whole(*c).tenant_names.size(), 2u);
  EXPECT_EQ(whole(*c).overrides.size(), 1u);                            // t1's pin stays
  EXPECT_EQ(stored_state()["tenants"], json::parse(R"({"1":[2,2]})"));  // t1's weight
  expect_equal_after_restart(c);
  // The last tenant: the snapshot becomes the empty one a fleet being built has.
  ASSERT_EQ(remove(*c, "t2").status, 200u);
  const FlatSnapshot before = whole(*c);
  ASSERT_EQ(remove(*c, "t1").status, 200u);
  const FlatSnapshot empty = whole(*c);
  EXPECT_TRUE(empty.allow_empty && empty.shards.empty() && empty.overrides.empty());
  EXPECT_EQ(delta_after(*c, before), diff_of(before, empty));
  expect_equal_after_restart(c);
}

// A removal being written is not read: GET /v1/tenants during its publication lists the
// tenant. One the store fails to write, one whose CAS is lost at every attempt, and one that
// finds the leadership lost answer 503 and leave the tenants, the snapshot and the stored
// extras as they were; the next removal then lands on them.
TEST_P(ControlOnboardTest, ARemovalNotStoredLeavesEverythingAsItWas) {
  auto c = control(3);
  ASSERT_EQ(onboard(*c, "t0").status, 200u);
  ASSERT_EQ(onboard(*c, "heavy", 3).status, 200u);
  ASSERT_EQ(call(*c, "PUT", "/v1/tenants/heavy/pin", R"({"cells":["c2"]})").status, 200u);
  const std::string tenants = call(*c, "GET", "/v1/tenants").body;
  const FlatSnapshot snapshot = whole(*c);
  store_->before_publish = [&](const Publication&) {
    EXPECT_EQ(call(*c, "GET", "/v1/tenants").body, tenants);
    return failed_precondition("cannot write: No space left on device");
  };
  const ServiceReply failed = remove(*c, "heavy");
  EXPECT_EQ(failed.status, 503u) << failed.body;
  EXPECT_EQ(call(*c, "GET", "/v1/tenants").body, tenants);
  EXPECT_EQ(whole(*c), snapshot);

  store_->outcomes.assign(8, PublishOutcome::kConflict);  // ControlOptions::publish_attempts
  const ServiceReply moved = remove(*c, "heavy");
  EXPECT_EQ(moved.status, 503u) << moved.body;
  EXPECT_NE(moved.body.find("pointer moved"), std::string::npos) << moved.body;
  EXPECT_EQ(call(*c, "GET", "/v1/tenants").body, tenants);
  EXPECT_EQ(whole(*c), snapshot);

  store_->outcomes = {PublishOutcome::kNotLeader};
  EXPECT_EQ(remove(*c, "heavy").status, 503u);
  EXPECT_EQ(call(*c, "GET", "/v1/tenants").body, tenants);
  EXPECT_EQ(whole(*c), snapshot);
  c->tick();
  ASSERT_TRUE(c->is_leader());

  // heavy's weight is still kept: the next publication stores it.
  ASSERT_EQ(remove(*c, "t0").status, 200u);
  EXPECT_EQ(stored_state()["tenants"], json::parse(R"({"1":[2,3]})"));
  EXPECT_EQ(delta_after(*c, snapshot), diff_of(snapshot, whole(*c)));
  expect_equal_after_restart(c);
}

// Onboarding after a removal uses the kept index, not one rebuilt from the whole state, and
// it has forgotten the tenant: its name is free again and its cells' load is gone (two cells
// of capacity 1, full with one tenant of shard size 2, take the next one only then).
TEST_P(ControlOnboardTest, OnboardingAfterARemovalKeepsTheIndexAndPlacesOnTheLoadsLeft) {
  auto c = control(0);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(
        call(*c, "POST", "/v1/cells",
             fmt::format(R"({{"name":"c{}","endpoint":"127.0.0.1:{}","capacity":1}})", i, 4000 + i))
            .status,
        200u);
  }
  ASSERT_EQ(onboard(*c, "a").status, 200u);
  EXPECT_EQ(onboard(*c, "b").status, 409u);  // above capacity
  const std::uint64_t builds = c->index_builds();
  ASSERT_EQ(remove(*c, "a").status, 200u);
  ASSERT_EQ(onboard(*c, "b").status, 200u);
  EXPECT_EQ(onboard(*c, "c").status, 409u);
  ASSERT_EQ(remove(*c, "b").status, 200u);
  ASSERT_EQ(onboard(*c, "a").status, 200u);  // the name is free again
  EXPECT_EQ(c->index_builds(), builds);
  expect_equal_after_restart(c);
}

// An unknown name is refused 404 naming the field, and nothing is published.
TEST_P(ControlOnboardTest, RemovingAnUnknownTenantIsNotFound) {
  auto c = control(2);
  ASSERT_EQ(onboard(*c, "t0").status, 200u);
  const std::string version = call(*c, "GET", "/v1/version").body;
  const ServiceReply r = remove(*c, "nobody");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(json::parse(r.body),
            json::parse(R"({"error":"no tenant named 'nobody'","field":"tenant"})"));
  EXPECT_EQ(call(*c, "GET", "/v1/version").body, version);
}

INSTANTIATE_TEST_SUITE_P(Stores, ControlOnboardTest, test::both_stores(), test::store_kind_name);

}  // namespace
}  // namespace cellkit::live

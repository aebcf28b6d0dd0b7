// Routers following a store: apply what the control plane publishes, NACK what they refuse
// (never retrying it; a version they could not persist is no refusal), keep their version through a
// store outage and resync after it, catch up across a compaction. etcd is real, started and stopped
// by the test.
#include "cellkit/live/store_follower.h"

#include <atomic>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/control_service.h"
#include "cellkit/live/etcd_client.h"
#include "live/eventually.h"
#include "live/hooked_store.h"
#include "live/report_stamp.h"
#include "live/store_kind.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;

OfferResult refused(std::string reason) {
  return {.verdict = OfferVerdict::kInvalid, .reason = std::move(reason)};
}

// What a router's offer path does with a snapshot: newer only, validated whole.
struct FakeRouter {
  std::atomic<std::uint64_t> version{0};
  std::atomic<int> offers{0};
  std::uint64_t refuse_version = 0;  // answer this one "refused for the test"
  std::atomic<int> unpersisted{0};   // answer this many offers "not persisted"

  OfferFn offer() {
    return [this](FlatSnapshot&& s) -> OfferResult {
      ++offers;
      if (unpersisted > 0) {
        --unpersisted;
        return {.verdict = OfferVerdict::kNotPersisted, .reason = "cannot write the state dir"};
      }
      if (s.version == refuse_version) return refused("refused for the test");
      if (s.version <= version) return refused(fmt::format("version {} is not newer", s.version));
      const std::uint64_t offered = s.version;
      Result<RoutingTable> table = RoutingTable::build(std::move(s));
      if (!table.is_ok()) return refused(table.status().message());
      version = offered;
      return {.verdict = OfferVerdict::kAccepted};
    };
  }
};

using test::eventually;

class StoreFollowerTest : public test::StoreKindTest {
 protected:
  void SetUp() override {
    StoreKindTest::SetUp();
    if (HasFatalFailure()) return;
    control_ = std::make_unique<ControlService>(
        open(), ControlOptions{.address = "127.0.0.1:7000",
                               .placement = {.strategy = Strategy::kRandom, .seed = 1}});
    control_->tick();
    ASSERT_TRUE(control_->is_leader());
  }
  std::unique_ptr<Store> open(std::int64_t lease_seconds = 15) {
    return open_store(spec(), {.fleet = "blue", .timeout = 1000ms, .lease_seconds = lease_seconds})
        .value();
  }
  std::unique_ptr<StoreFollower> follower(FakeRouter& router, const std::string& id,
                                          std::uint64_t booted = 0) {
    return std::make_unique<StoreFollower>(open(), router.offer(),
                                           FollowerOptions{.router_id = id,
                                                           .reread = 2000ms,
                                                           .watch_wait = 300ms,
                                                           .backoff_min = 50ms,
                                                           .backoff_max = 400ms},
                                           booted);
  }
  ServiceReply call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    return control_->handle({.method = method, .target = target, .body = body});
  }
  std::uint64_t add_cell(int i) {
    ServiceReply r = call("POST", "/v1/cells", fmt::format(R"({{"name":"cell-{}"}})", i));
    EXPECT_EQ(r.status, 200u) << r.body;
    return nlohmann_version(r.body);
  }
  static std::uint64_t nlohmann_version(const std::string& body) {
    const std::size_t at = body.find("\"version\":");
    return std::stoull(body.substr(at + 10));
  }
  // Publishes `snapshot` bytes under the next version straight through the store.
  void publish_raw(const std::vector<std::byte>& bytes, std::uint64_t version) {
    auto writer = open();
    control_->shutdown();  // hand the leadership to the raw writer
    ASSERT_TRUE(writer->campaign("raw")->leader);
    const PointerRead read = writer->read_pointer().value();
    ASSERT_EQ(writer
                  ->publish({.version = version, .snapshot = bytes, .state = "{}", .writer = "raw"},
                            read.revision)
                  .value(),
              PublishOutcome::kPublished);
  }

  std::unique_ptr<ControlService> control_;
};

TEST_P(StoreFollowerTest, BothRoutersApplyWhatTheControlPlanePublishesAndSayIt) {
  FakeRouter a;
  FakeRouter b;
  auto fa = follower(a, "router-a");
  auto fb = follower(b, "router-b");
  fa->start();
  fb->start();
  add_cell(0);
  const std::uint64_t v = add_cell(1);
  EXPECT_TRUE(eventually([&] { return a.version == v && b.version == v; }));
  EXPECT_TRUE(eventually([&] {
    const std::string body = call("GET", "/v1/routers").body;
    return body.find(fmt::format(
               R"("applied":{},"reason":"","rejected":0,"rejected_as":"","router":"router-b")",
               v)) != std::string::npos;
  })) << call("GET", "/v1/routers").body;
  EXPECT_TRUE(fa->status().connected);
  EXPECT_EQ(fa->status().stale_since_ms, 0);
}

TEST_P(StoreFollowerTest, ARefusedVersionIsNackedOnceAndNeverRetried) {
  FakeRouter router;
  router.refuse_version = 2;
  auto f = follower(router, "r1");
  add_cell(0);
  ASSERT_TRUE(f->sync().is_ok());
  EXPECT_EQ(router.version, 1u);
  add_cell(1);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(f->sync().is_ok());
  EXPECT_EQ(router.offers, 2);  // version 2 offered once
  EXPECT_EQ(f->status().rejected, 2u);
  EXPECT_EQ(f->status().reason, "version 2: refused for the test");
  EXPECT_NE(call("GET", "/v1/routers").body.find("version 2: refused for the test"),
            std::string::npos);
  add_cell(2);
  ASSERT_TRUE(f->sync().is_ok());
  EXPECT_EQ(router.version, 3u);
}

TEST_P(StoreFollowerTest, AVersionTheRouterCouldNotPersistIsNotNackedAndIsOfferedAgain) {
  FakeRouter router;
  router.unpersisted = 1;  // the first offer cannot be persisted, the second is served
  auto f = follower(router, "r1");
  add_cell(0);
  for (const std::uint64_t served : {std::uint64_t{0}, std::uint64_t{1}}) {
    ASSERT_TRUE(f->sync().is_ok());
    EXPECT_EQ(router.version, served);
    EXPECT_EQ(f->status().applied, served);
    EXPECT_EQ(f->status().rejected, 0u);
  }
  EXPECT_EQ(router.offers, 2);
}

TEST_P(StoreFollowerTest, CorruptOlderAndInvalidSnapshotsAreNackedAndTheLastGoodOneKept) {
  FakeRouter router;
  auto f = follower(router, "r1", /*booted=*/0);
  add_cell(0);
  ASSERT_TRUE(f->sync().is_ok());
  ASSERT_EQ(router.version, 1u);
  // Invalid: a shard naming a cell the snapshot does not list.
  RoutingSnapshot invalid{
      .version = 2, .cells = {CellId{0}}, .shards = {{TenantId{0}, {CellId{5}}}}};
  publish_raw(encode_snapshot(invalid), 2);
  ASSERT_TRUE(f->sync().is_ok());
  EXPECT_EQ(router.version, 1u);
  EXPECT_EQ(f->status().rejected, 2u);
  EXPECT_NE(f->status().reason.find("version 2: "), std::string::npos);
  EXPECT_NE(f->status().reason.find("5"), std::string::npos) << f->status().reason;
  // Corrupt: bytes that are not a snapshot (their hash matches; the codec refuses them).
  std::vector<std::byte> garbage(40, std::byte{7});
  publish_raw(garbage, 3);
  ASSERT_TRUE(f->sync().is_ok());
  EXPECT_EQ(f->status().rejected, 3u);
  EXPECT_EQ(router.version, 1u);
  // Older than what a router booted with.
  FakeRouter booted;
  booted.version = 7;
  auto g = follower(booted, "r2", /*booted=*/7);
  ASSERT_TRUE(g->sync().is_ok());
  EXPECT_EQ(g->status().reason, "version 3 is older than the version served (7)");
  EXPECT_EQ(booted.offers, 0);
}

TEST_P(StoreFollowerTest, StopEndsAWatchInFlightWithoutWaitingForIt) {
  FakeRouter router;
  StoreFollower f(open(), router.offer(),
                  {.router_id = "r1", .reread = 60000ms, .watch_wait = 60000ms}, 0);
  add_cell(0);
  f.start();
  ASSERT_TRUE(eventually([&] { return router.version == 1 && f.status().syncs >= 1; }));
  std::this_thread::sleep_for(200ms);  // well into its 60 s watch
  const auto start = std::chrono::steady_clock::now();
  f.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_P(StoreFollowerTest, AnUnchangedReportIsNotRewrittenButOutlivesItsLease) {
  FakeRouter router;
  StoreFollower f(open(/*lease_seconds=*/2), router.offer(), {.router_id = "r1"}, 0);
  add_cell(0);
  ASSERT_TRUE(f.sync().is_ok());
  const std::int64_t written = test::report_stamp(spec(), "blue", "r1");
  ASSERT_NE(written, -1);
  // Syncs that change nothing, for one and a half leases: the record stays, never rewritten.
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(500ms);
    ASSERT_TRUE(f.sync().is_ok());
  }
  EXPECT_EQ(test::report_stamp(spec(), "blue", "r1"), written);
  const std::string body = call("GET", "/v1/routers").body;
  EXPECT_NE(body.find(R"("applied":1,"reason":"","rejected":0,"rejected_as":"","router":"r1")"),
            std::string::npos)
      << body;
  // A new version changes what it says: written again.
  add_cell(1);
  ASSERT_TRUE(f.sync().is_ok());
  EXPECT_NE(test::report_stamp(spec(), "blue", "r1"), written);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreFollowerTest, test::both_stores(), test::store_kind_name);

// A store that reads but refuses six watches, takes one, refuses two more, then takes them
// all. The follower waits after each refusal (the waits recorded, not slept): a draw in
// [bound / 2, bound], the bound doubling from 100 ms up to 800 ms, and back to 100 ms after
// the watch that worked; none after a watch that worked.
TEST(StoreFollowerBackoff, AFailedWatchBacksOffJitteredDoublingCappedAndAWatchThatWorksResetsIt) {
  test::TempDir dir;
  auto hooked = std::make_unique<test::HookedStore>(
      open_store("file:" + dir.path().string(), {.fleet = "blue"}).value());
  test::HookedStore& store = *hooked;
  store.failing_watches = {true, true, true, true, true, true, false, true, true};
  std::mutex mutex;
  std::vector<std::chrono::milliseconds> waits;
  FakeRouter router;
  StoreFollower f(std::move(hooked), router.offer(),
                  {.router_id = "r1",
                   .watch_wait = 20ms,
                   .backoff_min = 100ms,
                   .backoff_max = 800ms,
                   .seed = 7,
                   .backoff_sleep =
                       [&](std::chrono::milliseconds d) {
                         std::lock_guard lock(mutex);
                         waits.push_back(d);
                       }},
                  0);
  f.start();
  ASSERT_TRUE(eventually([&] { return store.watches >= 11; }));
  f.stop();
  std::lock_guard lock(mutex);
  const std::vector<std::int64_t> bounds = {100, 200, 400, 800, 800, 800, 100, 200};
  ASSERT_EQ(waits.size(), bounds.size());
  bool jittered = false;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    EXPECT_GE(waits[i].count(), bounds[i] / 2) << "wait " << i;
    EXPECT_LE(waits[i].count(), bounds[i]) << "wait " << i;
    jittered = jittered || waits[i].count() != bounds[i];
  }
  EXPECT_TRUE(jittered);
}

TEST(EtcdFollower, KeepsItsVersionWhileEtcdIsDownSaysStaleAndResyncsOnReturn) {
  test::EtcdProcess etcd;
  ASSERT_TRUE(etcd.start().is_ok());
  auto control = std::make_unique<ControlService>(
      open_store(etcd.store_spec(), {.fleet = "blue", .timeout = 500ms}).value(),
      ControlOptions{.address = "cp", .placement = {.strategy = Strategy::kRandom}});
  control->tick();
  ASSERT_EQ(
      control->handle({.method = "POST", .target = "/v1/cells", .body = R"({"name":"a"})"}).status,
      200u);
  FakeRouter router;
  StoreFollower f(open_store(etcd.store_spec(), {.fleet = "blue", .timeout = 500ms}).value(),
                  router.offer(),
                  {.router_id = "r1",
                   .reread = 1000ms,
                   .watch_wait = 300ms,
                   .backoff_min = 50ms,
                   .backoff_max = 300ms},
                  0);
  f.start();
  ASSERT_TRUE(eventually([&] { return router.version == 1; }));
  etcd.kill();
  EXPECT_TRUE(eventually([&] { return !f.status().connected; }));
  EXPECT_GT(f.status().stale_since_ms, 0);
  EXPECT_EQ(router.version, 1u);  // still serving
  ASSERT_TRUE(etcd.start().is_ok());
  EXPECT_TRUE(eventually([&] { return f.status().connected; }));
  control->tick();
  ASSERT_EQ(
      control->handle({.method = "POST", .target = "/v1/cells", .body = R"({"name":"b"})"}).status,
      200u);
  EXPECT_TRUE(eventually([&] { return router.version == 2; }));
}

TEST(EtcdFollower, ARouterThatMissedACompactionCatchesUpToTheLatestVersion) {
  test::EtcdProcess etcd;
  ASSERT_TRUE(etcd.start().is_ok());
  auto control = std::make_unique<ControlService>(
      open_store(etcd.store_spec(), {.fleet = "blue"}).value(),
      ControlOptions{.address = "cp", .placement = {.strategy = Strategy::kRandom}});
  control->tick();
  FakeRouter router;
  StoreFollower f(open_store(etcd.store_spec(), {.fleet = "blue"}).value(), router.offer(),
                  {.router_id = "r1", .reread = 60000ms, .watch_wait = 300ms}, 0);
  ASSERT_EQ(
      control->handle({.method = "POST", .target = "/v1/cells", .body = R"({"name":"a"})"}).status,
      200u);
  ASSERT_TRUE(f.sync().is_ok());
  ASSERT_EQ(router.version, 1u);
  for (const char* name : {"b", "c", "d"}) {
    ASSERT_EQ(control
                  ->handle({.method = "POST",
                            .target = "/v1/cells",
                            .body = fmt::format(R"({{"name":"{}"}})", name)})
                  .status,
              200u);
  }
  EtcdClient etcd_client(parse_http_url(etcd.url()).value(), 2000ms);
  const std::int64_t head = etcd_client.range("/").value().revision;
  ASSERT_TRUE(etcd_client.compact(head).is_ok());
  // Its watch from the old revision is cancelled by the compaction; that is a Sync too.
  f.start();
  EXPECT_TRUE(eventually([&] { return router.version == 4; }));
}

}  // namespace
}  // namespace cellkit::live

namespace cellkit::live {
namespace {

// etcd: the pointer's watch starts from now, not from the read's revision (the router's own
// report has moved the store past it, and etcd would serve a watch from its past only on its
// 100 ms catch-up loop); a change made between the read and the watch still ends it at once.
class EtcdPointerWatch : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(etcd_.start().is_ok());
    control_ = std::make_unique<ControlService>(
        open(), ControlOptions{.address = "cp", .placement = {.strategy = Strategy::kRandom}});
    control_->tick();
    add_cell("a");
  }
  std::unique_ptr<Store> open() {
    return open_store(etcd_.store_spec(), {.fleet = "blue", .timeout = 1000ms}).value();
  }
  void add_cell(const std::string& name) {
    const ServiceReply r = control_->handle(
        {.method = "POST", .target = "/v1/cells", .body = fmt::format(R"({{"name":"{}"}})", name)});
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  static std::chrono::steady_clock::time_point in(std::chrono::milliseconds d) {
    return std::chrono::steady_clock::now() + d;
  }

  test::EtcdProcess etcd_;
  std::unique_ptr<ControlService> control_;
};

TEST_F(EtcdPointerWatch, AChangeBetweenTheReadAndTheWatchEndsItAtOnce) {
  auto store = open();
  const PointerRead read = store->read_pointer().value();
  add_cell("b");  // the pointer moves before the watch exists
  EXPECT_EQ(store->watch_pointer(read.store_revision, in(10000ms)).value(), WatchEnd::kChanged);
}

TEST_F(EtcdPointerWatch, AWriteThatIsNotThePointerDoesNotEndIt) {
  auto store = open();
  const PointerRead read = store->read_pointer().value();
  ASSERT_TRUE(store->report({.router = "r1", .applied = read.pointer.version}).is_ok());
  EXPECT_GT(store->read_pointer()->store_revision, read.store_revision);
  EXPECT_EQ(store->watch_pointer(read.store_revision, in(300ms)).value(), WatchEnd::kDeadline);
}

TEST_F(EtcdPointerWatch, AChangeWhileItWaitsEndsIt) {
  auto store = open();
  const PointerRead read = store->read_pointer().value();
  std::thread change([&] {
    std::this_thread::sleep_for(300ms);
    add_cell("b");
  });
  EXPECT_EQ(store->watch_pointer(read.store_revision, in(10000ms)).value(), WatchEnd::kChanged);
  change.join();
}

}  // namespace
}  // namespace cellkit::live

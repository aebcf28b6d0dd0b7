// Both stores hold delta chains (decision 0009): a publication with a delta is stored as
// that delta appended to the pointer's chain (format 2) while it has room; the whole
// snapshot still reads back (base + chain); routers following the store read only the
// deltas after their version; the control plane compacts the chain into a new base by CAS
// without losing a version. etcd is real, started by the test.
#include <atomic>
#include <future>
#include <optional>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cellkit/core/delta_codec.h"
#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/control_service.h"
#include "cellkit/live/snapshot_holder.h"
#include "cellkit/live/store.h"
#include "cellkit/live/store_follower.h"
#include "live/hooked_store.h"
#include "live/store_kind.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;

std::string as_string(const std::vector<std::byte>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The snapshot of `tenants` tenants on two cells, at `version`.
FlatSnapshot fleet(std::uint64_t version, std::uint32_t tenants) {
  FlatSnapshot s{.version = version, .cells = {CellId{0}, CellId{1}}};
  for (std::uint32_t t = 0; t < tenants; ++t)
    s.shards.add(TenantId{t}, std::vector{CellId{t % 2}});
  return s;
}

TEST(StorePointer, AChainedPointerRoundTripsAndABrokenChainIsNamed) {
  Pointer p{.version = 5,
            .snapshot = {.sha256 = "aa", .parts = 1, .bytes = 10},
            .state = {.sha256 = "bb", .parts = 1, .bytes = 2},
            .writer = "cp",
            .base_version = 3,
            .deltas = {{4, {.sha256 = "cc", .parts = 1, .bytes = 3}},
                       {5, {.sha256 = "dd", .parts = 1, .bytes = 4}}}};
  EXPECT_EQ(parse_pointer(pointer_json(p)).value(), p);
  p.deltas[1].version = 6;
  EXPECT_EQ(parse_pointer(pointer_json(p)).status().message(),
            "pointer.deltas[1]: version 6 does not follow version 4");
}

TEST(StorePointer, ARebaseKeepsTheDeltasAfterTheNewBaseAndOnlyMovesItForward) {
  Pointer p{.version = 5,
            .snapshot = {.sha256 = "aa", .parts = 1, .bytes = 10},
            .writer = "cp",
            .base_version = 2,
            .deltas = {{3, {.sha256 = "c3", .parts = 1, .bytes = 3}},
                       {4, {.sha256 = "c4", .parts = 1, .bytes = 3}},
                       {5, {.sha256 = "c5", .parts = 1, .bytes = 3}}}};
  const BlobRef base{.sha256 = "bb", .parts = 2, .bytes = 20};
  const std::optional<Pointer> at_4 = rebased_pointer(p, 4, base);
  ASSERT_TRUE(at_4.has_value());
  EXPECT_EQ(at_4->version, 5u);
  EXPECT_EQ(at_4->base(), 4u);
  EXPECT_EQ(at_4->snapshot, base);
  ASSERT_EQ(at_4->deltas.size(), 1u);
  EXPECT_EQ(at_4->deltas[0], p.deltas[2]);
  const std::optional<Pointer> at_5 = rebased_pointer(p, 5, base);
  ASSERT_TRUE(at_5.has_value());
  EXPECT_TRUE(at_5->deltas.empty());
  EXPECT_EQ(at_5->base(), 5u);
  EXPECT_FALSE(rebased_pointer(p, 2, base).has_value());  // the base it has
  EXPECT_FALSE(rebased_pointer(p, 6, base).has_value());  // not published yet
}

TEST(StorePointer, AFullChainStartsANewBase) {
  Publication pub{.version = 2, .snapshot = encode_snapshot(fleet(2, 3))};
  pub.delta = encode_delta(diff_snapshots(fleet(1, 2), fleet(2, 3)));
  Pointer parent{.version = 1, .snapshot = {.sha256 = "aa", .parts = 1, .bytes = 10}};
  EXPECT_EQ(next_pointer(pub, parent).deltas.size(), 1u);
  EXPECT_EQ(next_pointer(pub, parent).base(), 1u);
  parent.base_version = 0;
  for (std::uint64_t v = 1; v <= kChainLinks; ++v)
    parent.deltas.push_back({v, {.sha256 = "cc", .parts = 1, .bytes = 10}});
  parent.version = kChainLinks;
  pub.version = kChainLinks + 1;
  const Pointer next = next_pointer(pub, parent);
  EXPECT_TRUE(next.deltas.empty());
  EXPECT_EQ(next.snapshot.bytes, pub.snapshot.size());
}

using test::HookedStore;

class StoreDeltaTest : public test::StoreKindTest {
 protected:
  std::unique_ptr<Store> open() {
    return open_store(spec(), {.fleet = "blue", .timeout = 2000ms}).value();
  }
  // Publishes fleet(version, tenants) with its delta from the published one.
  void publish(Store& store, std::uint64_t version, std::uint32_t tenants) {
    const PointerRead read = store.read_pointer().value();
    Publication pub{.version = version,
                    .snapshot = encode_snapshot(fleet(version, tenants)),
                    .state = fmt::format(R"({{"v":{}}})", version),
                    .writer = "cp",
                    .parent = read.pointer};
    if (version > 1) {
      pub.delta =
          encode_delta(diff_snapshots(fleet(version - 1, tenants - 1), fleet(version, tenants)));
    }
    ASSERT_EQ(store.publish(pub, read.revision).value(), PublishOutcome::kPublished);
  }
  std::unique_ptr<ControlService> control(std::size_t compact_after = 16,
                                          std::unique_ptr<Store> store = nullptr) {
    auto s = std::make_unique<ControlService>(
        store ? std::move(store) : open(),
        ControlOptions{.address = "127.0.0.1:7000",
                       .placement = {.strategy = Strategy::kRandom, .seed = 2},
                       .keep_versions = 2,
                       .compact_after = compact_after});
    s->tick();
    EXPECT_TRUE(s->is_leader());
    return s;
  }
  static void onboard(ControlService& c, const std::string& name) {
    const ServiceReply r =
        c.handle({.method = "POST",
                  .target = "/v1/tenants",
                  .body = fmt::format(R"({{"name":"{}","shard_size":1}})", name)});
    ASSERT_EQ(r.status, 200u) << r.body;
  }
};

TEST_P(StoreDeltaTest, APublicationWithADeltaIsChainedAndTheWholeSnapshotStillReadsBack) {
  auto store = open();
  ASSERT_TRUE(store->campaign("cp")->leader);
  for (std::uint64_t v = 1; v <= 3; ++v)
    publish(*store, v, static_cast<std::uint32_t>(v + 1));
  const Pointer p = open()->read_pointer()->pointer;
  EXPECT_EQ(p.version, 3u);
  EXPECT_EQ(p.base(), 1u);
  ASSERT_EQ(p.deltas.size(), 2u);
  EXPECT_EQ(open()->read_snapshot(p).value(), as_string(encode_snapshot(fleet(3, 4))));
  const std::vector<std::string> after_2 = open()->read_deltas(p, 2).value();
  ASSERT_EQ(after_2.size(), 1u);
  EXPECT_EQ(after_2[0], as_string(encode_delta(diff_snapshots(fleet(2, 3), fleet(3, 4)))));
  EXPECT_EQ(open()->read_deltas(p, 1).value().size(), 2u);
  EXPECT_TRUE(open()->read_deltas(p, 0).value().empty());  // behind the base: read it whole
}

// A rebase onto the pointer's own version leaves it naming no routing blob of that version;
// its state still reads back (in the file store, from the publication file the pointer
// keeps naming).
TEST_P(StoreDeltaTest, AfterARebaseOntoItsOwnVersionItsStateStillReadsBack) {
  auto store = open();
  ASSERT_TRUE(store->campaign("cp")->leader);
  publish(*store, 1, 2);
  publish(*store, 2, 3);
  const PointerRead read = store->read_pointer().value();
  ASSERT_EQ(read.pointer.deltas.size(), 1u);
  const std::vector<std::byte> whole = encode_snapshot(fleet(2, 3));
  const BlobRef base = store->write_base(2, whole).value();
  ASSERT_EQ(store->rebase(read.pointer, 2, base, read.revision).value(),
            PublishOutcome::kPublished);
  const Pointer p = open()->read_pointer()->pointer;
  EXPECT_TRUE(p.deltas.empty());
  EXPECT_EQ(open()->read_snapshot(p).value(), as_string(whole));
  EXPECT_EQ(open()->read_state(p).value(), R"({"v":2})");
}

TEST_P(StoreDeltaTest, ARouterFollowingTheStoreReadsOnlyTheDeltasAfterItsVersion) {
  auto c = control();
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(c->handle({.method = "POST",
                         .target = "/v1/cells",
                         .body = fmt::format(R"({{"name":"c{}","endpoint":"127.0.0.1:{}"}})", i,
                                             5000 + i)})
                  .status,
              200u);
  }
  onboard(*c, "first");
  test::TempDir state;
  SnapshotHolder holder(state.path().string());
  StoreFollower follower(
      open(), [&](FlatSnapshot&& s) { return holder.offer(std::move(s)); },
      FollowerOptions{.router_id = "r"}, 0,
      [&](std::vector<RoutingDelta>&& chain) { return holder.offer_deltas(std::move(chain)); });
  ASSERT_TRUE(follower.sync().is_ok());
  onboard(*c, "second");
  onboard(*c, "third");
  ASSERT_TRUE(follower.sync().is_ok());
  EXPECT_EQ(follower.status().by_delta, 1u);
  const Pointer p = open()->read_pointer()->pointer;
  EXPECT_EQ(follower.status().applied, p.version);
  const std::string whole = open()->read_snapshot(p).value();
  EXPECT_EQ(holder.table()->flat(),
            RoutingTable::build(
                decode_flat_snapshot(std::as_bytes(std::span(whole.data(), whole.size()))).value())
                .value()
                .flat());
}

// Onboardings publish while ticks compact the chain: every version is published once, in
// order, and the last one reads back with every tenant.
TEST_P(StoreDeltaTest, TheChainIsCompactedIntoANewBaseWithoutLosingAVersion) {
  auto c = control();
  ASSERT_EQ(c->handle({.method = "POST", .target = "/v1/cells", .body = R"({"name":"c0"})"}).status,
            200u);
  std::atomic<bool> done{false};
  std::thread ticks([&] {
    for (int i = 0; i < 400 && !done; ++i) {
      c->tick();
      std::this_thread::sleep_for(5ms);
    }
  });
  constexpr int kTenants = 2 * 16 + 3;  // twice the default compact_after, and some
  for (int i = 0; i < kTenants; ++i)
    onboard(*c, fmt::format("t{}", i));
  done = true;
  ticks.join();
  c->tick();  // compacts what is left over the bound
  const PointerRead read = open()->read_pointer().value();
  EXPECT_EQ(read.pointer.version, static_cast<std::uint64_t>(kTenants + 1));
  EXPECT_LT(read.pointer.deltas.size(), 16u);
  const std::string whole = open()->read_snapshot(read.pointer).value();
  const FlatSnapshot snapshot =
      decode_flat_snapshot(std::as_bytes(std::span(whole.data(), whole.size()))).value();
  EXPECT_EQ(snapshot.version, read.pointer.version);
  EXPECT_EQ(snapshot.shards.size(), static_cast<std::size_t>(kTenants));
}

TEST_P(StoreDeltaTest, PruningKeepsThePointersBaseAndEveryDeltaAfterIt) {
  auto c = control(/*compact_after=*/100);
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(c->handle({.method = "POST",
                         .target = "/v1/cells",
                         .body = fmt::format(R"({{"name":"c{}"}})", i)})
                  .status,
              200u);
  }
  c->tick();  // keep_versions 2 would keep 5 and 6 only
  EXPECT_EQ(open()->stored_versions().value(), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
  const Pointer p = open()->read_pointer()->pointer;
  EXPECT_EQ(p.base(), 1u);
  EXPECT_TRUE(open()->read_snapshot(p).is_ok());
}

// A router reads the pointer, then the leader compacts the chain into a new base and
// prunes the old one before the router reads it: the missing blob is not corruption (the
// pointer moved), so the router NACKs nothing and takes the new base on its next sync.
TEST_P(StoreDeltaTest, ABaseCompactedAndPrunedWhileARouterReadsItIsNotNacked) {
  auto c = control(/*compact_after=*/2);
  ASSERT_EQ(c->handle({.method = "POST", .target = "/v1/cells", .body = R"({"name":"c0"})"}).status,
            200u);
  for (int i = 0; i < 3; ++i)
    onboard(*c, fmt::format("t{}", i));
  const Pointer before = open()->read_pointer()->pointer;
  ASSERT_EQ(before.base(), 1u);
  ASSERT_EQ(before.deltas.size(), 3u);
  test::TempDir state;
  SnapshotHolder holder(state.path().string());
  auto hooked = std::make_unique<HookedStore>(open());
  hooked->before_snapshot = [&] { c->tick(); };  // compacts into base 4, prunes 1 and 2
  StoreFollower follower(
      std::move(hooked), [&](FlatSnapshot&& s) { return holder.offer(std::move(s)); },
      FollowerOptions{.router_id = "r"}, 0,
      [&](std::vector<RoutingDelta>&& chain) { return holder.offer_deltas(std::move(chain)); });
  ASSERT_TRUE(follower.sync().is_ok());
  ASSERT_EQ(open()->read_pointer()->pointer.base(), 4u);
  EXPECT_EQ(open()->read_snapshot(before).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(follower.status().rejected, 0u);
  ASSERT_TRUE(follower.sync().is_ok());
  EXPECT_EQ(follower.status().applied, 4u);
  EXPECT_EQ(holder.table()->version(), 4u);
}

// The base is written with the control plane's store lock released: an onboarding during
// the write publishes at once, and the compaction's CAS keeps its delta after the new base.
TEST_P(StoreDeltaTest, AnOnboardingWhileTheBaseIsWrittenPublishesAndIsKeptAfterTheNewBase) {
  auto hooked = std::make_unique<HookedStore>(open());
  HookedStore& store = *hooked;
  auto c = control(/*compact_after=*/2, std::move(hooked));
  ASSERT_EQ(c->handle({.method = "POST", .target = "/v1/cells", .body = R"({"name":"c0"})"}).status,
            200u);
  for (int i = 0; i < 2; ++i)
    onboard(*c, fmt::format("t{}", i));
  ASSERT_EQ(open()->read_pointer()->pointer.version, 3u);
  std::future<void> during;
  store.during_write_base = [&] {
    during = std::async(std::launch::async, [&] { onboard(*c, "during"); });
    // Bounded: with the lock held the onboarding would wait for the write, never end first.
    EXPECT_EQ(during.wait_for(10s), std::future_status::ready)
        << "an onboarding waited for the base being written";
  };
  c->tick();
  during.wait();
  const Pointer p = open()->read_pointer()->pointer;
  EXPECT_EQ(p.version, 4u);
  EXPECT_EQ(p.base(), 3u);
  ASSERT_EQ(p.deltas.size(), 1u);
  EXPECT_EQ(p.deltas[0].version, 4u);
  const std::string whole = open()->read_snapshot(p).value();
  EXPECT_EQ(decode_flat_snapshot(std::as_bytes(std::span(whole.data(), whole.size())))
                .value()
                .shards.size(),
            3u);
}

// A router whose table at version 1 is not the store's (booted from a mapping of its own)
// cannot apply the store's delta to version 2: that delta is NACKed by its own version and
// reason, and never offered again; the router still reaches the pointer's version through
// the whole snapshot, and later deltas apply to it.
TEST_P(StoreDeltaTest, ADeltaThatDoesNotApplyIsNackedOnItsOwnAndTheWholeSnapshotApplies) {
  auto store = open();
  ASSERT_TRUE(store->campaign("cp")->leader);
  for (std::uint64_t v = 1; v <= 3; ++v)
    publish(*store, v, static_cast<std::uint32_t>(v + 1));
  test::TempDir state;
  SnapshotHolder holder(state.path().string());
  FlatSnapshot own{.version = 1, .cells = {CellId{0}, CellId{1}}};
  own.shards.add(TenantId{0}, std::vector{CellId{1}});  // the store's fleet(1, 2) has cell 0
  own.shards.add(TenantId{1}, std::vector{CellId{1}});
  ASSERT_TRUE(holder.offer(std::move(own)).accepted());
  StoreFollower follower(
      open(), [&](FlatSnapshot&& s) { return holder.offer(std::move(s)); },
      FollowerOptions{.router_id = "r"}, 1,
      [&](std::vector<RoutingDelta>&& chain) { return holder.offer_deltas(std::move(chain)); });
  ASSERT_TRUE(follower.sync().is_ok());
  const FollowerStatus s = follower.status();
  EXPECT_EQ(s.applied, 3u);
  EXPECT_EQ(holder.table()->flat(), fleet(3, 4));
  EXPECT_EQ(s.rejected, 2u);
  EXPECT_THAT(s.reason, ::testing::StartsWith("version 2 as a delta does not apply to version 1: "
                                              "delta to version 2: the result's digest"));
  EXPECT_EQ(s.fallbacks, 1u);
  const std::vector<RouterReport> reports = open()->reports().value();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].applied, 3u);
  EXPECT_EQ(reports[0].rejected, 2u);
  EXPECT_EQ(reports[0].reason, s.reason);
  EXPECT_EQ(reports[0].rejected_as, "delta");  // version 3, served, was not refused
  publish(*store, 4, 5);
  ASSERT_TRUE(follower.sync().is_ok());
  EXPECT_EQ(follower.status().applied, 4u);
  EXPECT_EQ(follower.status().by_delta, 1u);
  EXPECT_EQ(follower.status().rejected, 2u);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreDeltaTest, test::both_stores(), test::store_kind_name);

}  // namespace
}  // namespace cellkit::live

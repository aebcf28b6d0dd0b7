#include "cellkit/live/snapshot_holder.h"

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "cellkit/core/routing_delta.h"
#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/delta_log.h"
#include "cellkit/live/snapshot_file.h"

namespace cellkit::live {
namespace {

namespace fs = std::filesystem;

RoutingSnapshot snapshot(std::uint64_t version, std::uint32_t tenants = 3) {
  RoutingSnapshot s{.version = version, .cells = {CellId{0}, CellId{1}}};
  s.addresses = {{CellId{0}, "cell-0", "127.0.0.1:4000"}, {CellId{1}, "cell-1", "127.0.0.1:4001"}};
  for (std::uint32_t t = 0; t < tenants; ++t) {
    s.shards.push_back({TenantId{t}, {CellId{t % 2}, CellId{(t + 1) % 2}}});
    s.tenant_names.push_back({TenantId{t}, "tenant-" + std::to_string(t)});
  }
  return s;
}

class Holder : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cellkit-holder-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(Holder, NotReadyUntilASnapshotIsAccepted) {
  SnapshotHolder holder;
  EXPECT_FALSE(holder.ready());
  EXPECT_EQ(holder.table()->version(), 0u);
  const OfferResult r = holder.offer(snapshot(3));
  EXPECT_TRUE(r.accepted()) << r.reason;
  EXPECT_TRUE(holder.ready());
  EXPECT_EQ(holder.table()->version(), 3u);
  EXPECT_EQ(holder.table()->find_tenant("tenant-2"), TenantId{2});
}

TEST_F(Holder, RefusesOlderInvalidEmptyAndCorruptSnapshotsWholeAndKeepsTheServedOne) {
  SnapshotHolder holder;
  ASSERT_TRUE(holder.offer(snapshot(5)).accepted());
  const auto served = holder.table();

  OfferResult older = holder.offer(snapshot(5));
  EXPECT_EQ(older.verdict, OfferVerdict::kNotNewer);
  EXPECT_EQ(http_status(older.verdict), 409);
  EXPECT_EQ(older.reason, "version 5 is not newer than the served version 5");

  RoutingSnapshot bad = snapshot(6);
  bad.shards.back().second.push_back(CellId{9});
  OfferResult invalid = holder.offer(bad);
  EXPECT_EQ(invalid.verdict, OfferVerdict::kInvalid);
  EXPECT_EQ(http_status(invalid.verdict), 422);
  EXPECT_EQ(invalid.reason, "version 6 is invalid: shard of tenant 2 names unknown cell 9");

  OfferResult empty = holder.offer(snapshot(7, 0));
  EXPECT_EQ(empty.reason,
            "version 7 is invalid: snapshot lists no tenant (a snapshot meant to be empty says "
            "allow_empty)");

  auto bytes = encode_snapshot(snapshot(8));
  bytes[20] ^= std::byte{4};
  OfferResult corrupt = holder.offer_bytes(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "PUT");
  EXPECT_EQ(corrupt.verdict, OfferVerdict::kInvalid);
  EXPECT_EQ(corrupt.reason, "PUT: snapshot checksum does not match its contents: it is corrupt");

  EXPECT_EQ(holder.table(), served);  // the very same table object
  EXPECT_EQ(holder.rejected(), 4u);
  EXPECT_EQ(holder.last_rejection(), corrupt.reason);
}

TEST_F(Holder, PersistsEveryAcceptedSnapshotAndRestoresItAfterARestart) {
  {
    SnapshotHolder holder(dir_.string());
    EXPECT_EQ(holder.restore().value(), false);  // nothing persisted yet
    ASSERT_TRUE(holder.offer(snapshot(4)).accepted());
    ASSERT_TRUE(holder.offer(snapshot(9)).accepted());
    EXPECT_FALSE(holder.offer(snapshot(8)).accepted());
  }
  EXPECT_EQ(load_snapshot_file((dir_ / "routing.snapshot").string()).value(), snapshot(9));
  EXPECT_FALSE(fs::exists(dir_ / "routing.snapshot.tmp"));
  SnapshotHolder restarted(dir_.string());
  EXPECT_EQ(restarted.restore().value(), true);
  EXPECT_TRUE(restarted.ready());
  EXPECT_EQ(restarted.table()->version(), 9u);
}

TEST_F(Holder, ACorruptPersistedSnapshotIsReportedAndNotServed) {
  std::ofstream(dir_ / "routing.snapshot", std::ios::binary) << "CKSNAP02 torn write";
  SnapshotHolder holder(dir_.string());
  Result<bool> restored = holder.restore();
  ASSERT_FALSE(restored.is_ok());
  EXPECT_NE(restored.status().message().find("routing.snapshot: snapshot checksum"),
            std::string::npos);
  EXPECT_FALSE(holder.ready());
}

TEST_F(Holder, ASnapshotThatCannotBePersistedIsNotServed) {
  SnapshotHolder holder((dir_ / "missing-dir").string());
  const OfferResult r = holder.offer(snapshot(2));
  EXPECT_EQ(r.verdict, OfferVerdict::kNotPersisted);
  EXPECT_EQ(http_status(r.verdict), 500);
  EXPECT_FALSE(holder.ready());
}

FlatSnapshot flat(std::uint64_t version, std::uint32_t tenants) {
  return RoutingTable::build(snapshot(version, tenants)).value().flat();
}

// A chain whose log append failed was not served: its digest is not the served table's,
// so the next chain, after a different whole snapshot of its version, still applies.
TEST_F(Holder, AChainThatWasNotPersistedLeavesNoDigestBehind) {
  SnapshotHolder holder(dir_.string());
  ASSERT_TRUE(holder.offer(snapshot(1, 3)).accepted());
  const fs::path log = holder.persisted_path() + ".deltas";
  fs::create_directories(log);  // a directory where the log goes: the append fails
  std::vector<RoutingDelta> lost{diff_snapshots(flat(1, 3), flat(2, 4))};
  ASSERT_EQ(holder.offer_deltas(std::move(lost)).verdict, OfferVerdict::kNotPersisted);
  fs::remove_all(log);
  ASSERT_TRUE(holder.offer(snapshot(2, 5)).accepted());
  std::vector<RoutingDelta> next{diff_snapshots(flat(2, 5), flat(3, 6))};
  const OfferResult r = holder.offer_deltas(std::move(next));
  EXPECT_EQ(r.verdict, OfferVerdict::kAccepted) << r.reason;
  EXPECT_EQ(holder.table()->flat(), flat(3, 6));
}

// A chain read after another version than the served one (a table PUT meanwhile) is
// kNotParent, 409: nothing changes, and no delta is at fault, so it is no refusal.
TEST_F(Holder, AChainAfterAnotherVersionThanTheServedOneIsNotParentAndChangesNothing) {
  SnapshotHolder holder;
  ASSERT_TRUE(holder.offer(snapshot(5, 3)).accepted());
  const auto served = holder.table();
  std::vector<RoutingDelta> chain{diff_snapshots(flat(4, 3), flat(6, 4)),
                                  diff_snapshots(flat(6, 4), flat(7, 5))};
  const OfferResult r = holder.offer_deltas(std::move(chain));
  EXPECT_EQ(r.verdict, OfferVerdict::kNotParent);
  EXPECT_EQ(to_string(r.verdict), "not_parent");
  EXPECT_EQ(http_status(r.verdict), 409);
  EXPECT_EQ(r.offered, 7u);
  EXPECT_EQ(r.serving, 5u);
  EXPECT_EQ(r.reason, "the chain follows version 4, not the served version 5");
  EXPECT_EQ(holder.table(), served);
  EXPECT_EQ(holder.generation(), 1u);
  EXPECT_EQ(holder.rejected(), 0u);
}

// A chain whose deltas all apply but whose result is no table is refused naming the delta
// after which the table stopped building (the second of three here), not the chain's last.
TEST_F(Holder, AChainWhoseResultIsNoTableIsRefusedByTheDeltaThatBrokeIt) {
  const auto broken = [](std::uint64_t version, std::uint32_t tenants) {
    RoutingSnapshot s = snapshot(version, tenants);
    s.shards[1].second = {CellId{9}};  // a cell the snapshot does not list
    return flatten(std::move(s));
  };
  SnapshotHolder holder;
  ASSERT_TRUE(holder.offer(snapshot(1, 3)).accepted());
  std::vector<RoutingDelta> chain{diff_snapshots(flat(1, 3), flat(2, 4)),
                                  diff_snapshots(flat(2, 4), broken(3, 4)),
                                  diff_snapshots(broken(3, 4), broken(4, 5))};
  const OfferResult r = holder.offer_deltas(std::move(chain));
  EXPECT_EQ(r.verdict, OfferVerdict::kInvalid);
  EXPECT_EQ(r.offered, 3u);
  EXPECT_EQ(r.reason,
            "version 3 as a delta does not apply to version 1: shard of tenant 1 names unknown "
            "cell 9");
  EXPECT_EQ(holder.table()->version(), 1u);
  // A chain of one that breaks the table names that delta.
  std::vector<RoutingDelta> one{diff_snapshots(flat(1, 3), broken(2, 3))};
  EXPECT_EQ(holder.offer_deltas(std::move(one)).offered, 2u);
}

// Readers on other threads see a whole table, old or new, while offers land.
TEST_F(Holder, ReadersSeeWholeTablesWhileOffersLand) {
  SnapshotHolder holder;
  ASSERT_TRUE(holder.offer(snapshot(1, 10)).accepted());
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    for (int i = 0; i < 200000 && !done.load(); ++i) {
      const auto table = holder.table();
      const auto n = table->tenant_count();
      if (n != 10 + (table->version() - 1) || !table->find_tenant("tenant-9")) ++bad;
    }
  });
  for (std::uint32_t v = 2; v <= 50; ++v)
    ASSERT_TRUE(holder.offer(snapshot(v, 10 + v - 1)).accepted());
  done = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(holder.generation(), 50u);
}

// The same for deltas, which the holder applies in O(change): a new version shares the
// tenant chunks it does not touch with the served one, and a reader holding the served one
// (here the first) sees it unchanged, whole, however many versions land after it.
TEST_F(Holder, ReadersSeeWholeTablesWhileDeltasLand) {
  SnapshotHolder holder;
  ASSERT_TRUE(holder.offer(snapshot(1, 5000)).accepted());
  const auto first = holder.table();
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    for (int i = 0; i < 200000 && !done.load(); ++i) {
      const auto table = holder.table();
      const auto newest = static_cast<std::uint32_t>(5000 + table->version() - 2);
      if (table->tenant_count() != newest + 1 ||
          table->find_tenant("tenant-" + std::to_string(newest)) != TenantId{newest} ||
          table->shard_of(TenantId{newest + 1}).size() != 0) {
        ++bad;
      }
    }
  });
  for (std::uint32_t v = 2; v <= 50; ++v) {
    std::vector<RoutingDelta> chain{
        diff_snapshots(flat(v - 1, 5000 + v - 2), flat(v, 5000 + v - 1))};
    ASSERT_TRUE(holder.offer_deltas(std::move(chain)).accepted());
  }
  done = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(holder.table()->flat(), flat(50, 5049));
  EXPECT_EQ(first->flat(), flat(1, 5000));
  EXPECT_EQ(first->shard_of(TenantId{5000}).size(), 0u);
}

std::vector<std::byte> bytes_of(std::string_view text) {
  const auto* b = reinterpret_cast<const std::byte*>(text.data());
  return {b, b + text.size()};
}

// Bytes a failed append left after the last acknowledged frame (a short write, a failed
// fsync) are cut by the next append, so every frame read back is one that was acknowledged.
TEST_F(Holder, AnAppendAfterAFailedOneStartsRightAfterTheLastAcknowledgedFrame) {
  const std::string path = (dir_ / "routing.snapshot.deltas").string();
  DeltaLog log(path);
  const std::vector<std::vector<std::byte>> first{bytes_of("delta-one")};
  ASSERT_TRUE(log.append(first).is_ok());
  std::ofstream(path, std::ios::binary | std::ios::app) << "\x20\x00\x00\x00half a fr";
  const std::vector<std::vector<std::byte>> second{bytes_of("delta-two")};
  ASSERT_TRUE(log.append(second).is_ok());
  DeltaLog reread(path);
  EXPECT_EQ(reread.read(), (std::vector<std::string>{"delta-one", "delta-two"}));
}

}  // namespace
}  // namespace cellkit::live

// Both stores behind one interface: publishing by CAS, chunked blobs checked by hash,
// watches, router reports and leadership. etcd is real, started by the test.
#include "cellkit/live/store.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cellkit/live/etcd_client.h"
#include "live/store_kind.h"
#include "live/stores.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// A publication of `version` whose snapshot is `snapshot_bytes` bytes that differ by version.
Publication numbered(std::uint64_t version, std::size_t snapshot_bytes = 100) {
  Publication p{
      .version = version, .state = "{\"v\":" + std::to_string(version) + "}", .writer = "cp-1"};
  for (std::size_t i = 0; i < snapshot_bytes; ++i) {
    p.snapshot.push_back(static_cast<std::byte>((i * 131 + version) & 0xFF));
  }
  return p;
}

class StoreTest : public test::StoreKindTest {
 protected:
  std::unique_ptr<Store> open(std::int64_t lease_seconds = 15) {
    Result<std::unique_ptr<Store>> store =
        open_store(spec(), {.fleet = "blue", .timeout = 2000ms, .lease_seconds = lease_seconds});
    EXPECT_TRUE(store.is_ok()) << store.status().message();
    return std::move(store).value();
  }
  static Publication publication(std::uint64_t version, std::size_t snapshot_bytes = 100) {
    return numbered(version, snapshot_bytes);
  }
  // Replaces the stored snapshot's bytes behind the store's back.
  void corrupt_snapshot(const Pointer& p) {
    const std::string name = std::to_string(p.version) + "-" + p.snapshot.sha256.substr(0, 16);
    if (!on_etcd()) {
      std::ofstream(store_dir() / "blue" / "pub" / (name + ".pub"), std::ios::trunc) << "garbage";
      return;
    }
    EtcdClient etcd(parse_http_url(etcd_.url()).value(), 2000ms);
    ASSERT_TRUE(etcd.put("/cellkit/v1/blue/routing/snap/" + name + "/000000", "garbage").is_ok());
  }
};

std::string as_string(const std::vector<std::byte>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

TEST_P(StoreTest, AnEmptyStoreHasNoPointer) {
  auto store = open();
  Result<PointerRead> read = store->read_pointer();
  ASSERT_TRUE(read.is_ok()) << read.status().message();
  EXPECT_EQ(read->revision, 0);
  EXPECT_EQ(read->pointer.version, 0u);
}

TEST_P(StoreTest, OnlyTheLeaderPublishes) {
  auto store = open();
  EXPECT_EQ(store->publish(publication(1), 0).value(), PublishOutcome::kNotLeader);
  ASSERT_TRUE(store->campaign("127.0.0.1:7000")->leader);
  EXPECT_EQ(store->publish(publication(1), 0).value(), PublishOutcome::kPublished);
}

TEST_P(StoreTest, PublishedBlobsReadBackEqualThroughThePointer) {
  auto store = open();
  ASSERT_TRUE(store->campaign("cp-1")->leader);
  const Publication p = publication(7, 3 * kChunkBytes + 12345);  // four chunks
  const Result<PublishReply> reply = store->publish(p, 0);
  ASSERT_EQ(reply.value(), PublishOutcome::kPublished);
  Result<PointerRead> read = open()->read_pointer();  // another handle, as a router would
  ASSERT_TRUE(read.is_ok()) << read.status().message();
  EXPECT_EQ(reply->revision, read->revision);  // the writer need not read it back
  EXPECT_EQ(read->pointer.version, 7u);
  EXPECT_EQ(read->pointer.snapshot.parts, 4u);
  EXPECT_EQ(read->pointer.snapshot.bytes, p.snapshot.size());
  EXPECT_EQ(read->pointer.writer, "cp-1");
  EXPECT_GT(read->revision, 0);
  EXPECT_EQ(store->read_snapshot(read->pointer).value(), as_string(p.snapshot));
  EXPECT_EQ(store->read_state(read->pointer).value(), p.state);
}

TEST_P(StoreTest, AStaleCompareLosesAndLeavesThePointer) {
  auto store = open();
  ASSERT_TRUE(store->campaign("cp-1")->leader);
  ASSERT_EQ(store->publish(publication(1), 0).value(), PublishOutcome::kPublished);
  const std::int64_t after_first = store->read_pointer()->revision;
  ASSERT_EQ(store->publish(publication(2), after_first).value(), PublishOutcome::kPublished);
  // A writer that read the pointer before version 2 loses, and must recompute.
  EXPECT_EQ(store->publish(publication(3), after_first).value(), PublishOutcome::kConflict);
  EXPECT_EQ(store->read_pointer()->pointer.version, 2u);
}

TEST_P(StoreTest, ABlobThatDoesNotMatchThePointerIsDataLoss) {
  auto store = open();
  ASSERT_TRUE(store->campaign("cp-1")->leader);
  ASSERT_EQ(store->publish(publication(4), 0).value(), PublishOutcome::kPublished);
  const Pointer pointer = store->read_pointer()->pointer;
  corrupt_snapshot(pointer);
  Result<std::string> read = store->read_snapshot(pointer);
  ASSERT_FALSE(read.is_ok());
  EXPECT_EQ(read.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(read.status().message().find("bytes, the pointer says 100"), std::string::npos)
      << read.status().message();
}

TEST_P(StoreTest, AWatchWakesOnPublishAndOtherwiseWaitsForItsDeadline) {
  auto writer = open();
  auto reader = open();
  ASSERT_TRUE(writer->campaign("cp-1")->leader);
  const PointerRead before = reader->read_pointer().value();
  EXPECT_EQ(reader->watch_pointer(before.store_revision, Clock::now() + 200ms).value(),
            WatchEnd::kDeadline);
  std::thread publisher([&] {
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(writer->publish(publication(1), 0).value(), PublishOutcome::kPublished);
  });
  const auto start = Clock::now();
  EXPECT_EQ(reader->watch_pointer(before.store_revision, Clock::now() + 5s).value(),
            WatchEnd::kChanged);
  EXPECT_LT(Clock::now() - start, 3s);
  publisher.join();
}

TEST_P(StoreTest, RouterReportsAreListedByRouter) {
  auto store = open();
  ASSERT_TRUE(store->report({.router = "r2", .applied = 3}).is_ok());
  auto other = open();
  ASSERT_TRUE(
      other->report({.router = "r1", .applied = 2, .rejected = 3, .reason = "cell 9 unknown"})
          .is_ok());
  ASSERT_TRUE(store->report({.router = "r2", .applied = 4}).is_ok());  // replaces its own
  Result<std::vector<RouterReport>> reports = store->reports();
  ASSERT_TRUE(reports.is_ok()) << reports.status().message();
  ASSERT_EQ(reports->size(), 2u);
  EXPECT_EQ(
      (*reports)[0],
      (RouterReport{.router = "r1", .applied = 2, .rejected = 3, .reason = "cell 9 unknown"}));
  EXPECT_EQ((*reports)[1].applied, 4u);
}

TEST_P(StoreTest, ASecondCandidateFollowsUntilTheLeaderResigns) {
  auto first = open();
  auto second = open();
  ASSERT_TRUE(first->campaign("127.0.0.1:7000")->leader);
  Result<Leadership> follower = second->campaign("127.0.0.1:7001");
  ASSERT_TRUE(follower.is_ok()) << follower.status().message();
  EXPECT_FALSE(follower->leader);
  EXPECT_EQ(follower->leader_address, "127.0.0.1:7000");
  EXPECT_EQ(second->publish(publication(1), 0).value(), PublishOutcome::kNotLeader);
  EXPECT_TRUE(first->campaign("127.0.0.1:7000")->leader);  // staying leader
  first->resign();
  EXPECT_TRUE(second->campaign("127.0.0.1:7001")->leader);
  EXPECT_EQ(second->publish(publication(1), 0).value(), PublishOutcome::kPublished);
  EXPECT_EQ(first->publish(publication(2), 0).value(), PublishOutcome::kNotLeader);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreTest, test::both_stores(), test::store_kind_name);

TEST(EtcdStore, ALeaderWhoseLeaseExpiresLosesItToTheNextCandidate) {
  test::EtcdProcess etcd;
  ASSERT_TRUE(etcd.start().is_ok());
  const StoreOptions options{.fleet = "blue", .timeout = 2000ms, .lease_seconds = 2};
  auto first = open_store(etcd.store_spec(), options).value();
  auto second = open_store(etcd.store_spec(), options).value();
  ASSERT_TRUE(first->campaign("a")->leader);
  EXPECT_FALSE(second->campaign("b")->leader);
  // The first stops refreshing (as a killed leader does); within a bounded wait the second
  // takes over.
  bool took_over = false;
  for (int i = 0; i < 60 && !took_over; ++i) {
    std::this_thread::sleep_for(100ms);
    took_over = second->campaign("b")->leader;
  }
  EXPECT_TRUE(took_over);
  EXPECT_FALSE(first->campaign("a")->leader);
  EXPECT_EQ(first->publish({.version = 1}, 0).value(), PublishOutcome::kNotLeader);
}

// Each router's record on its own lease: one that stops reporting expires while another
// keeps reporting through the same handle (the control plane's), and after every lease
// lapsed, an unchanged report is written again even when another router's changed report
// came first.
TEST(EtcdStore, EachRoutersReportLivesOnItsOwnLeaseAndALapsedOneIsWrittenAgain) {
  test::EtcdProcess etcd;
  ASSERT_TRUE(etcd.start().is_ok());
  // 2 s: etcd's shortest lease with its default election timeout.
  auto store = open_store(etcd.store_spec(), {.fleet = "blue", .lease_seconds = 2}).value();
  const RouterReport r1{.router = "r1", .applied = 1};
  ASSERT_TRUE(store->report(r1).is_ok());
  ASSERT_TRUE(store->report({.router = "r2", .applied = 1}).is_ok());
  auto listed = [&] {
    std::vector<std::string> routers;
    const std::vector<RouterReport> reports = store->reports().value();
    for (const RouterReport& r : reports)
      routers.push_back(r.router);
    return routers;
  };
  std::vector<std::string> seen;
  for (int i = 0; i < 40 && seen != std::vector<std::string>{"r1"}; ++i) {
    std::this_thread::sleep_for(200ms);
    ASSERT_TRUE(store->report(r1).is_ok());  // only r1 goes on reporting
    seen = listed();
  }
  EXPECT_EQ(seen, std::vector<std::string>{"r1"});
  for (int i = 0; i < 40 && !seen.empty(); ++i) {  // nobody reports: r1's lease lapses too
    std::this_thread::sleep_for(200ms);
    seen = listed();
  }
  ASSERT_TRUE(seen.empty());
  ASSERT_TRUE(store->report({.router = "r2", .applied = 2}).is_ok());
  ASSERT_TRUE(store->report(r1).is_ok());
  EXPECT_EQ(listed(), (std::vector<std::string>{"r1", "r2"}));
}

TEST(ReportLedger, WritesAChangedOrLapsedReportKeepsAnUnchangedOneAndForgetsSilentRouters) {
  ReportLedger ledger(std::chrono::seconds(15));
  std::vector<std::string> calls;
  bool alive = true;
  auto keep = [&](std::int64_t lease) {
    calls.push_back("keep " + std::to_string(lease));
    return alive;
  };
  auto write = [&](const RouterReport& r, std::int64_t lease) -> Result<std::int64_t> {
    calls.push_back(fmt::format("write {} {} on {}", r.router, r.applied, lease));
    if (r.router == "bad") return failed_precondition("store down");
    return lease == 0 ? std::int64_t{7} : lease;
  };
  const Clock::time_point t0 = Clock::now();
  ASSERT_TRUE(ledger.report({.router = "a", .applied = 1}, keep, write, t0).is_ok());
  ASSERT_TRUE(ledger.report({.router = "a", .applied = 1}, keep, write, t0 + 1s).is_ok());
  ASSERT_TRUE(ledger.report({.router = "a", .applied = 2}, keep, write, t0 + 2s).is_ok());
  alive = false;  // the lease lapsed: the unchanged report is written on a new lease
  ASSERT_TRUE(ledger.report({.router = "a", .applied = 2}, keep, write, t0 + 3s).is_ok());
  EXPECT_FALSE(ledger.report({.router = "bad"}, keep, write, t0 + 3s).is_ok());
  EXPECT_EQ(calls, (std::vector<std::string>{"write a 1 on 0", "keep 7", "keep 7", "write a 2 on 7",
                                             "keep 7", "write a 2 on 0", "write bad 0 on 0"}));
  EXPECT_EQ(ledger.size(t0 + 17s), 1u);  // a failed write is not remembered
  EXPECT_EQ(ledger.size(t0 + 18s), 0u);  // a is 15 s past its last report
  calls.clear();
  alive = true;
  ASSERT_TRUE(ledger.report({.router = "a", .applied = 2}, keep, write, t0 + 18s).is_ok());
  EXPECT_EQ(calls, std::vector<std::string>{"write a 2 on 0"});
}

TEST(FileStore, AReportNotRefreshedWithinTheLeaseExpires) {
  test::TempDir dir;
  auto store = open_store("file:" + dir.path().string(), {.lease_seconds = 1}).value();
  ASSERT_TRUE(store->report({.router = "r1", .applied = 1}).is_ok());
  EXPECT_EQ(store->reports()->size(), 1u);
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(store->reports()->empty());
}

// The file store's writes as its test seam sees them: "<step> <path in the fleet's
// directory>", a temporary file's name ending ".tmp"; the step numbered `stop_at` (from the
// first recorded) fails, as if the process died there.
struct StepLog {
  fs::path fleet;
  std::vector<std::string> steps;
  std::size_t stop_at = SIZE_MAX;

  FileStepHook hook() {
    return [this](std::string_view step, const fs::path& path) {
      std::string name = path.lexically_relative(fleet).string();
      if (const std::size_t tmp = name.find(".tmp."); tmp != std::string::npos)
        name.resize(tmp + 4);
      steps.push_back(fmt::format("{} {}", step, name));
      return steps.size() - 1 != stop_at;
    };
  }
};

// Two fsyncs for the publication's one file (its bytes, then its name in pub/) before the
// pointer is renamed, two for the pointer (its bytes before the rename, the rename before
// the answer): four, where a file per blob took six.
TEST(FileStore, APublicationIsFourFsyncsAndThePointerMovesAfterItsBlobsAreDurable) {
  test::TempDir dir;
  StepLog log{.fleet = dir.path() / "blue"};
  auto store = make_file_store(dir.path(), {.fleet = "blue"}, log.hook());
  ASSERT_TRUE(store->campaign("cp-1")->leader);
  ASSERT_EQ(store->publish(numbered(1), 0).value(), PublishOutcome::kPublished);
  log.steps.clear();
  ASSERT_EQ(store->publish(numbered(2), 1).value(), PublishOutcome::kPublished);
  const Pointer pointer = store->read_pointer()->pointer;
  const std::string file = "pub/" + blob_name(2, pointer.snapshot) + ".pub";
  EXPECT_EQ(pointer.publication, blob_name(2, pointer.snapshot) + ".pub");
  EXPECT_EQ(log.steps,
            (std::vector<std::string>{"write " + file + ".tmp", "fsync " + file + ".tmp",
                                      "rename " + file, "fsync pub", "write current.tmp",
                                      "fsync current.tmp", "rename current", "fsync ."}));
}

// A publication stopped before any of its eight steps (the process killed there, what it
// wrote left behind) leaves a store that a new handle reads at the old version or, once
// the pointer was renamed, the new one, whole either way; and that takes the publication
// again over the files left behind.
TEST(FileStore, APublicationStoppedAtAnyStepReadsBackTheOldVersionOrTheNewWhole) {
  const Publication first = numbered(1);
  const Publication second = numbered(2);
  for (std::size_t stop_at = 0; stop_at < 8; ++stop_at) {
    SCOPED_TRACE(fmt::format("stopped before step {}", stop_at));
    test::TempDir dir;
    StepLog log{.fleet = dir.path() / "blue"};
    {
      auto writer = make_file_store(dir.path(), {.fleet = "blue"}, log.hook());
      ASSERT_TRUE(writer->campaign("cp-1")->leader);
      ASSERT_EQ(writer->publish(first, 0).value(), PublishOutcome::kPublished);
      log.stop_at = log.steps.size() + stop_at;
      ASSERT_FALSE(writer->publish(second, 1).is_ok());
    }
    auto store = make_file_store(dir.path(), {.fleet = "blue"});
    const Pointer pointer = store->read_pointer().value().pointer;
    const Publication& expected = stop_at < 7 ? first : second;  // step 7: after the rename
    EXPECT_EQ(pointer.version, expected.version);
    EXPECT_EQ(store->read_snapshot(pointer).value(), as_string(expected.snapshot));
    EXPECT_EQ(store->read_state(pointer).value(), expected.state);
    if (pointer.version == 2) continue;
    ASSERT_TRUE(store->campaign("cp-2")->leader);
    ASSERT_EQ(store->publish(second, 1).value(), PublishOutcome::kPublished);
    const Pointer again = store->read_pointer().value().pointer;
    EXPECT_EQ(store->read_snapshot(again).value(), as_string(second.snapshot));
    EXPECT_EQ(store->read_state(again).value(), second.state);
  }
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir))
    out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// A step that fails before a rename (here the rename itself) removes the temp file it
// wrote: retries do not fill the disk with snapshot-sized leftovers.
TEST(FileStore, AFailedWriteRemovesItsTempFile) {
  test::TempDir dir;
  const fs::path fleet = dir.path() / "blue";
  bool fail = false;
  auto store = make_file_store(
      dir.path(), {.fleet = "blue"},
      [&](std::string_view step, const fs::path&) { return !(fail && step == "rename"); });
  ASSERT_TRUE(store->campaign("cp-1")->leader);
  ASSERT_EQ(store->publish(numbered(1), 0).value(), PublishOutcome::kPublished);
  const std::vector<std::string> before = files_in(fleet / "pub");
  fail = true;
  EXPECT_EQ(store->publish(numbered(2), 1).status().message().find("cannot rename onto"), 0u);
  EXPECT_EQ(files_in(fleet / "pub"), before);
  EXPECT_EQ(files_in(fleet), (std::vector<std::string>{"current", "leader", "lock", "pub"}));
}

// A killed writer's temp file under the very name the next writer draws (a restarted
// process with the same pid) is neither written through nor an error: another name is
// drawn, and the publication reads back whole.
TEST(FileStore, ALeftoverTempFileUnderTheNameDrawnDoesNotBreakAPublication) {
  test::TempDir dir;
  std::vector<fs::path> left;
  auto store = make_file_store(
      dir.path(), {.fleet = "blue"}, [&](std::string_view step, const fs::path& path) {
        if (step == "write" && left.empty() && path.parent_path().filename() == "pub") {
          std::ofstream(path) << "left by a killed writer";
          left.push_back(path);
        }
        return true;
      });
  ASSERT_TRUE(store->campaign("cp-1")->leader);
  ASSERT_EQ(store->publish(numbered(1), 0).value(), PublishOutcome::kPublished);
  const Pointer pointer = store->read_pointer().value().pointer;
  EXPECT_EQ(store->read_snapshot(pointer).value(), as_string(numbered(1).snapshot));
  EXPECT_EQ(store->read_state(pointer).value(), numbered(1).state);
  ASSERT_EQ(left.size(), 1u);
  std::ifstream leftover(left[0]);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(leftover), {}), "left by a killed writer");
}

// A pointer in a format newer than this cellkit reads is refused naming the format, not
// read as a store that lost its blobs.
TEST(FileStore, APointerInANewerFormatIsRefusedNamingTheFormat) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "blue");
  std::ofstream(dir.path() / "blue" / "current")
      << R"({"format":4,"version":3,"writer":"cp-9","state":{"sha256":"a","parts":1,"bytes":1}})";
  auto store = make_file_store(dir.path(), {.fleet = "blue"});
  EXPECT_EQ(
      store->read_pointer().status().message(),
      "pointer: format 4 is not one this cellkit reads (1, 2 or 3): a newer cellkit wrote it");
}

// Before pub/, each blob had a file in its kind's directory: such a store reads as it is,
// and a missing blob is named.
TEST(FileStore, ReadsAStoreWrittenWithAFilePerBlob) {
  test::TempDir dir;
  const fs::path fleet = dir.path() / "blue";
  const std::string snapshot = "a whole snapshot";
  const std::string state = R"({"v":3})";
  const Pointer pointer{
      .version = 3, .snapshot = blob_ref(snapshot), .state = blob_ref(state), .writer = "old"};
  fs::create_directories(fleet / "snap");
  fs::create_directories(fleet / "state");
  const fs::path snapshot_file = fleet / "snap" / (blob_name(3, pointer.snapshot) + ".bin");
  std::ofstream(snapshot_file) << snapshot;
  const fs::path state_file = fleet / "state" / (blob_name(3, pointer.state) + ".json");
  std::ofstream(state_file) << state;
  std::ofstream(fleet / "current") << pointer_json(pointer);
  auto store = make_file_store(dir.path(), {.fleet = "blue"});
  ASSERT_EQ(store->read_pointer().value().pointer, pointer);
  EXPECT_EQ(store->read_snapshot(pointer).value(), snapshot);
  EXPECT_EQ(store->read_state(pointer).value(), state);
  fs::remove(state_file);
  EXPECT_EQ(store->read_state(pointer).status().message(),
            fmt::format("state {} is missing", state_file.string()));
  fs::remove(snapshot_file);
  EXPECT_EQ(store->read_snapshot(pointer).status().message(),
            fmt::format("snapshot is in neither {} nor {}",
                        (fleet / "pub" / (blob_name(3, pointer.snapshot) + ".pub")).string(),
                        snapshot_file.string()));
}

TEST(OpenStore, NamesABadSpecOrFleet) {
  EXPECT_EQ(open_store("redis:x", {}).status().message(),
            "--store 'redis:x' must be file:DIR or etcd:http://HOST:PORT");
  EXPECT_EQ(open_store("file:/tmp", {.fleet = "a/b"}).status().message(),
            "--fleet 'a/b' must be 1-64 characters of A-Z a-z 0-9 - _");
  EXPECT_FALSE(open_store("etcd:http://127.0.0.1", {}).is_ok());
}

TEST(OpenStore, CutsALongSpecFleetOrRouterId) {
  const std::string v(500, 'v');
  const std::string shown = std::string(40, 'v') + "...";
  EXPECT_EQ(open_store(v, {}).status().message(),
            "--store '" + shown + "' must be file:DIR or etcd:http://HOST:PORT");
  EXPECT_EQ(open_store("file:/tmp", {.fleet = v}).status().message(),
            "--fleet '" + shown + "' must be 1-64 characters of A-Z a-z 0-9 - _");
  test::TempDir dir;
  auto store = open_store("file:" + dir.path().string(), {}).value();
  EXPECT_EQ(store->report({.router = v}).message(),
            "router id '" + shown + "' must be 1-128 characters of A-Z a-z 0-9 - _ . :");
}

TEST(EtcdStore, CutsALongRouterId) {
  test::EtcdProcess etcd;
  ASSERT_TRUE(etcd.start().is_ok());
  auto store = open_store(etcd.store_spec(), {}).value();
  EXPECT_EQ(store->report({.router = std::string(500, 'v') + "/"}).message(),
            "router id '" + std::string(40, 'v') + "...' must be non-empty without '/'");
}

TEST(PointerRecord, RoundTripsAndNamesAMissingField) {
  const Pointer p{.version = 9,
                  .snapshot = {.sha256 = "ab", .parts = 2, .bytes = 1048577},
                  .state = {.sha256 = "cd", .parts = 1, .bytes = 5},
                  .writer = "w"};
  EXPECT_EQ(parse_pointer(pointer_json(p)).value(), p);
  EXPECT_EQ(pointer_json(p).find("format"), std::string::npos);
  EXPECT_EQ(parse_pointer(R"({"version":1,"writer":"w","snapshot":{"sha256":"a","parts":1}})")
                .status()
                .message(),
            "pointer.snapshot: field 'bytes' is missing or has the wrong type");
  EXPECT_EQ(parse_pointer("[]").status().message(), "the routing pointer is not a JSON object");
}

// A pointer naming a publication file is format 3, with or without deltas, so that a
// cellkit reading formats 1 and 2 only refuses it ("field 'format' must be 2") instead of
// looking for its state where it is not; a newer format, or a name that is not a
// publication file's, is refused naming it.
TEST(PointerRecord, APublicationFileMakesItFormat3AndANewerFormatIsRefused) {
  Pointer p{.version = 9,
            .snapshot = {.sha256 = "ab", .parts = 1, .bytes = 10},
            .state = {.sha256 = "cd", .parts = 1, .bytes = 5},
            .writer = "w",
            .publication = "9-0123456789abcdef.pub"};
  EXPECT_EQ(parse_pointer(pointer_json(p)).value(), p);
  EXPECT_NE(pointer_json(p).find(R"("format":3)"), std::string::npos);
  p.base_version = 8;
  p.deltas = {{9, {.sha256 = "ef", .parts = 1, .bytes = 3}}};
  EXPECT_EQ(parse_pointer(pointer_json(p)).value(), p);
  EXPECT_NE(pointer_json(p).find(R"("format":3)"), std::string::npos);
  p.publication = "../9-0123456789abcdef.pub";
  EXPECT_EQ(parse_pointer(pointer_json(p)).status().message(),
            "pointer: field 'publication' ('../9-0123456789abcdef.pub') is not <version>-<16 "
            "hex>.pub");
  EXPECT_EQ(parse_pointer(R"({"format":"3","version":1,"writer":"w"})").status().message(),
            R"(pointer: format "3" is not one this cellkit reads (1, 2 or 3): a newer cellkit )"
            R"(wrote it)");
}

// A report reads back as written: "rejected_as" only when not empty, a record without it
// (written before deltas) as "", and any other value refused naming it.
TEST(ReportRecord, RoundTripsWithOrWithoutRejectedAsAndNamesABadOne) {
  const RouterReport none{.router = "r1", .applied = 4};
  const RouterReport whole{
      .router = "r1", .applied = 4, .rejected = 3, .reason = "bad", .rejected_as = "snapshot"};
  const RouterReport delta{
      .router = "r1", .applied = 5, .rejected = 5, .reason = "bad", .rejected_as = "delta"};
  for (const RouterReport& r : {none, whole, delta})
    EXPECT_EQ(parse_report(report_json(r)).value(), r) << report_json(r);
  EXPECT_EQ(report_json(none).find("rejected_as"), std::string::npos);
  const std::string old =
      R"({"router":"r1","applied":4,"rejected":3,"reason":"bad","stale_since_ms":0})";
  EXPECT_EQ(parse_report(old)->rejected_as, "");
  const std::string odd = R"({"router":"r1","applied":4,"rejected":3,"reason":"bad",)"
                          R"("rejected_as":"maybe","stale_since_ms":0})";
  EXPECT_EQ(parse_report(odd).status().message(),
            R"(report: field 'rejected_as' ('maybe') must be "snapshot", "delta" or "")");
}

}  // namespace
}  // namespace cellkit::live

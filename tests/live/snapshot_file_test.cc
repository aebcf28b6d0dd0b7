#include "cellkit/live/snapshot_file.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cellkit/core/snapshot_codec.h"

namespace cellkit::live {
namespace {

namespace fs = std::filesystem;

class SnapshotFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cellkit-snapshot-file-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, std::string_view text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  fs::path dir_;
};

constexpr std::string_view kMapping = R"({
  "format": "cellkit.mapping", "version": 2, "routing_version": 5,
  "cells": [
    {"id": 0, "name": "cell-0", "endpoint": "127.0.0.1:4000"},
    {"id": 1, "name": "cell-1", "endpoint": "127.0.0.1:4001", "state": "disabled"}
  ],
  "tenants": [
    {"id": 0, "name": "acme", "cells": ["cell-1", "cell-0"]},
    {"id": 1, "name": "globex", "cells": ["cell-0"]}
  ]
})";

TEST_F(SnapshotFile, ReadsAMappingJsonWithItsRoutingVersion) {
  Result<RoutingSnapshot> s = load_snapshot_file(write("m.json", kMapping));
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->version, 5u);
  EXPECT_EQ(s->cells, (std::vector<CellId>{CellId{0}, CellId{1}}));
  EXPECT_EQ(s->disabled, (std::vector<CellId>{CellId{1}}));
  EXPECT_EQ(s->addresses[1], (CellAddress{CellId{1}, "cell-1", "127.0.0.1:4001"}));
  EXPECT_EQ(s->tenant_names[1], (std::pair<TenantId, std::string>{TenantId{1}, "globex"}));
  const RoutingTable table = RoutingTable::build(*s).value();
  EXPECT_EQ(table.find_tenant("acme"), TenantId{0});
  EXPECT_EQ(table.shard_of(TenantId{0}).front(), CellId{1});
}

TEST_F(SnapshotFile, AMappingWithoutRoutingVersionIsVersionOne) {
  Result<RoutingSnapshot> s = load_snapshot_file(
      write("m.json",
            R"({"format": "cellkit.mapping", "version": 1, "cells": [{"name": "a"}],
          "tenants": [{"name": "t", "cells": ["a"]}]})"));
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->version, 1u);
  EXPECT_FALSE(s->allow_empty);
}

TEST_F(SnapshotFile, SavedBinaryLoadsBackTheSame) {
  RoutingSnapshot s = load_snapshot_file(write("m.json", kMapping)).value();
  const std::string path = (dir_ / "routing.snapshot").string();
  ASSERT_TRUE(save_snapshot_file(path, s).is_ok());
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  Result<RoutingSnapshot> back = load_snapshot_file(path);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, s);
}

TEST_F(SnapshotFile, ErrorsNameTheFile) {
  const std::string junk = write("junk", "hello");
  EXPECT_EQ(load_snapshot_file(junk).status().message(),
            junk + ": neither a cellkit snapshot (CKSNAP...) nor a mapping JSON document");
  const std::string corrupt = write("corrupt", "CKSNAP02 and then garbage bytes");
  EXPECT_EQ(load_snapshot_file(corrupt).status().message(),
            corrupt + ": snapshot checksum does not match its contents: it is corrupt");
  const std::string missing = (dir_ / "missing").string();
  EXPECT_EQ(load_snapshot_file(missing).status().message(),
            "cannot read '" + missing + "': No such file or directory");
  const std::string bad_json = write("bad.json", R"({"format": "cellkit.mapping"})");
  EXPECT_EQ(load_snapshot_file(bad_json).status().message(),
            bad_json + ":1:1: 'version' is missing");
}

TEST_F(SnapshotFile, SaveNamesAnUnwritableDirectory) {
  const Status s = save_snapshot_file((dir_ / "no" / "such" / "x").string(), RoutingSnapshot{});
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find((dir_ / "no" / "such" / "x").string()), std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace cellkit::live

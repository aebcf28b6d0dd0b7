// The file-or-etcd parameter shared by the store tests: one fixture that starts a real etcd
// when the parameter asks for one and names the store to open.
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "live/etcd_process.h"

namespace cellkit::live::test {

enum class StoreKind { kFile, kEtcd };

// A test run against each store. SetUp starts etcd for kEtcd (failing the test when it
// cannot: a missing etcd never skips); a subclass's SetUp calls it first. spec() is the
// store to open: "file:" a directory under dir_, or "etcd:" the local etcd's URL.
class StoreKindTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override;
  bool on_etcd() const { return GetParam() == StoreKind::kEtcd; }
  std::filesystem::path store_dir() const { return dir_.path() / "store"; }
  std::string spec() const;

  TempDir dir_;
  EtcdProcess etcd_;
};

// The two kinds and their names ("File", "Etcd"), for INSTANTIATE_TEST_SUITE_P.
inline auto both_stores() {
  return ::testing::Values(StoreKind::kFile, StoreKind::kEtcd);
}
std::string store_kind_name(const ::testing::TestParamInfo<StoreKind>& info);

}  // namespace cellkit::live::test

// The file-or-etcd store test fixture.
#include "live/store_kind.h"

namespace cellkit::live::test {

void StoreKindTest::SetUp() {
  if (!on_etcd()) return;
  const Status started = etcd_.start();
  ASSERT_TRUE(started.is_ok()) << started.message();
}

std::string StoreKindTest::spec() const {
  return on_etcd() ? etcd_.store_spec() : "file:" + store_dir().string();
}

std::string store_kind_name(const ::testing::TestParamInfo<StoreKind>& info) {
  return info.param == StoreKind::kFile ? "File" : "Etcd";
}

}  // namespace cellkit::live::test

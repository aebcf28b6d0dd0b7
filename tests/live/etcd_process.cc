// Temporary directories for tests (etcd itself is live/local_etcd.cc).
#include "live/etcd_process.h"

#include <unistd.h>

#include <random>

#include <fmt/format.h>

namespace cellkit::live::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device entropy;
  path_ = fs::temp_directory_path() / fmt::format("cellkit-test-{}-{:x}", ::getpid(), entropy());
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

}  // namespace cellkit::live::test

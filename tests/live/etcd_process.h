// A real etcd for tests: started on loopback ephemeral ports in a temporary data dir,
// stopped (SIGKILL if SIGTERM is not enough) and reaped by the destructor. A missing etcd
// binary fails the test that asked for one.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "cellkit/base/status.h"
#include "cellkit/live/local_etcd.h"

namespace cellkit::live::test {

// A loopback TCP port that was free a moment ago (bound to 127.0.0.1:0, then closed).
inline std::uint16_t free_port() {
  return free_loopback_port();
}

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A LocalEtcd in its own temporary directory.
class EtcdProcess {
 public:
  EtcdProcess() : etcd_(data_.path()) {}

  Status start() { return etcd_.start(); }
  void kill() { etcd_.kill(); }
  std::string url() const { return etcd_.url(); }
  std::string store_spec() const { return "etcd:" + url(); }
  bool running() const { return etcd_.running(); }

 private:
  TempDir data_;
  LocalEtcd etcd_;
};

}  // namespace cellkit::live::test

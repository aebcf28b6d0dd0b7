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

namespace cellkit::live::test {

// A loopback TCP port that was free a moment ago (bound to 127.0.0.1:0, then closed).
std::uint16_t free_port();

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

class EtcdProcess {
 public:
  EtcdProcess();
  ~EtcdProcess();
  EtcdProcess(const EtcdProcess&) = delete;
  EtcdProcess& operator=(const EtcdProcess&) = delete;

  // Starts etcd (same ports and data across restarts) and waits until it answers, at most
  // 15 s.
  Status start();
  // SIGKILL and reap: an abrupt outage.
  void kill();
  std::string url() const;  // "http://127.0.0.1:PORT"
  std::string store_spec() const { return "etcd:" + url(); }
  bool running() const { return pid_ > 0; }

 private:
  TempDir data_;
  std::uint16_t client_port_ = 0;
  std::uint16_t peer_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace cellkit::live::test

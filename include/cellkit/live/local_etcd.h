// A private etcd on this machine (`cellkit up --store etcd`, the tests): loopback ports picked
// once, its data and log in a directory the caller owns; started, killed and started again on
// the same ports and data; killed and reaped by the destructor, and killed with the thread
// that started it even when this process dies without running destructors.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "cellkit/base/status.h"

namespace cellkit::live {

// A loopback TCP port that was free a moment ago (bound to 127.0.0.1:0, then closed); 0 when
// none could be bound.
std::uint16_t free_loopback_port();

class LocalEtcd {
 public:
  // `dir` must exist: the data goes to dir/etcd, etcd's log to dir/etcd.log.
  explicit LocalEtcd(std::filesystem::path dir);
  ~LocalEtcd();
  LocalEtcd(const LocalEtcd&) = delete;
  LocalEtcd& operator=(const LocalEtcd&) = delete;

  // Starts `etcd` from PATH (a no-op while it runs) and waits until it answers, at most
  // `timeout`. The first start retries on fresh ports (up to 4 tries) when etcd exits at once
  // (a port taken meanwhile). Fails when it exits first (naming its log and
  // scripts/install-deps.sh) or does not answer in time (then it is killed).
  Status start(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // SIGKILL and reap: an abrupt outage. start() brings it back with the same data.
  void kill();
  std::string url() const;  // "http://127.0.0.1:PORT"
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  std::filesystem::path dir_;
  std::uint16_t client_port_ = 0;
  std::uint16_t peer_port_ = 0;
  pid_t pid_ = -1;
  bool started_ = false;          // it came up once: later starts keep its ports
  bool exited_at_start_ = false;  // the last start_once saw it exit
  int exit_code_ = 0;

  void spawn();
  Status start_once(std::chrono::milliseconds timeout);
  bool exited();  // reaps it when it ended (pid_ becomes -1)
};

}  // namespace cellkit::live

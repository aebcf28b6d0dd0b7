// Test harness for live mode: start the built CLI as a child process, read where it
// listens, talk HTTP to it on loopback, and never leave a process behind.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cellkit/live/child_process.h"
#include "cellkit/live/loopback_http.h"

namespace cellkit::live::test {

using namespace std::chrono_literals;

// Path of the cellkit CLI built with these tests (a compile definition).
std::string cellkit_binary();

// A started server: the process and the endpoint from its first stdout line.
struct Server {
  ChildProcess process;
  Endpoint endpoint;
};

// Runs `cellkit <args...>` in its own process group and waits up to `timeout` for its
// first stdout line "listening on HOST:PORT". Fails with the line it got instead, or
// with what it printed before dying.
Result<Server> start_server(const std::vector<std::string>& args, Millis timeout = 10s);

// Runs `cellkit <args...>` in its own process group, stdout captured (nothing awaited).
Result<ChildProcess> start_cellkit(const std::vector<std::string>& args);

// One HTTP request on a fresh connection, bounded by `timeout`.
HttpResult http(const std::string& host, std::uint16_t port, const std::string& method,
                const std::string& target, const Headers& headers = {},
                const std::string& body = "", Millis timeout = 5s);
HttpResult http(const Endpoint& endpoint, const std::string& method, const std::string& target,
                const Headers& headers = {}, const std::string& body = "", Millis timeout = 5s);

// A raw client socket connected to `e` (receives time out after 5 s), for requests no
// HTTP client would send; -1 when it cannot connect. The caller closes it.
int connect_raw(const Endpoint& e);

// A listening socket on 127.0.0.1 with an ephemeral port, for a fake server a test writes
// by hand (a reply no real server would send). Closed on destruction. When it cannot
// listen, endpoint().port is 0 and accept() gives -1.
class LoopbackListener {
 public:
  LoopbackListener();
  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  Endpoint endpoint() const { return {"127.0.0.1", port_}; }
  // One connection within `timeout` (its receives time out after 5 s), or -1. The caller
  // closes it.
  int accept(Millis timeout = 5s) const;

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// POST /orders {"bags": bags} as `tenant`.
HttpResult order(const Endpoint& endpoint, const std::string& tenant, int bags,
                 Millis timeout = 5s);

// True when a process with this pid exists and is not a zombie (a zombie has ended; only
// its parent's wait is missing, e.g. when it was re-parented to a container's init).
bool process_alive(pid_t pid);
// Waits up to `timeout` until process_alive(pid) is false. True when it is gone.
bool wait_gone(pid_t pid, Millis timeout = 5s);

}  // namespace cellkit::live::test

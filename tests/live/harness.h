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

// POST /orders {"bags": bags} as `tenant`.
HttpResult order(const Endpoint& endpoint, const std::string& tenant, int bags,
                 Millis timeout = 5s);

// True when a process with this pid exists and is not a zombie (a zombie has ended; only
// its parent's wait is missing, e.g. when it was re-parented to a container's init).
bool process_alive(pid_t pid);
// Waits up to `timeout` until process_alive(pid) is false. True when it is gone.
bool wait_gone(pid_t pid, Millis timeout = 5s);

}  // namespace cellkit::live::test

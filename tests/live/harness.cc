// The live-mode test harness: thin helpers over ChildProcess and loopback_call.
#include "live/harness.h"

#include <fstream>
#include <iterator>
#include <thread>

#include <fmt/format.h>

namespace cellkit::live::test {

#ifndef CELLKIT_BINARY
#error "CELLKIT_BINARY must name the built cellkit CLI"
#endif

std::string cellkit_binary() {
  return CELLKIT_BINARY;
}

Result<ChildProcess> start_cellkit(const std::vector<std::string>& args) {
  std::vector<std::string> argv{cellkit_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return ChildProcess::spawn(argv);
}

Result<Server> start_server(const std::vector<std::string>& args, Millis timeout) {
  Result<ChildProcess> child = start_cellkit(args);
  if (!child.is_ok()) return child.status();
  Result<std::string> line = child->read_line(timeout);
  if (!line.is_ok()) {
    child->kill();
    return failed_precondition(
        fmt::format("cellkit {}: {}", fmt::join(args, " "), line.status().message()));
  }
  Result<Endpoint> ep = parse_listening_line(*line);
  if (!ep.is_ok()) return ep.status();
  return Server{std::move(*child), *ep};
}

HttpResult http(const Endpoint& endpoint, const std::string& method, const std::string& target,
                const Headers& headers, const std::string& body, Millis timeout) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.headers = headers;
  request.body = body;
  return loopback_call(endpoint, request, timeout);
}

HttpResult http(const std::string& host, std::uint16_t port, const std::string& method,
                const std::string& target, const Headers& headers, const std::string& body,
                Millis timeout) {
  return http(Endpoint{host, port}, method, target, headers, body, timeout);
}

HttpResult order(const Endpoint& endpoint, const std::string& tenant, int bags, Millis timeout) {
  return http(endpoint, "POST", "/orders", {{"X-Tenant", tenant}},
              fmt::format(R"({{"bags": {}}})", bags), timeout);
}

bool process_alive(pid_t pid) {
  if (!process_exists(pid)) return false;
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const std::size_t paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() || text[paren + 2] != 'Z';
}

bool wait_gone(pid_t pid, Millis timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (process_alive(pid)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

}  // namespace cellkit::live::test

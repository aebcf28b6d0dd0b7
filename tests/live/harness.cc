// The live-mode test harness: thin helpers over ChildProcess and loopback_call.
#include "live/harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

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

int connect_raw(const Endpoint& e) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  const timeval timeout{.tv_sec = 5, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(e.port);
  ::inet_pton(AF_INET, e.host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

LoopbackListener::LoopbackListener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), size) != 0 ||
      ::listen(fd_, 8) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    return;
  }
  port_ = ntohs(addr.sin_port);
}

LoopbackListener::~LoopbackListener() {
  if (fd_ >= 0) ::close(fd_);
}

int LoopbackListener::accept(Millis timeout) const {
  pollfd ready{.fd = fd_, .events = POLLIN, .revents = 0};
  if (fd_ < 0 || ::poll(&ready, 1, static_cast<int>(timeout.count())) != 1) return -1;
  const int fd = ::accept(fd_, nullptr, nullptr);
  if (fd < 0) return -1;
  const timeval receive{.tv_sec = 5, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &receive, sizeof receive);
  return fd;
}

}  // namespace cellkit::live::test

// The blocking loopback client: non-blocking socket, poll against one deadline.
#include "cellkit/live/loopback_http.h"

#include "cellkit/base/cut.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace cellkit::live {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxReply = 16 << 20;

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

HttpResult fail(HttpFailure failure, std::string detail) {
  HttpResult r;
  r.failure = failure;
  r.detail = std::move(detail);
  return r;
}

HttpFailure failure_of_errno(int err) {
  if (err == ECONNREFUSED) return HttpFailure::kRefused;
  if (err == ECONNRESET) return HttpFailure::kReset;
  if (err == EPIPE) return HttpFailure::kClosed;
  return HttpFailure::kOther;
}

// Owns a socket fd.
struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) close(fd);
  }
};

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

// Waits for `events` on fd; false when the deadline passed.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    const int n = poll(&p, 1, remaining_ms(deadline));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

HttpResult connect_to(const Endpoint& ep, Socket& sock, Clock::time_point deadline) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(ep.port);
  if (inet_pton(AF_INET, ep.host.c_str(), &addr.sin_addr) != 1)
    return fail(HttpFailure::kOther, fmt::format("'{}' is not an IPv4 address", ep.host));
  sock.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (sock.fd < 0) return fail(HttpFailure::kOther, fmt::format("socket: {}", strerror(errno)));
  const int one = 1;
  setsockopt(sock.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(sock.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return {};
  if (errno != EINPROGRESS)
    return fail(failure_of_errno(errno), fmt::format("connect: {}", strerror(errno)));
  if (!wait_for(sock.fd, POLLOUT, deadline))
    return fail(HttpFailure::kTimeout, "timed out connecting");
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(sock.fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return fail(failure_of_errno(err), fmt::format("connect: {}", strerror(err)));
  return {};
}

std::string serialize(const Endpoint& ep, const HttpRequest& request) {
  std::string out = fmt::format("{} {} HTTP/1.1\r\nHost: {}:{}\r\n", request.method, request.target,
                                ep.host, ep.port);
  for (const auto& [name, value] : request.headers)
    out += fmt::format("{}: {}\r\n", name, value);
  const bool has_body =
      !request.body.empty() || request.method == "POST" || request.method == "PUT";
  if (has_body) out += fmt::format("Content-Length: {}\r\n", request.body.size());
  out += "Connection: close\r\n\r\n";
  out += request.body;
  return out;
}

HttpResult send_all(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN)
      return fail(failure_of_errno(errno), fmt::format("send: {}", strerror(errno)));
    if (!wait_for(fd, POLLOUT, deadline)) return fail(HttpFailure::kTimeout, "timed out sending");
  }
  return {};
}

// Parsing of what has arrived so far. complete() says whether the reply is whole.
struct ReplyParser {
  std::string data;
  std::size_t header_end = std::string::npos;  // offset of the body
  std::optional<std::size_t> content_length;
  bool chunked = false;

  bool parse_head(HttpReply& reply, std::string& error);
  // Decodes the chunked body; nothing until the final chunk arrived.
  std::optional<std::string> dechunk() const;
};

bool ReplyParser::parse_head(HttpReply& reply, std::string& error) {
  header_end = data.find("\r\n\r\n");
  if (header_end == std::string::npos) return false;
  std::string_view head(data.data(), header_end);
  header_end += 4;
  const std::size_t line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." ||
      std::from_chars(status_line.data() + 9, status_line.data() + 12, reply.status).ec !=
          std::errc{}) {
    error = fmt::format("bad status line '{}'", cut(status_line));
    return false;
  }
  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  while (!rest.empty()) {
    const std::size_t e = rest.find("\r\n");
    const std::string_view line = rest.substr(0, e);
    rest = e == std::string_view::npos ? "" : rest.substr(e + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    reply.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  if (auto cl = reply.header("Content-Length")) {
    std::size_t n = 0;
    if (std::from_chars(cl->data(), cl->data() + cl->size(), n).ec != std::errc{}) {
      error = fmt::format("bad Content-Length '{}'", *cl);
      return false;
    }
    content_length = n;
  }
  if (auto te = reply.header("Transfer-Encoding")) chunked = iequals(*te, "chunked");
  return true;
}

std::optional<std::string> ReplyParser::dechunk() const {
  std::string body;
  std::size_t pos = header_end;
  while (true) {
    const std::size_t eol = data.find("\r\n", pos);
    if (eol == std::string::npos) return std::nullopt;
    std::size_t size = 0;
    std::from_chars(data.data() + pos, data.data() + eol, size, 16);
    if (size == 0)
      return data.find("\r\n", eol + 2) == std::string::npos ? std::nullopt : std::optional(body);
    if (data.size() < eol + 2 + size + 2) return std::nullopt;
    body.append(data, eol + 2, size);
    pos = eol + 2 + size + 2;
  }
}

// True when `parser` holds a whole reply (moved into reply.body).
bool complete(ReplyParser& parser, HttpReply& reply) {
  if (parser.chunked) {
    std::optional<std::string> body = parser.dechunk();
    if (body) reply.body = std::move(*body);
    return body.has_value();
  }
  const std::size_t want = parser.content_length.value_or(0);
  if (!parser.content_length || parser.data.size() < parser.header_end + want) return false;
  reply.body = parser.data.substr(parser.header_end, want);
  return true;
}

HttpResult read_reply(int fd, Clock::time_point deadline) {
  HttpResult result;
  ReplyParser parser;
  bool head = false;
  char chunk[16384];
  while (true) {
    if (!wait_for(fd, POLLIN, deadline))
      return fail(HttpFailure::kTimeout, "timed out waiting for the reply");
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return fail(failure_of_errno(errno), fmt::format("recv: {}", strerror(errno)));
    if (n == 0) {
      if (head && !parser.content_length && !parser.chunked) {
        result.reply.body = parser.data.substr(parser.header_end);
        return result;
      }
      return fail(HttpFailure::kClosed, parser.data.empty() ? "closed before any reply"
                                                            : "closed in the middle of the reply");
    }
    parser.data.append(chunk, static_cast<std::size_t>(n));
    if (parser.data.size() > kMaxReply) return fail(HttpFailure::kProtocol, "reply over 16 MiB");
    std::string error;
    if (!head) head = parser.parse_head(result.reply, error);
    if (!error.empty()) return fail(HttpFailure::kProtocol, error);
    if (head && complete(parser, result.reply)) return result;
  }
}

}  // namespace

Result<Endpoint> parse_endpoint(std::string_view text) {
  const auto bad = [&] {
    return invalid_argument(fmt::format(
        "'{}' is not an endpoint; expected HOST:PORT with an IPv4 host, e.g. 127.0.0.1:8080",
        cut(text)));
  };
  std::optional<Endpoint> ep = split_host_port(text);
  in_addr addr{};
  if (!ep || inet_pton(AF_INET, ep->host.c_str(), &addr) != 1) return bad();
  return *std::move(ep);
}

Result<Endpoint> parse_listening_line(std::string_view line) {
  constexpr std::string_view kPrefix = "listening on ";
  if (line.substr(0, kPrefix.size()) != kPrefix)
    return invalid_argument(fmt::format("expected 'listening on HOST:PORT', got '{}'", line));
  return parse_endpoint(line.substr(kPrefix.size()));
}

std::optional<std::string> HttpReply::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) return v;
  return std::nullopt;
}

std::string_view to_string(HttpFailure failure) {
  switch (failure) {
    case HttpFailure::kNone:
      return "none";
    case HttpFailure::kRefused:
      return "refused";
    case HttpFailure::kReset:
      return "reset";
    case HttpFailure::kClosed:
      return "closed";
    case HttpFailure::kTimeout:
      return "timeout";
    case HttpFailure::kProtocol:
      return "protocol";
    case HttpFailure::kOther:
      return "other";
  }
  return "other";
}

HttpResult loopback_call(const Endpoint& endpoint, const HttpRequest& request,
                         std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  Socket sock;
  if (HttpResult r = connect_to(endpoint, sock, deadline); !r.is_ok()) return r;
  if (HttpResult r = send_all(sock.fd, serialize(endpoint, request), deadline); !r.is_ok())
    return r;
  return read_reply(sock.fd, deadline);
}

}  // namespace cellkit::live

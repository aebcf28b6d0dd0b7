// The blocking HTTP server: its refusals before it listens, and the bodies it reads.
#include "cellkit/live/http_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <mutex>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "live/harness.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;

ServiceReply ok(const ServiceRequest&) {
  return {};
}

TEST(HttpServer, ABadListenAddressIsNamedCut) {
  const std::string v(500, 'v');
  const std::string shown = std::string(40, 'v') + "...";
  EXPECT_EQ(HttpServer::start(v, ok).status().message(),
            "--listen '" + shown + "' is not HOST:PORT (PORT 0-65535)");
  EXPECT_EQ(HttpServer::start(v + ":0", ok).status().message(),
            "--listen host '" + shown + "' is not an IP address");
}

// The last body the handler was given.
struct LastBody {
  std::mutex mutex;
  std::string body;
};

// Sends `wire` on a fresh connection and returns what comes back until the head is whole,
// the connection closes, or 5 s pass (connect_raw's receive timeout).
std::string raw_exchange(const Endpoint& e, const std::string& wire) {
  const int fd = test::connect_raw(e);
  EXPECT_GE(fd, 0);
  if (fd < 0) return {};
  EXPECT_EQ(::send(fd, wire.data(), wire.size(), MSG_NOSIGNAL), static_cast<ssize_t>(wire.size()));
  std::string answer;
  char buffer[4096];
  while (answer.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

// Batched onboarding bodies run to megabytes: one of exactly max_body_bytes (4 MiB) reaches
// the handler whole; one byte more is 413, whether announced by its Content-Length or
// crossed by a chunk (whose bytes never come: the server must not wait for them).
TEST(HttpServer, AMultiMegabyteBodyArrivesWholeAndOneByteOverTheLimitIs413) {
  constexpr std::size_t kLimit = 4u << 20;
  auto last = std::make_shared<LastBody>();
  auto server = HttpServer::start("127.0.0.1:0",
                                  [last](const ServiceRequest& r) {
                                    std::lock_guard lock(last->mutex);
                                    last->body = r.body;
                                    return ServiceReply{};
                                  },
                                  {.max_body_bytes = kLimit});
  ASSERT_TRUE(server.is_ok()) << server.status().message();
  const Endpoint e = parse_endpoint((*server)->address()).value();

  std::string body(kLimit, ' ');
  for (std::size_t i = 0; i < body.size(); ++i)
    body[i] = static_cast<char>('a' + (i * 7919 + i / 26) % 26);  // a byte moved or lost shows
  HttpResult r = loopback_call(e, {.method = "POST", .target = "/v1/tenants", .body = body}, 20s);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 200);
  {
    std::lock_guard lock(last->mutex);
    EXPECT_EQ(last->body.size(), kLimit);
    EXPECT_TRUE(last->body == body);
    last->body.clear();
  }

  const std::string head = "POST /v1/tenants HTTP/1.1\r\nHost: c\r\n";
  EXPECT_TRUE(raw_exchange(e, head + fmt::format("Content-Length: {}\r\n\r\n", kLimit + 1))
                  .starts_with("HTTP/1.1 413 "));
  const std::string part = body.substr(1);  // one byte short of the limit
  const std::string crossing = fmt::format(
      "{}Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{}\r\n2\r\n", head, part.size(), part);
  EXPECT_TRUE(raw_exchange(e, crossing).starts_with("HTTP/1.1 413 "));
  std::lock_guard lock(last->mutex);
  EXPECT_EQ(last->body, "");
}

}  // namespace
}  // namespace cellkit::live

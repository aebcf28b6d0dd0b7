// The blocking client tells refused, reset, closed and timed out apart.
#include "cellkit/live/loopback_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;

// A listening loopback socket whose port is known; closes on destruction.
struct Listener {
  int fd = -1;
  std::uint16_t port = 0;
  Listener() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd, 4);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ~Listener() {
    if (fd >= 0) close(fd);
  }
  Endpoint endpoint() const { return {"127.0.0.1", port}; }
  // Accepts one connection, reads a little, then does `then` with it.
  std::thread serve_once(std::function<void(int)> then) {
    return std::thread([this, then] {
      const int c = accept(fd, nullptr, nullptr);
      char buf[4096];
      [[maybe_unused]] ssize_t n = recv(c, buf, sizeof buf, 0);
      then(c);
      close(c);
    });
  }
};

void send_text(int fd, std::string_view text) {
  [[maybe_unused]] ssize_t n = send(fd, text.data(), text.size(), MSG_NOSIGNAL);
}

TEST(HttpClient, RefusedWhenNothingListens) {
  Endpoint gone;
  {
    Listener l;
    gone = l.endpoint();
  }
  HttpResult r = loopback_call(gone, {}, 2s);
  EXPECT_EQ(r.failure, HttpFailure::kRefused) << r.detail;
}

TEST(HttpClient, TimesOutWhenTheServerNeverAnswers) {
  Listener l;  // accepts into the backlog, never replies
  const auto start = std::chrono::steady_clock::now();
  HttpResult r = loopback_call(l.endpoint(), {}, 100ms);
  EXPECT_EQ(r.failure, HttpFailure::kTimeout) << r.detail;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(HttpClient, ResetWhenTheServerAbortsTheConnection) {
  Listener l;
  std::thread t = l.serve_once([](int c) {
    const linger hard{1, 0};
    setsockopt(c, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  });
  HttpResult r = loopback_call(l.endpoint(), {}, 2s);
  t.join();
  EXPECT_EQ(r.failure, HttpFailure::kReset) << r.detail;
}

TEST(HttpClient, ClosedWhenTheServerHangsUpWithoutAReply) {
  Listener l;
  std::thread t = l.serve_once([](int) {});
  HttpResult r = loopback_call(l.endpoint(), {}, 2s);
  t.join();
  EXPECT_EQ(r.failure, HttpFailure::kClosed) << r.detail;
}

TEST(HttpClient, ReadsContentLengthAndChunkedReplies) {
  Listener l;
  std::thread t = l.serve_once([](int c) {
    send_text(c, "HTTP/1.1 201 Created\r\nX-Cell: a\r\nContent-Length: 5\r\n\r\nhello");
  });
  HttpResult r = loopback_call(l.endpoint(), {}, 2s);
  t.join();
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->header("x-cell"), "a");
  EXPECT_EQ(r->body, "hello");
  std::thread t2 = l.serve_once([](int c) {
    send_text(
        c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  });
  HttpResult chunked = loopback_call(l.endpoint(), {}, 2s);
  t2.join();
  ASSERT_TRUE(chunked.is_ok()) << chunked.detail;
  EXPECT_EQ(chunked->body, "abcde");
}

TEST(HttpClient, ProtocolErrorOnAReplyThatIsNotHttp) {
  Listener l;
  std::thread t = l.serve_once([](int c) { send_text(c, "SSH-2.0-OpenSSH\r\n\r\n"); });
  HttpResult r = loopback_call(l.endpoint(), {}, 2s);
  t.join();
  EXPECT_EQ(r.failure, HttpFailure::kProtocol);
}

// A bad status line is quoted cut (base/cut.h), however long the cell made it.
TEST(HttpClient, ALongBadStatusLineIsQuotedCut) {
  Listener l;
  const std::string line(10'000, 'x');
  std::thread t = l.serve_once([&](int c) { send_text(c, line + "\r\n\r\n"); });
  HttpResult r = loopback_call(l.endpoint(), {}, 2s);
  t.join();
  EXPECT_EQ(r.failure, HttpFailure::kProtocol);
  EXPECT_NE(r.detail.find("bad status line '" + std::string(40, 'x') + "...'"), std::string::npos)
      << r.detail.substr(0, 200);
  EXPECT_LT(r.detail.size(), 200u);
}

TEST(Endpoint, ParsesHostAndPortAndNamesBadText) {
  EXPECT_EQ(*parse_endpoint("127.0.0.1:4001"), (Endpoint{"127.0.0.1", 4001}));
  EXPECT_FALSE(parse_endpoint("127.0.0.1").is_ok());
  EXPECT_FALSE(parse_endpoint("127.0.0.1:70000").is_ok());
  EXPECT_FALSE(parse_endpoint("host:80").is_ok());
  EXPECT_EQ(*parse_listening_line("listening on 127.0.0.1:9"), (Endpoint{"127.0.0.1", 9}));
  EXPECT_EQ(parse_listening_line("hello").status().message(),
            "expected 'listening on HOST:PORT', got 'hello'");
}

}  // namespace
}  // namespace cellkit::live

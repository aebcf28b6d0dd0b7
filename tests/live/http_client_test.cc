// The stream of lines of http_stream_lines (the etcd watch's reader), and the error messages
// of the HTTP callers that quote a reply's body, against a fake server: a loopback socket
// owned by the test that answers what each case needs.
#include "cellkit/live/http_client.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cellkit/base/cut.h"
#include "cellkit/base/limits.h"
#include "cellkit/core/fleet.h"
#include "cellkit/live/control_source.h"
#include "cellkit/live/etcd_client.h"
#include "cellkit/live/local_fleet.h"
#include "live/control_api_call.h"
#include "live/harness.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kChunkedHead =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return std::string(size) + std::string(data) + "\r\n";
}

// Reads the client's request, head and body (its Content-Length), so that closing the socket
// afterwards ends the connection cleanly instead of resetting it.
void read_request(int fd) {
  std::string got;
  char buf[4096];
  std::size_t end = std::string::npos;
  while ((end = got.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    got.append(buf, static_cast<std::size_t>(n));
  }
  const std::size_t at = got.find("Content-Length: ");
  const std::size_t body = at == std::string::npos ? 0 : std::strtoul(&got[at + 16], nullptr, 10);
  while (got.size() < end + 4 + body) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    got.append(buf, static_cast<std::size_t>(n));
  }
}

// Serves one connection on `listener` in a thread: reads the request, then runs `answer`
// with the socket, then closes it. Joined when the returned thread is destroyed.
std::jthread serve_once(const test::LoopbackListener& listener, std::function<void(int)> answer) {
  return std::jthread([&listener, answer = std::move(answer)] {
    const int fd = listener.accept();
    if (fd < 0) return;
    read_request(fd);
    answer(fd);
    ::close(fd);
  });
}

struct Streamed {
  Result<StreamEnd> end;
  std::vector<std::string> lines;
};

Streamed stream_lines(const test::LoopbackListener& listener) {
  const HttpUrl url{.host = "127.0.0.1", .port = listener.endpoint().port};
  Streamed out{.end = StreamEnd::kStopped, .lines = {}};
  out.end = http_stream_lines(url, "/v3/watch", "{}", std::chrono::steady_clock::now() + 20s,
                              [&](std::string_view line) {
                                out.lines.emplace_back(line);
                                return true;
                              });
  return out;
}

TEST(HttpStreamLines, HandsOverEachLineWholeWhereverTheChunksCutIt) {
  test::LoopbackListener listener;
  ASSERT_NE(listener.endpoint().port, 0) << "cannot listen on loopback";
  auto server = serve_once(listener, [](int fd) {
    send_all(fd, kChunkedHead);
    for (std::string_view part : {"ab", "c\nde", "f\n\n", "g"})
      send_all(fd, chunk(part));
    send_all(fd, "0\r\n\r\n");
  });
  const Streamed got = stream_lines(listener);
  ASSERT_TRUE(got.end.is_ok()) << got.end.status().message();
  EXPECT_EQ(*got.end, StreamEnd::kEnded);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"abc", "def", ""}));  // "g" never ended
}

// A line of exactly the limit is taken; the next one, which never ends, is refused as soon
// as it passes the limit (the server would send 4 MiB of it, then hang up).
TEST(HttpStreamLines, AnEndlessLineIsRefusedAtTheLimit) {
  test::LoopbackListener listener;
  ASSERT_NE(listener.endpoint().port, 0) << "cannot listen on loopback";
  auto server = serve_once(listener, [](int fd) {
    send_all(fd, kChunkedHead);
    const std::string piece(64 * 1024, 'a');
    for (std::uint64_t sent = 0; sent < kMaxLineBytes; sent += piece.size())
      send_all(fd, chunk(piece));
    send_all(fd, chunk("\n"));
    for (std::uint64_t sent = 0; sent < 4 * kMaxLineBytes; sent += piece.size()) {
      if (!send_all(fd, chunk(piece))) return;  // the client hung up
    }
  });
  const Streamed got = stream_lines(listener);
  EXPECT_EQ(got.end.status().message(),
            fmt::format("http://127.0.0.1:{}/v3/watch: a line of the answer is longer than the "
                        "1048576 bytes (1 MiB) a line may hold",
                        listener.endpoint().port));
  ASSERT_EQ(got.lines.size(), 1u);
  EXPECT_EQ(got.lines[0].size(), kMaxLineBytes);
}

// A body that is not chunked would be kept whole by the parser: refused instead.
TEST(HttpStreamLines, ABodyThatIsNotChunkedIsRefused) {
  test::LoopbackListener listener;
  ASSERT_NE(listener.endpoint().port, 0) << "cannot listen on loopback";
  auto server = serve_once(listener, [](int fd) {
    send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab\ncd\n");
  });
  const Streamed got = stream_lines(listener);
  EXPECT_EQ(got.end.status().message(),
            fmt::format("http://127.0.0.1:{}/v3/watch answered a body that is not chunked; the "
                        "lines of a stream come in chunks",
                        listener.endpoint().port));
  EXPECT_TRUE(got.lines.empty());
}

// Error messages that quote a reply's body show its first kQuotedBodyBytes bytes, whole
// characters only, and how many bytes they left out: "x" then 5,000 "é", so byte 200 is
// inside the 100th "é" and the quote keeps 199 bytes of the 10,001.
struct LongBody {
  std::string body = "x";
  std::string quoted = "x";
  LongBody() {
    for (int i = 0; i < 5000; ++i)
      body += "\xc3\xa9";
    for (int i = 0; i < 99; ++i)
      quoted += "\xc3\xa9";
    quoted += "... (9802 more bytes)";
  }
  std::string reply(int status, std::string_view headers = "") const {
    return fmt::format(
        "HTTP/1.1 {} Whatever\r\n{}Content-Length: {}\r\nConnection: close\r\n\r\n{}", status,
        headers, body.size(), body);
  }
};

HttpUrl url_of(const test::LoopbackListener& listener) {
  return {.host = "127.0.0.1", .port = listener.endpoint().port};
}

TEST(QuotedReplyBody, ARouterFollowingTheControlPlaneCutsItsErrorAnswer) {
  test::LoopbackListener listener;
  ASSERT_NE(listener.endpoint().port, 0) << "cannot listen on loopback";
  const LongBody long_body;
  auto server = serve_once(listener, [&](int fd) { send_all(fd, long_body.reply(503)); });
  auto source = make_control_source(url_of(listener), 5000ms);
  EXPECT_EQ(source->read_pointer().status().message(),
            fmt::format("control:{}: GET /v1/snapshot answered 503: {}",
                        url_of(listener).to_string(), long_body.quoted));
}

TEST(QuotedReplyBody, AStoreFleetCutsTheControlPlanesErrorAnswer) {
  test::LoopbackListener listener;
  ASSERT_NE(listener.endpoint().port, 0) << "cannot listen on loopback";
  const LongBody long_body;
  auto server = serve_once(listener, [&](int fd) { send_all(fd, long_body.reply(400)); });
  EXPECT_EQ(call_api(listener.endpoint(), "POST", "/v1/cells", "{}").status().message(),
            "control plane: POST /v1/cells answered 400: " + long_body.quoted);
}

TEST(QuotedReplyBody, AnOrderCutsTheRoutersUnexpectedReply) {
  test::LoopbackListener listener;
  ASSERT_NE(listener.endpoint().port, 0) << "cannot listen on loopback";
  const LongBody long_body;
  auto server = serve_once(listener, [&](int fd) { send_all(fd, long_body.reply(500)); });
  EXPECT_EQ(
      send_order(listener.endpoint(), "t1", 1, Fleet{}, 5000ms).status().message(),
      "order from t1: unexpected reply 500 (X-Cell '', X-Cellkit-Outcome ''): " + long_body.quoted);
}

TEST(QuotedReplyBody, AnEtcdErrorMessageIsCut) {
  test::LoopbackListener listener;
  ASSERT_NE(listener.endpoint().port, 0) << "cannot listen on loopback";
  LongBody long_body;
  long_body.body = nlohmann::json{{"message", long_body.body}}.dump();
  auto server = serve_once(listener, [&](int fd) { send_all(fd, long_body.reply(500)); });
  EtcdClient etcd(url_of(listener), 5000ms);
  EXPECT_EQ(
      etcd.put("k", "v").status().message(),
      fmt::format("{}/v3/kv/put answered 500: {}", url_of(listener).to_string(), long_body.quoted));
}

// etcd's "message" that is not a string is quoted as its JSON, not thrown on.
TEST(QuotedReplyBody, AnEtcdErrorMessageThatIsNotAStringIsQuotedAsItsJson) {
  test::LoopbackListener listener;
  ASSERT_NE(listener.endpoint().port, 0) << "cannot listen on loopback";
  LongBody reply;
  reply.body = R"({"message":{"code":13,"why":["disk"]}})";
  auto server = serve_once(listener, [&](int fd) { send_all(fd, reply.reply(500)); });
  EtcdClient etcd(url_of(listener), 5000ms);
  EXPECT_EQ(etcd.put("k", "v").status().message(),
            fmt::format(R"({}/v3/kv/put answered 500: {{"code":13,"why":["disk"]}})",
                        url_of(listener).to_string()));
}

// A watch line etcd would not send (fields of other types than its own) ends the watch for a
// re-read; it used to throw out of the router's follower thread.
TEST(EtcdWatch, ALineOfAnotherShapeEndsTheWatchInsteadOfThrowing) {
  for (std::string_view odd : {R"({"result":"x"})", R"({"result":{"canceled":"yes"}})",
                               R"({"result":{"created":1,"events":[]}})", R"([1,2])"}) {
    test::LoopbackListener listener;
    ASSERT_NE(listener.endpoint().port, 0) << "cannot listen on loopback";
    auto server = serve_once(listener, [&](int fd) {
      send_all(fd, kChunkedHead);
      send_all(fd, chunk(R"({"result":{"created":"yes"}})"
                         "\n"));
      send_all(fd, chunk(std::string(odd) + "\n"));
      send_all(fd, "0\r\n\r\n");
    });
    EtcdClient etcd(url_of(listener), 5000ms);
    Result<EtcdWatchResult> watched =
        etcd.watch("routing/current", 1, std::chrono::steady_clock::now() + 10s, nullptr);
    ASSERT_TRUE(watched.is_ok()) << odd << ": " << watched.status().message();
    EXPECT_NE(watched->end, EtcdWatchEnd::kCanceled) << odd;
  }
}

}  // namespace
}  // namespace cellkit::live

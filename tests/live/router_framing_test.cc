// The router against hostile request framing (Content-Length and Transfer-Encoding corner
// cases), seen from both ends: what the client is answered and the bytes a cell receives.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "live/router_fixture.h"

namespace cellkit::live::test {
namespace {

// A cell that records what it is sent: accepts one connection at a time, reads until the
// router goes quiet, answers 200 and closes (so the router never pools it).
class CaptureCell {
 public:
  CaptureCell() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t size = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &size);
    port_ = ntohs(addr.sin_port);
  }
  ~CaptureCell() { ::close(fd_); }
  CaptureCell(const CaptureCell&) = delete;
  CaptureCell& operator=(const CaptureCell&) = delete;

  std::uint16_t port() const { return port_; }
  int listener() const { return fd_; }

  // The bytes of the connection waiting to be accepted, answered 200; empty when none came.
  std::string serve_one() {
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return {};
    std::string got;
    char buffer[4096];
    for (int quiet = 0; quiet < 3;) {  // 3 × 50 ms without a byte: the request is all there
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) {
        ++quiet;
        continue;
      }
      const ssize_t n = ::recv(c, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      got.append(buffer, static_cast<std::size_t>(n));
      quiet = 0;
    }
    static constexpr std::string_view kOk =
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    (void)::send(c, kOk.data(), kOk.size(), MSG_NOSIGNAL);
    ::close(c);
    return got;
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

struct Exchange {
  std::string answer;     // what the client got (up to 3 s)
  std::string forwarded;  // what the cell got, empty when nothing was forwarded
};

// Sends `request` to the router and serves whatever it forwards; bounded: 3 s for the answer.
Exchange exchange(const Endpoint& router, CaptureCell& cell, const std::string& request) {
  Exchange out;
  const int fd = connect_raw(router);
  EXPECT_GE(fd, 0);
  if (fd < 0) return out;
  EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p[2] = {{fd, POLLIN, 0}, {cell.listener(), POLLIN, 0}};
    if (::poll(p, 2, 100) <= 0) continue;
    if (p[1].revents & POLLIN) out.forwarded += cell.serve_one();
    if (p[0].revents & (POLLIN | POLLHUP)) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      out.answer.append(buffer, static_cast<std::size_t>(n));
      if (out.answer.find("\r\n\r\n") != std::string::npos) break;
    }
  }
  ::close(fd);
  return out;
}

class RouterFraming : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string mapping = (fleet_.dir() / "capture.json").string();
    std::ofstream(mapping) << fmt::format(
        "{{\"format\": \"cellkit.mapping\", \"version\": 2, \"routing_version\": 1,\n"
        "\"cells\": [{{\"id\": 0, \"name\": \"capture\", \"endpoint\": \"127.0.0.1:{}\"}}],\n"
        "\"tenants\": [{{\"name\": \"acme\", \"cells\": [\"capture\"]}}]}}\n",
        cell_.port());
    fleet_.start_router(mapping, {"--health-interval", "0ms"});
  }
  Exchange send(const std::string& head_fields, const std::string& body) {
    return exchange(
        fleet_.router_endpoint(), cell_,
        "POST /orders HTTP/1.1\r\nHost: r\r\nX-Tenant: acme\r\n" + head_fields + "\r\n" + body);
  }

  RouterFleet fleet_{0};
  CaptureCell cell_;
};

void expect_refused(const Exchange& e, const std::string& what) {
  EXPECT_TRUE(e.answer.starts_with("HTTP/1.1 400 ")) << what << "\n" << e.answer;
  EXPECT_EQ(e.forwarded, "") << what;
}

// Both framings, a signed or spaced length, two codings, a bad chunk, trailer fields: 400,
// never sent on.
TEST_F(RouterFraming, AmbiguousOrMalformedFramingIsRefusedAndNotForwarded) {
  expect_refused(
      send("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "5\r\nhello\r\n0\r\n\r\n"),
      "TE then CL");
  expect_refused(
      send("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
      "CL then TE");
  expect_refused(send("Content-Length: +5\r\n", "hello"), "CL with a sign");
  expect_refused(send("Content-Length: 5, 6\r\n", "hello"), "CL list of two values");
  expect_refused(send("Content-Length: 5 5\r\n", "hello"), "CL with a space inside");
  expect_refused(send("Transfer-Encoding: chunked, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                 "TE chunked, chunked");
  expect_refused(send("Transfer-Encoding : chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                 "space before the colon");
  expect_refused(send("Transfer-Encoding: chunked\r\n", "FFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n"),
                 "chunk size past 64 bits");
  expect_refused(send("Transfer-Encoding: chunked\r\n", "-5\r\nhello\r\n0\r\n\r\n"),
                 "negative chunk size");
  expect_refused(send("Transfer-Encoding: chunked\r\n", "3\r\nhello\r\n0\r\n\r\n"),
                 "chunk longer than its size");
  // Trailer fields would reach a cell as header fields (beside the X-Tenant routed on).
  expect_refused(send("Transfer-Encoding: chunked\r\n",
                      "5\r\nhello\r\n0\r\nX-Tenant: globex\r\nX-After: 1\r\n\r\n"),
                 "trailer fields");
}

// What is accepted reaches the cell with one framing, said once: a Content-Length of the body's
// size, or chunked as the router writes it (no chunk extensions).
TEST_F(RouterFraming, AcceptedFramingReachesTheCellInOneCanonicalForm) {
  const auto forwarded = [&](const std::string& fields, const std::string& body) {
    const Exchange e = send(fields, body);
    EXPECT_TRUE(e.answer.starts_with("HTTP/1.1 200 ")) << fields << "\n" << e.answer;
    return e.forwarded;
  };
  for (const std::string cl :
       {"Content-Length: 5, 5\r\n", "Content-Length: 5\r\nContent-Length: 5\r\n",
        "Content-Length:    5   \r\n", "Content-Length: 005\r\n"}) {
    const std::string got = forwarded(cl, "hello");
    EXPECT_NE(got.find("\r\nContent-Length: 5\r\n"), std::string::npos) << cl << got;
    EXPECT_EQ(got.find("Content-Length", got.find("Content-Length") + 1), std::string::npos)
        << cl << got;
    EXPECT_TRUE(got.ends_with("\r\n\r\nhello")) << cl << got;
  }
  for (const std::string te : {"Transfer-Encoding: chunked\r\n", "Transfer-Encoding: CHUNKED\r\n",
                               "Transfer-Encoding:\r\n chunked\r\n"}) {
    const std::string got = forwarded(te, "5\r\nhello\r\n0\r\n\r\n");
    EXPECT_TRUE(got.ends_with("\r\n\r\n5\r\nhello\r\n0\r\n\r\n")) << te << got;
    EXPECT_EQ(got.find("Content-Length"), std::string::npos) << te << got;
  }
  const std::string extensions =
      forwarded("Transfer-Encoding: chunked\r\n", "5;a=1;b=\"x\"\r\nhello\r\n0;c\r\n\r\n");
  EXPECT_TRUE(extensions.ends_with("\r\n\r\n5\r\nhello\r\n0\r\n\r\n")) << extensions;
}

// Large bodies are read with room made for them and given back after each request: two
// pipelined requests with 60 KB bodies (Content-Length, then chunked) and a small one, sent
// in one write, reach the cell whole and in order, each answered.
TEST_F(RouterFraming, PipelinedRequestsWithLargeBodiesAreEachForwardedWhole) {
  std::string bodies[3];
  std::string wire;
  for (int i = 0; i < 3; ++i) {
    bodies[i] = i == 2 ? std::string("small") : std::string(60000, static_cast<char>('a' + i));
    const std::string framed =
        i == 1 ? fmt::format("{:x}\r\n{}\r\n0\r\n\r\n", bodies[i].size(), bodies[i]) : bodies[i];
    wire += fmt::format("POST /orders HTTP/1.1\r\nHost: r\r\nX-Tenant: acme\r\n{}\r\n{}",
                        i == 1 ? std::string("Transfer-Encoding: chunked\r\n")
                               : fmt::format("Content-Length: {}\r\n", bodies[i].size()),
                        framed);
  }
  const int fd = connect_raw(fleet_.router_endpoint());
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::send(fd, wire.data(), wire.size(), MSG_NOSIGNAL), static_cast<ssize_t>(wire.size()));
  std::string answers;
  std::vector<std::string> forwarded;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  char buffer[4096];
  const auto answered = [&] {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = answers.find("HTTP/1.1 200 ", at)) != std::string::npos; ++at)
      ++n;
    return n;
  };
  while (answered() < 3 && std::chrono::steady_clock::now() < deadline) {
    pollfd p[2] = {{fd, POLLIN, 0}, {cell_.listener(), POLLIN, 0}};
    if (::poll(p, 2, 100) <= 0) continue;
    if (p[1].revents & POLLIN) forwarded.push_back(cell_.serve_one());
    if (p[0].revents & (POLLIN | POLLHUP)) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      answers.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  EXPECT_EQ(answered(), 3u) << answers;
  ASSERT_EQ(forwarded.size(), 3u);
  EXPECT_TRUE(forwarded[0].ends_with("\r\n\r\n" + bodies[0])) << forwarded[0].substr(0, 200);
  EXPECT_TRUE(forwarded[1].ends_with(
      fmt::format("\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n", bodies[1].size(), bodies[1])))
      << forwarded[1].substr(0, 200);
  EXPECT_TRUE(forwarded[2].ends_with("\r\n\r\nsmall")) << forwarded[2];
}

}  // namespace
}  // namespace cellkit::live::test

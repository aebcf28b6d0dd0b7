// The router against hostile request framing (Content-Length and Transfer-Encoding corner
// cases), seen from both ends: what the client is answered and the bytes a cell receives.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
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

// The routers' --max-body-bytes here: five times the buffer's room before a body.
constexpr std::size_t kBodyLimit = 100000;

class RouterFraming : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string mapping = (fleet_.dir() / "capture.json").string();
    std::ofstream(mapping) << fmt::format(
        "{{\"format\": \"cellkit.mapping\", \"version\": 2, \"routing_version\": 1,\n"
        "\"cells\": [{{\"id\": 0, \"name\": \"capture\", \"endpoint\": \"127.0.0.1:{}\"}}],\n"
        "\"tenants\": [{{\"name\": \"acme\", \"cells\": [\"capture\"]}}]}}\n",
        cell_.port());
    fleet_.start_router(
        mapping, {"--health-interval", "0ms", "--max-body-bytes", std::to_string(kBodyLimit)});
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

// One write of pipelined requests; serves what the router forwards until `answers` 200s came
// back (bounded: 5 s). Returns the forwarded requests in order and the client's bytes.
struct Conversation {
  std::string answers;
  std::vector<std::string> forwarded;
  std::size_t ok() const {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = answers.find("HTTP/1.1 200 ", at)) != std::string::npos; ++at)
      ++n;
    return n;
  }
};

Conversation converse(const Endpoint& router, CaptureCell& cell, const std::string& wire,
                      std::size_t answers) {
  Conversation out;
  const int fd = connect_raw(router);
  EXPECT_GE(fd, 0);
  if (fd < 0) return out;
  EXPECT_EQ(::send(fd, wire.data(), wire.size(), MSG_NOSIGNAL), static_cast<ssize_t>(wire.size()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  char buffer[4096];
  while (out.ok() < answers && std::chrono::steady_clock::now() < deadline) {
    pollfd p[2] = {{fd, POLLIN, 0}, {cell.listener(), POLLIN, 0}};
    if (::poll(p, 2, 100) <= 0) continue;
    if (p[1].revents & POLLIN) out.forwarded.push_back(cell.serve_one());
    if (p[0].revents & (POLLIN | POLLHUP)) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      out.answers.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

std::string post(const std::string& framing, const std::string& framed_body) {
  return "POST /orders HTTP/1.1\r\nHost: r\r\nX-Tenant: acme\r\n" + framing + "\r\n" + framed_body;
}

std::string content_length(const std::string& body) {
  return post(fmt::format("Content-Length: {}\r\n", body.size()), body);
}

// `body` in chunks of the given sizes (the last one takes the rest), then the last chunk.
std::string chunked(const std::string& body, const std::vector<std::size_t>& sizes) {
  std::string framed;
  std::size_t at = 0;
  for (std::size_t i = 0; at < body.size(); ++i) {
    const std::size_t n =
        i + 1 < sizes.size() ? std::min(sizes[i], body.size() - at) : body.size() - at;
    framed += fmt::format("{:x}\r\n{}\r\n", n, body.substr(at, n));
    at += n;
  }
  return post("Transfer-Encoding: chunked\r\n", framed + "0\r\n\r\n");
}

// How the router forwards a chunked body: one chunk, then the last one.
std::string one_chunk(const std::string& body) {
  return fmt::format("\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n", body.size(), body);
}

// A body whose every 8 bytes name their offset: a byte lost, repeated or moved shows.
std::string numbered_body(std::size_t size) {
  std::string body;
  for (std::size_t at = 0; body.size() < size; at += 8)
    body += fmt::format("{:07x}.", at);
  body.resize(size);
  return body;
}

// Large bodies are read with room made for them and given back after each request: two
// pipelined requests with 60 KB bodies (Content-Length, then chunked) and a small one, sent
// in one write, reach the cell whole and in order, each answered.
TEST_F(RouterFraming, PipelinedRequestsWithLargeBodiesAreEachForwardedWhole) {
  const std::string a(60000, 'a');
  const std::string b(60000, 'b');
  const Conversation c =
      converse(fleet_.router_endpoint(), cell_,
               content_length(a) + chunked(b, {b.size()}) + content_length("small"), 3);
  EXPECT_EQ(c.ok(), 3u) << c.answers;
  ASSERT_EQ(c.forwarded.size(), 3u);
  EXPECT_TRUE(c.forwarded[0].ends_with("\r\n\r\n" + a)) << c.forwarded[0].substr(0, 200);
  EXPECT_TRUE(c.forwarded[1].ends_with(one_chunk(b))) << c.forwarded[1].substr(0, 200);
  EXPECT_TRUE(c.forwarded[2].ends_with("\r\n\r\nsmall")) << c.forwarded[2];
}

// A Content-Length body of exactly --max-body-bytes, five times the buffer's room (a 16 KiB
// head and 4 KiB), is read in large reads and reaches the cell whole; the request pipelined
// behind it, in the same write, is served after it.
TEST_F(RouterFraming, AContentLengthBodyLargerThanTheBuffersRoomReachesTheCellWhole) {
  const std::string body = numbered_body(kBodyLimit);
  const Conversation c =
      converse(fleet_.router_endpoint(), cell_, content_length(body) + content_length("after"), 2);
  EXPECT_EQ(c.ok(), 2u) << c.answers;
  ASSERT_EQ(c.forwarded.size(), 2u);
  EXPECT_NE(c.forwarded[0].find(fmt::format("\r\nContent-Length: {}\r\n", kBodyLimit)),
            std::string::npos);
  EXPECT_TRUE(c.forwarded[0].ends_with("\r\n\r\n" + body)) << c.forwarded[0].substr(0, 300);
  EXPECT_TRUE(c.forwarded[1].ends_with("\r\n\r\nafter")) << c.forwarded[1];
}

// A chunked body of exactly --max-body-bytes, in chunks below, at and over 4 KiB, reaches the
// cell whole as one chunk; the request pipelined behind it is served after it.
TEST_F(RouterFraming, AChunkedBodyOverFourKiBReachesTheCellWhole) {
  const std::string body = numbered_body(kBodyLimit);
  const Conversation c =
      converse(fleet_.router_endpoint(), cell_,
               chunked(body, {1, 4095, 4096, 4097, 70000, 0}) + content_length("after"), 2);
  EXPECT_EQ(c.ok(), 2u) << c.answers;
  ASSERT_EQ(c.forwarded.size(), 2u);
  EXPECT_TRUE(c.forwarded[0].ends_with(one_chunk(body))) << c.forwarded[0].substr(0, 300);
  EXPECT_TRUE(c.forwarded[1].ends_with("\r\n\r\nafter")) << c.forwarded[1];
}

// One byte over --max-body-bytes is 413 and nothing is forwarded: a Content-Length refused as
// it is read, a chunked body as the chunk that crosses the limit is announced (its bytes are
// never sent: the router must not wait for them).
TEST_F(RouterFraming, ABodyOneByteOverTheLimitIs413AndNotForwarded) {
  const Exchange announced =
      exchange(fleet_.router_endpoint(), cell_,
               post(fmt::format("Content-Length: {}\r\n", kBodyLimit + 1), numbered_body(30000)));
  EXPECT_TRUE(announced.answer.starts_with("HTTP/1.1 413 ")) << announced.answer;
  EXPECT_EQ(announced.forwarded, "");

  std::string framed;
  const std::string part = numbered_body(kBodyLimit - 1);
  for (std::size_t at = 0; at < part.size(); at += 30000) {
    const std::string piece = part.substr(at, 30000);
    framed += fmt::format("{:x}\r\n{}\r\n", piece.size(), piece);
  }
  const Exchange crossing = exchange(fleet_.router_endpoint(), cell_,
                                     post("Transfer-Encoding: chunked\r\n", framed + "2\r\n"));
  EXPECT_TRUE(crossing.answer.starts_with("HTTP/1.1 413 ")) << crossing.answer;
  EXPECT_EQ(crossing.forwarded, "");
}

}  // namespace
}  // namespace cellkit::live::test

// `cellkit router` streams cells' responses: large bodies arrive intact in both framings,
// the head arrives before a slow cell finishes, a slow client holds the cell back instead
// of the router's memory, and a cell dying mid-body cuts the client's connection.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "live/router_fixture.h"

namespace cellkit::live::test {
namespace {

using Clock = std::chrono::steady_clock;

// True when `pad` is what `cellkit cell --body-bytes` pads with: 8-byte records, each the
// decimal offset of the record (modulo 10^7) and '|'.
bool padding_intact(std::string_view pad) {
  for (std::size_t offset = 0; offset < pad.size(); offset += 8) {
    const std::string record = fmt::format("{:07}|", offset % 10000000);
    if (pad.substr(offset, 8) != std::string_view(record).substr(0, pad.size() - offset)) {
      return false;
    }
  }
  return true;
}

// A raw client connection: the test decides when to read.
class RawClient {
 public:
  explicit RawClient(const Endpoint& to) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(to.port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { ::close(fd_); }
  bool connected() const { return connected_; }

  bool send_order(const std::string& tenant, int bags) {
    const std::string body = fmt::format("{{\"bags\": {}}}", bags);
    const std::string req = fmt::format(
        "POST /orders HTTP/1.1\r\nHost: x\r\nX-Tenant: {}\r\nContent-Length: {}\r\n\r\n{}", tenant,
        body.size(), body);
    return ::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size());
  }

  // Reads until `done(received)` or the peer closes or `timeout` passes; false on timeout.
  template <class Done>
  bool read_until(const Done& done, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    char chunk[65536];
    while (!done(received_)) {
      const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) {
        closed_ = true;
        return true;
      }
      received_.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
  }
  const std::string& received() const { return received_; }
  bool closed() const { return closed_; }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

bool has_head(const std::string& s) {
  return s.find("\r\n\r\n") != std::string::npos;
}

std::size_t content_length(const std::string& s) {
  const std::size_t at = s.find("Content-Length: ");
  return at == std::string::npos ? 0 : std::stoul(s.substr(at + 16));
}

// VmRSS of a process in KiB, from /proc.
std::uint64_t rss_kib(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

double metric(const Endpoint& admin, const std::string& series) {
  HttpResult r = http(admin, "GET", "/metrics");
  if (!r.is_ok()) return -1;
  const std::size_t at = r->body.find(series + " ");
  return at == std::string::npos ? 0 : std::stod(r->body.substr(at + series.size() + 1));
}

TEST(RouterStreaming, LargeBodiesArriveIntactWithContentLengthAndChunked) {
  constexpr std::size_t kBytes = 3 * 1024 * 1024 + 123;
  for (const bool chunked : {false, true}) {
    std::vector<std::string> args{"--body-bytes", std::to_string(kBytes)};
    if (chunked) args.push_back("--chunked");
    RouterFleet fleet(1, args);
    fleet.start_router(fleet.write_mapping({{"acme", {0}}}));
    for (int i = 0; i < 2; ++i) {  // the second one over the pooled connection
      HttpResult r = order(fleet.router_endpoint(), "acme", 2, 20s);
      ASSERT_TRUE(r.is_ok()) << r.detail;
      ASSERT_EQ(r->status, 200);
      EXPECT_EQ(r->header("X-Cell"), "cell-0");
      EXPECT_EQ(r->header("Transfer-Encoding").has_value(), chunked);
      ASSERT_EQ(r->body.size(), kBytes);
      const nlohmann::json receipt = nlohmann::json::parse(r->body);
      EXPECT_EQ(receipt["order"], i + 1);
      EXPECT_TRUE(padding_intact(receipt["pad"].get<std::string>())) << "chunked " << chunked;
    }
  }
}

TEST(RouterStreaming, TheClientSeesTheHeadBeforeASlowCellFinishes) {
  // 4 pieces of 64 KiB, 300 ms apart: the cell needs at least 900 ms for its body.
  RouterFleet fleet(1, {"--body-bytes", "262144", "--body-pace", "300ms"});
  fleet.start_router(fleet.write_mapping({{"acme", {0}}}));
  RawClient client(fleet.router_endpoint());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send_order("acme", 1));
  ASSERT_TRUE(client.read_until(has_head, 5s));
  const auto head_at = Clock::now();
  const std::size_t head_end = client.received().find("\r\n\r\n") + 4;
  EXPECT_LT(client.received().size() - head_end, 262144u) << "the whole body came with the head";
  ASSERT_TRUE(
      client.read_until([&](const std::string& s) { return s.size() >= head_end + 262144; }, 10s));
  EXPECT_FALSE(client.closed());
  EXPECT_EQ(content_length(client.received()), 262144u);
  EXPECT_GE(Clock::now() - head_at, 500ms) << "the head waited for the body";
}

TEST(RouterStreaming, ASlowClientHoldsTheCellBackAndTheRoutersMemoryStaysBounded) {
  constexpr std::size_t kBytes = 16 * 1024 * 1024;
  RouterFleet fleet(1, {"--body-bytes", std::to_string(kBytes)});
  fleet.start_router(fleet.write_mapping({{"acme", {0}}}));
  auto whole = [](const std::string& s) {
    return has_head(s) && s.size() >= s.find("\r\n\r\n") + 4 + kBytes;
  };
  {
    RawClient warm(fleet.router_endpoint());  // the pool, the buffers, the pages touched
    ASSERT_TRUE(warm.connected() && warm.send_order("acme", 1));
    ASSERT_TRUE(warm.read_until(whole, 60s));
  }
  const std::uint64_t before = rss_kib(fleet.router().pid());
  RawClient client(fleet.router_endpoint());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send_order("acme", 1));
  ASSERT_TRUE(client.read_until(has_head, 10s));
  std::this_thread::sleep_for(500ms);  // the client reads nothing: the cell must wait
  const std::uint64_t during = rss_kib(fleet.router().pid());
  EXPECT_LT(during, before + 8 * 1024) << "router RSS grew from " << before << " to " << during
                                       << " KiB with a 16 MiB body in flight";
  const std::size_t head_end = client.received().find("\r\n\r\n") + 4;
  ASSERT_TRUE(client.read_until(whole, 60s));
  EXPECT_EQ(client.received().size(), head_end + kBytes);
}

// Under spread a request counts as in flight on its cell until its body has been passed on:
// while a client slowly takes a long body from one cell, the tenant's other requests go to
// the shard's other cell (the less busy one), not half of them to the busy one.
TEST(RouterStreaming, UnderSpreadARequestIsInFlightUntilItsBodyHasBeenPassedOn) {
  constexpr std::size_t kBytes = 16 * 1024 * 1024;
  RouterFleet fleet(2, {"--body-bytes", std::to_string(kBytes)});
  fleet.start_router(fleet.write_mapping({{"acme", {0, 1}}}), {"--routing", "spread"});
  RawClient slow(fleet.router_endpoint());
  ASSERT_TRUE(slow.connected() && slow.send_order("acme", 1));
  ASSERT_TRUE(slow.read_until(has_head, 10s));
  const std::string& head = slow.received();
  const bool on_cell0 = head.find("X-Cell: cell-0") != std::string::npos;
  ASSERT_TRUE(on_cell0 || head.find("X-Cell: cell-1") != std::string::npos) << head;
  const std::string other = on_cell0 ? "cell-1" : "cell-0";
  std::this_thread::sleep_for(200ms);  // the client reads no more: the body is mid-way
  std::map<std::string, int> by_cell;
  for (int i = 0; i < 20; ++i) {
    HttpResult r = http(fleet.router_endpoint(), "GET", "/healthz", {{"X-Tenant", "acme"}});
    ASSERT_TRUE(r.is_ok()) << r.detail;
    ASSERT_EQ(r->status, 200) << r->body;
    ++by_cell[r->header("X-Cell").value_or("")];
  }
  EXPECT_EQ(by_cell, (std::map<std::string, int>{{other, 20}}))
      << "requests went to the cell still streaming a body";
  auto whole = [](const std::string& s) {
    return has_head(s) && s.size() >= s.find("\r\n\r\n") + 4 + kBytes;
  };
  ASSERT_TRUE(slow.read_until(whole, 60s));
  // Once the body is out, the cell is idle again and takes its share.
  by_cell.clear();
  for (int i = 0; i < 40; ++i) {
    HttpResult r = http(fleet.router_endpoint(), "GET", "/healthz", {{"X-Tenant", "acme"}});
    ASSERT_TRUE(r.is_ok()) << r.detail;
    ++by_cell[r->header("X-Cell").value_or("")];
  }
  EXPECT_EQ(by_cell.size(), 2u) << "after the body, both cells serve again";
}

TEST(RouterStreaming, ACellDyingMidBodyClosesTheClientConnectionAndIsCounted) {
  RouterFleet fleet(2, {"--body-bytes", "2000000", "--cut-on-bags", "7"});
  fleet.start_router(fleet.write_mapping({{"acme", {0, 1}}}));
  const pid_t cell0 = fleet.cell(0).process.pid();
  RawClient client(fleet.router_endpoint());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send_order("acme", 7));
  ASSERT_TRUE(client.read_until([](const std::string&) { return false; }, 10s));
  ASSERT_TRUE(client.closed()) << "the router kept the connection open";
  const std::string& got = client.received();
  ASSERT_TRUE(has_head(got));
  EXPECT_EQ(got.substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_NE(got.find("X-Cell: cell-0"), std::string::npos);
  const std::size_t body = got.size() - (got.find("\r\n\r\n") + 4);
  EXPECT_GT(body, 0u);
  EXPECT_LT(body, content_length(got)) << "a cut response must not look complete";
  EXPECT_TRUE(wait_gone(cell0));

  EXPECT_EQ(metric(fleet.admin(),
                   "cellkit_router_requests_total{outcome=\"response_cut\",cell=\"cell-0\"}"),
            1);
  EXPECT_EQ(metric(fleet.admin(), "cellkit_router_ejections_total{cause=\"crash\"}"), 1);
  // Never retried: the other cell of the shard saw no order.
  HttpResult health = http(fleet.cell(1).endpoint, "GET", "/healthz");
  ASSERT_TRUE(health.is_ok()) << health.detail;
  EXPECT_EQ(nlohmann::json::parse(health->body)["orders"], 0);
  // The tenant's next request goes to its next cell, whole.
  HttpResult next = order(fleet.router_endpoint(), "acme", 1, 10s);
  ASSERT_TRUE(next.is_ok()) << next.detail;
  EXPECT_EQ(next->header("X-Cell"), "cell-1");
  EXPECT_EQ(next->body.size(), 2000000u);
}

}  // namespace
}  // namespace cellkit::live::test

// `cellkit router` under operations: snapshots offered, persisted and refused; the source
// going away; hostile clients; graceful shutdown; the admin listener.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/snapshot_file.h"
#include "live/router_fixture.h"

namespace cellkit::live::test {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

HttpResult put_snapshot(const Endpoint& admin, const std::string& body) {
  return http(admin, "PUT", "/admin/snapshot", {{"Content-Type", "application/octet-stream"}},
              body);
}

TEST(RouterSnapshots, OlderCorruptEmptyAndInvalidSnapshotsAreRefusedWholeAndANewerOneIsTaken) {
  RouterFleet fleet(2);
  fleet.start_router(fleet.write_mapping({{"acme", {0}}}, 5));
  const std::string older = read_file(fleet.write_mapping({{"acme", {1}}}, 4, "older.json"));
  HttpResult r = put_snapshot(fleet.admin(), older);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(nlohmann::json::parse(r->body)["reason"],
            "version 4 is not newer than the served version 5");

  std::string corrupt = read_file(fleet.write_mapping({{"acme", {1}}}, 6, "corrupt.json"));
  corrupt.resize(corrupt.size() / 2);
  r = put_snapshot(fleet.admin(), corrupt);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 422) << r->body;

  r = put_snapshot(fleet.admin(), read_file(fleet.write_mapping({}, 7, "empty.json")));
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("snapshot lists no tenant"), std::string::npos) << r->body;

  RoutingSnapshot invalid =
      load_snapshot_file(fleet.write_mapping({{"acme", {1}}}, 8, "i.json")).value();
  invalid.shards[0].second.push_back(CellId{7});
  const auto bytes = encode_snapshot(invalid);
  r = put_snapshot(fleet.admin(),
                   std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("names unknown cell 7"), std::string::npos) << r->body;

  HttpResult still = order(fleet.router_endpoint(), "acme", 1);
  ASSERT_TRUE(still.is_ok()) << still.detail;
  EXPECT_EQ(still->header("X-Cell"), "cell-0");
  EXPECT_EQ(still->header("X-Cellkit-Routing-Version"), "5");

  r = put_snapshot(fleet.admin(), read_file(fleet.write_mapping({{"acme", {1}}}, 9, "newer.json")));
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 200) << r->body;
  HttpResult moved = order(fleet.router_endpoint(), "acme", 1);
  ASSERT_TRUE(moved.is_ok()) << moved.detail;
  EXPECT_EQ(moved->header("X-Cell"), "cell-1");
  EXPECT_EQ(moved->header("X-Cellkit-Routing-Version"), "9");
}

TEST(RouterSnapshots, TheSourceGoingAwayFailsNothingAndARestartServesThePersistedSnapshot) {
  RouterFleet fleet(2);
  const std::string mapping = fleet.write_mapping({{"acme", {0, 1}}, {"globex", {1, 0}}}, 3);
  fleet.start_router(mapping);
  std::filesystem::remove(mapping);  // the snapshot source is gone
  for (int i = 0; i < 200; ++i) {
    HttpResult r = order(fleet.router_endpoint(), i % 2 == 0 ? "acme" : "globex", 1);
    ASSERT_TRUE(r.is_ok()) << r.detail;
    ASSERT_EQ(r->status, 200) << r->body;
  }
  ExitStatus stopped = fleet.router().stop(std::chrono::seconds(10));
  EXPECT_EQ(stopped, (ExitStatus{.exited = true, .code = 0}));
  fleet.stop_router();
  fleet.start_router("");  // --state-dir only
  HttpResult r = order(fleet.router_endpoint(), "globex", 1);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("X-Cell"), "cell-1");
  EXPECT_EQ(r->header("X-Cellkit-Routing-Version"), "3");
  HttpResult ready = http(fleet.admin(), "GET", "/admin/ready");
  ASSERT_TRUE(ready.is_ok()) << ready.detail;
  EXPECT_EQ(ready->status, 200);
}

TEST(RouterSnapshots, WithoutASnapshotTheRouterIsNotReady) {
  RouterFleet fleet(1);
  fleet.start_router("");
  HttpResult ready = http(fleet.admin(), "GET", "/admin/ready");
  ASSERT_TRUE(ready.is_ok()) << ready.detail;
  EXPECT_EQ(ready->status, 503);
  HttpResult r = order(fleet.router_endpoint(), "acme", 1);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->header("X-Cellkit-Outcome"), "not_ready");
}

TEST(RouterAdmin, MetricsAndRoutingDescribeTheRouter) {
  RouterFleet fleet(2);
  fleet.start_router(fleet.write_mapping({{"acme", {0, 1}}}, 4));
  ASSERT_TRUE(order(fleet.router_endpoint(), "acme", 1).is_ok());
  ASSERT_TRUE(order(fleet.router_endpoint(), "nobody", 1).is_ok());
  // A request is counted just after its response is written: poll, for up to 5 s on a busy
  // machine.
  HttpResult m = http(fleet.admin(), "GET", "/metrics");
  for (int i = 0;
       i < 250 && m.is_ok() && m->body.find("duration_seconds_count 2\n") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    m = http(fleet.admin(), "GET", "/metrics");
  }
  ASSERT_TRUE(m.is_ok()) << m.detail;
  EXPECT_EQ(m->status, 200);
  for (const char* line :
       {"cellkit_router_requests_total{outcome=\"served\",cell=\"cell-0\"} 1\n",
        "cellkit_router_requests_total{outcome=\"unknown_tenant\",cell=\"\"} 1\n",
        "cellkit_router_snapshot_version 4\n", "cellkit_router_request_duration_seconds_count 2\n",
        "# TYPE cellkit_router_ejections_total counter\n",
        "cellkit_router_cell_healthy{cell=\"cell-1\"} 1\n"}) {
    EXPECT_NE(m->body.find(line), std::string::npos) << line << "\n" << m->body;
  }
  HttpResult routing = http(fleet.admin(), "GET", "/admin/routing");
  ASSERT_TRUE(routing.is_ok()) << routing.detail;
  const auto j = nlohmann::json::parse(routing->body);
  EXPECT_EQ(j["version"], 4);
  EXPECT_EQ(j["tenants"], 1);
  EXPECT_EQ(j["cells"][1]["name"], "cell-1");
  EXPECT_EQ(j["cells"][1]["healthy"], true);
  HttpResult healthz = http(fleet.admin(), "GET", "/admin/healthz");
  ASSERT_TRUE(healthz.is_ok()) << healthz.detail;
  EXPECT_EQ(healthz->status, 200);
}

// Reads until `end` has arrived, the peer closes or a receive times out.
std::string receive_until(int fd, std::string_view end) {
  std::string got;
  char buffer[4096];
  while (got.find(end) == std::string::npos) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    got.append(buffer, static_cast<std::size_t>(n));
  }
  return got;
}

// curl sends a large PUT with "Expect: 100-continue" and waits a second for the go-ahead
// before the body: the admin listener gives it at once, then answers the offer.
TEST(RouterSnapshots, APutThatExpectsContinueIsToldToGoAheadBeforeItsBody) {
  RouterFleet fleet(1);
  fleet.start_router(fleet.write_mapping({{"acme", {0}}}, 5));
  const std::string body = read_file(fleet.write_mapping({{"acme", {0}}}, 6, "newer.json"));
  const int fd = connect_raw(fleet.admin());
  ASSERT_GE(fd, 0);
  const std::string head = fmt::format(
      "PUT /admin/snapshot HTTP/1.1\r\nHost: admin\r\nContent-Length: {}\r\n"
      "Expect: 100-continue\r\n\r\n",
      body.size());
  ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  const std::string go_ahead = receive_until(fd, "\r\n\r\n");
  EXPECT_TRUE(go_ahead.starts_with("HTTP/1.1 100 Continue\r\n")) << go_ahead;
  ASSERT_EQ(::send(fd, body.data(), body.size(), MSG_NOSIGNAL), static_cast<ssize_t>(body.size()));
  const std::string answer = receive_until(fd, "}\n");
  ::close(fd);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 OK\r\n")) << answer;
  EXPECT_NE(answer.find("\"verdict\":\"accepted\""), std::string::npos) << answer;
}

TEST(RouterSnapshots, OnlyASnapshotOfferIsToldToGoAhead) {
  RouterFleet fleet(1);
  fleet.start_router(fleet.write_mapping({{"acme", {0}}}, 5));
  for (const std::string_view head :
       {"POST /admin/nothing HTTP/1.1\r\nHost: admin\r\nContent-Length: 2\r\n"
        "Expect: 100-continue\r\n\r\n{}",
        "PUT /admin/snapshot HTTP/1.0\r\nHost: admin\r\nContent-Length: 2\r\n"
        "Expect: 100-continue\r\n\r\n{}"}) {
    const int fd = connect_raw(fleet.admin());
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(head.size()));
    const std::string answer = receive_until(fd, "}\n");
    ::close(fd);
    EXPECT_FALSE(answer.starts_with("HTTP/1.1 100")) << answer;
    EXPECT_NE(answer.find(" 4"), std::string::npos) << answer;  // 404, or 400 for the "{}"
  }
}

// A mapping JSON offer is read as it arrives: broken mid-stream it is refused whole with the
// reader's located error; cut short, or over the limit (413), nothing changes.
TEST(RouterSnapshots, AStreamedOfferBrokenCutShortOrTooLargeChangesNothing) {
  RouterFleet fleet(2);
  fleet.start_router(fleet.write_mapping({{"acme", {0}}}, 5));
  std::string broken =
      read_file(fleet.write_mapping({{"acme", {1}}, {"bolt", {0}}}, 6, "broken.json"));
  broken.insert(broken.find("\"bolt\"") + 6, " x");
  HttpResult r = put_snapshot(fleet.admin(), broken);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(nlohmann::json::parse(r->body)["reason"],
            parse_flat_snapshot(broken, "PUT /admin/snapshot").status().message());

  const std::string newer = read_file(fleet.write_mapping({{"acme", {1}}}, 7, "newer.json"));
  int fd = connect_raw(fleet.admin());
  ASSERT_GE(fd, 0);
  const std::string cut =
      fmt::format("PUT /admin/snapshot HTTP/1.1\r\nHost: admin\r\nContent-Length: {}\r\n\r\n{}",
                  newer.size(), newer.substr(0, newer.size() - 2));
  ASSERT_EQ(::send(fd, cut.data(), cut.size(), MSG_NOSIGNAL), static_cast<ssize_t>(cut.size()));
  ::close(fd);

  fd = connect_raw(fleet.admin());
  ASSERT_GE(fd, 0);
  const std::string huge =
      "PUT /admin/snapshot HTTP/1.1\r\nHost: admin\r\nContent-Length: 600000000\r\n\r\n{";
  ASSERT_EQ(::send(fd, huge.data(), huge.size(), MSG_NOSIGNAL), static_cast<ssize_t>(huge.size()));
  const std::string answer = receive_until(fd, "}\n");
  ::close(fd);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413 ")) << answer;

  HttpResult still = order(fleet.router_endpoint(), "acme", 1);
  ASSERT_TRUE(still.is_ok()) << still.detail;
  EXPECT_EQ(still->header("X-Cell"), "cell-0");
  EXPECT_EQ(still->header("X-Cellkit-Routing-Version"), "5");
  r = put_snapshot(fleet.admin(), newer);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 200) << r->body;
}

// A chunked offer has no Content-Length to refuse up front: the chunk that takes it past
// --max-snapshot-bytes is refused as it is announced (413, the connection closed), and the
// tenants read before it change nothing.
TEST(RouterSnapshots, AChunkedOfferThatCrossesTheLimitMidStreamIs413AndChangesNothing) {
  RouterFleet fleet(2);
  fleet.start_router(fleet.write_mapping({{"acme", {0}}}, 5), {"--max-snapshot-bytes", "4096"});
  std::vector<TenantSpec> many{{"acme", {1}}};
  for (int t = 0; t < 200; ++t)
    many.push_back({fmt::format("tenant-{}", t), {1, 0}});
  const std::string big = read_file(fleet.write_mapping(many, 6, "big.json"));
  ASSERT_GT(big.size(), 5000u);
  const int fd = connect_raw(fleet.admin());
  ASSERT_GE(fd, 0);
  // Four chunks of 1,000 bytes fit under 4,096; the fifth is announced and never sent.
  std::string request =
      "PUT /admin/snapshot HTTP/1.1\r\nHost: admin\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (std::size_t at = 0; at < 4000; at += 1000)
    request += fmt::format("3e8\r\n{}\r\n", big.substr(at, 1000));
  request += "3e8\r\n";
  ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  const std::string answer = receive_until(fd, "}\n");
  ::close(fd);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413 ")) << answer;
  EXPECT_NE(answer.find("over the limit of 4096 bytes"), std::string::npos) << answer;

  HttpResult still = order(fleet.router_endpoint(), "acme", 1);
  ASSERT_TRUE(still.is_ok()) << still.detail;
  EXPECT_EQ(still->header("X-Cell"), "cell-0");
  EXPECT_EQ(still->header("X-Cellkit-Routing-Version"), "5");
  HttpResult unknown = order(fleet.router_endpoint(), "tenant-0", 1);
  ASSERT_TRUE(unknown.is_ok()) << unknown.detail;
  EXPECT_EQ(unknown->status, 404);
  // An offer under the limit is taken.
  const std::string newer = read_file(fleet.write_mapping({{"acme", {1}}}, 7, "newer.json"));
  ASSERT_LT(newer.size(), 4096u);
  HttpResult r = put_snapshot(fleet.admin(), newer);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 200) << r->body;
}

// A raw client: connects and sends `bytes`, one byte every `gap`, for at most `limit`;
// returns true when the router closed the connection meanwhile.
bool closed_while_trickling(const Endpoint& e, std::string_view bytes,
                            std::chrono::milliseconds gap, std::chrono::milliseconds limit) {
  const int fd = connect_raw(e);
  if (fd < 0) return false;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  bool closed = false;
  for (std::size_t i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
    if (::send(fd, bytes.data() + i % bytes.size(), 1, MSG_NOSIGNAL) < 0) {
      closed = true;
      break;
    }
    char buffer[256];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0) {
      closed = true;
      break;
    }
    std::this_thread::sleep_for(gap);
  }
  ::close(fd);
  return closed;
}

long rss_kib(pid_t pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(RouterHostile, MalformedOversizedAndSlowClientsAreCutWhileOthersAreServed) {
  RouterFleet fleet(1);
  fleet.start_router(fleet.write_mapping({{"acme", {0}}}),
                     {"--header-timeout", "500ms", "--max-body-bytes", "1024"});
  const Endpoint& router = fleet.router_endpoint();
  HttpResult bad = http(router, "GET", "/x HTTP/9\r\nbroken");
  ASSERT_TRUE(bad.is_ok()) << bad.detail;
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->header("X-Cellkit-Outcome"), "bad_request");
  HttpResult big_headers =
      http(router, "GET", "/", {{"X-Tenant", "acme"}, {"X-Junk", std::string(100 * 1024, 'j')}});
  ASSERT_TRUE(big_headers.is_ok() || big_headers.failure == HttpFailure::kReset)
      << big_headers.detail;
  if (big_headers.is_ok()) {
    EXPECT_EQ(big_headers->status, 431);
  }
  HttpResult big_body =
      http(router, "POST", "/orders", {{"X-Tenant", "acme"}}, std::string(4096, 'b'));
  ASSERT_TRUE(big_body.is_ok() || big_body.failure == HttpFailure::kReset) << big_body.detail;
  if (big_body.is_ok()) {
    EXPECT_EQ(big_body->status, 413);
  }

  const long rss_before = rss_kib(fleet.router().pid());
  // Slowloris: headers a byte at a time, in parallel with a served client.
  auto slow = std::async(std::launch::async, [&] {
    return closed_while_trickling(router, "GET / HTTP/1.1\r\nX-Tenant: acme\r\nX-A: b\r\n",
                                  std::chrono::milliseconds(100), std::chrono::seconds(5));
  });
  for (int i = 0; i < 20; ++i) {
    HttpResult r = order(router, "acme", 1);
    ASSERT_TRUE(r.is_ok()) << r.detail;
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_TRUE(slow.get()) << "a slowloris client was never cut";
  // Many oversized requests at once leave memory where it was (bounded per connection).
  std::vector<std::future<HttpResult>> floods;
  for (int i = 0; i < 40; ++i) {
    floods.push_back(std::async(std::launch::async, [&] {
      return http(router, "GET", "/",
                  {{"X-Tenant", "acme"}, {"X-Junk", std::string(100 * 1024, 'j')}});
    }));
  }
  for (auto& f : floods)
    f.get();
  const long rss_after = rss_kib(fleet.router().pid());
  EXPECT_LT(rss_after - rss_before, 32 * 1024) << rss_before << " KiB → " << rss_after << " KiB";
  HttpResult fine = order(router, "acme", 1);
  ASSERT_TRUE(fine.is_ok()) << fine.detail;
  EXPECT_EQ(fine->status, 200);
}

// Two Transfer-Encoding fields ("gzip", then "chunked"): the router would decode the body
// as chunked yet forward it unframed under the same fields, for the cell to frame anew (a
// request smuggled inside the body). Such a request, and any coding but "chunked", is 400.
TEST(RouterHostile, AmbiguousTransferEncodingsAreRefusedNotForwarded) {
  RouterFleet fleet(1);
  fleet.start_router(fleet.write_mapping({{"acme", {0}}}));
  const Endpoint& router = fleet.router_endpoint();
  for (const std::string te : {"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
                               "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                               "Transfer-Encoding: gzip, chunked\r\n"}) {
    const int fd = connect_raw(router);
    ASSERT_GE(fd, 0);
    const std::string request = "POST /orders HTTP/1.1\r\nHost: r\r\nX-Tenant: acme\r\n" + te +
                                "\r\n5\r\nhello\r\n0\r\n\r\n";
    ASSERT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
    const std::string answer = receive_until(fd, "\r\n\r\n");
    ::close(fd);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 ")) << te << answer;
    EXPECT_NE(answer.find("X-Cellkit-Outcome: bad_request"), std::string::npos) << te << answer;
    EXPECT_EQ(answer.find("X-Cell:"), std::string::npos) << te << answer;
  }
  HttpResult fine = order(router, "acme", 1);  // a plain request is still served
  ASSERT_TRUE(fine.is_ok()) << fine.detail;
  EXPECT_EQ(fine->status, 200);
}

TEST(RouterShutdown, SigtermFinishesInFlightRequestsThenExitsZero) {
  RouterFleet fleet(1, {"--service-time", "700ms"});
  fleet.start_router(fleet.write_mapping({{"acme", {0}}}));
  auto in_flight =
      std::async(std::launch::async, [&] { return order(fleet.router_endpoint(), "acme", 1); });
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  fleet.router().signal(SIGTERM);
  HttpResult r = in_flight.get();
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 200);
  const std::optional<ExitStatus> exit = fleet.router().wait_exit(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(*exit, (ExitStatus{.exited = true, .code = 0}));
}

}  // namespace
}  // namespace cellkit::live::test

// The router's pure parts: tenant sources, outcomes, the Prometheus writer, the health board.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "cellkit/live/health_board.h"
#include "cellkit/live/http_client.h"
#include "cellkit/live/outcome.h"
#include "cellkit/live/prometheus_text.h"
#include "cellkit/live/request_tenant.h"
#include "cellkit/live/router_options.h"
#include "cellkit/live/router_server.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;

TEST(TenantSourceTest, ParsesEveryFormAndRefusesOthers) {
  EXPECT_EQ(parse_tenant_source("header").value(), TenantSource{});
  EXPECT_EQ(parse_tenant_source("header:X-Org").value().header, "X-Org");
  EXPECT_EQ(parse_tenant_source("path").value().kind, TenantSource::Kind::kPath);
  EXPECT_EQ(parse_tenant_source("host").value().kind, TenantSource::Kind::kHost);
  EXPECT_EQ(parse_tenant_source("cookie").status().message(),
            "tenant source 'cookie' is not one of header:NAME (a header name of letters, digits, "
            "'-' and '_'), path or host");
  EXPECT_FALSE(parse_tenant_source("header:X Y").is_ok());
  EXPECT_EQ(to_string(parse_tenant_source("header:X-Org").value()), "header:X-Org");
}

TEST(TenantSourceTest, ReadsTheTenantFromHeaderPathOrHost) {
  const TenantSource header{}, path{.kind = TenantSource::Kind::kPath, .header = {}},
      host{.kind = TenantSource::Kind::kHost, .header = {}};
  EXPECT_EQ(tenant_of(header, "/t/x", "h", "acme"), "acme");
  EXPECT_EQ(tenant_of(path, "/t/acme/orders?x=1", "", ""), "acme");
  EXPECT_EQ(tenant_of(path, "/t/acme?x=1", "", ""), "acme");
  EXPECT_EQ(tenant_of(path, "/t/acme", "", ""), "acme");
  EXPECT_EQ(tenant_of(path, "/orders", "", ""), "");
  EXPECT_EQ(tenant_of(path, "/t/", "", ""), "");
  EXPECT_EQ(tenant_of(host, "/", "acme.cells.example:8080", ""), "acme");
  EXPECT_EQ(tenant_of(host, "/", "acme:8080", ""), "acme");
  EXPECT_EQ(tenant_of(host, "/", "", ""), "");
}

TEST(RouterOptionsTest, ValidateNamesTheBadField) {
  RouterOptions o;
  EXPECT_TRUE(o.validate().is_ok());
  o.threads = 0;
  EXPECT_EQ(o.validate().message(), "threads must be 1 to 256, got 0");
  o = {};
  o.listen = "localhost";
  EXPECT_EQ(o.validate().message(),
            "address 'localhost' is not HOST:PORT (for example 127.0.0.1:8080; port 0 picks a "
            "free one)");
  o = {};
  o.connect_timeout = 0ms;
  EXPECT_EQ(o.validate().message(), "connect timeout must be positive, got 0 ms");
  o = {};
  o.pool_idle = 10;
  o.pool_max = 5;
  EXPECT_FALSE(o.validate().is_ok());
  EXPECT_EQ(parse_listen_address("[::1]:80").value().host, "::1");
}

// Options and request fields as long as a command line or a header allows are shown cut
// (base/cut.h) in every message naming them.
TEST(RouterOptionsTest, EveryMessageCutsALongValue) {
  const std::string v(500, 'v');
  const std::string shown = std::string(40, 'v') + "...";
  EXPECT_EQ(parse_tenant_source(v).status().message(),
            "tenant source '" + shown +
                "' is not one of header:NAME (a header name of letters, digits, '-' and '_'), "
                "path or host");
  EXPECT_EQ(parse_listen_address(v).status().message(),
            "address '" + shown +
                "' is not HOST:PORT (for example 127.0.0.1:8080; port 0 picks a free one)");
  EXPECT_EQ(parse_http_url(v).status().message(),
            "url '" + shown + "' does not start with http://; expected http://HOST:PORT");
  RouterOptions o;
  o.fleet = v;
  EXPECT_EQ(o.validate_store().message(),
            "--fleet '" + shown + "' needs --etcd (the fleet's keys in etcd)");
  o = {};
  o.listen = v + ":0";
  EXPECT_EQ(
      RouterServer::create(o).status().message(),
      "address '" + shown + "': '" + shown + "' is not an IP address (for example 127.0.0.1)");
  EXPECT_EQ(outcome_body(LiveOutcome::kUnknownTenant, v, 7),
            "{\"outcome\":\"unknown_tenant\",\"status\":404,\"message\":\"" +
                std::string(explanation(LiveOutcome::kUnknownTenant)) + "\",\"tenant\":\"" + shown +
                "\",\"routing_version\":7}\n");
}

TEST(OutcomeTest, StatusesAndBodiesAreThoseTheIssueLists) {
  EXPECT_EQ(http_status(LiveOutcome::kUnknownTenant), 404u);
  EXPECT_EQ(http_status(LiveOutcome::kNoHealthyCell), 503u);
  EXPECT_EQ(http_status(LiveOutcome::kQuarantined), 503u);
  EXPECT_EQ(http_status(LiveOutcome::kCellCrashed), 502u);
  EXPECT_EQ(http_status(LiveOutcome::kUpstreamTimeout), 504u);
  EXPECT_EQ(http_status(LiveOutcome::kBadRequest), 400u);
  EXPECT_EQ(http_status(LiveOutcome::kHeadersTooLarge), 431u);
  EXPECT_EQ(http_status(LiveOutcome::kBodyTooLarge), 413u);
  EXPECT_EQ(outcome_body(LiveOutcome::kUnknownTenant, "a\"b", 7),
            "{\"outcome\":\"unknown_tenant\",\"status\":404,\"message\":\"the routing snapshot "
            "has no such tenant\",\"tenant\":\"a\\\"b\",\"routing_version\":7}\n");
  EXPECT_EQ(outcome_body(LiveOutcome::kBadRequest, "", 0),
            "{\"outcome\":\"bad_request\",\"status\":400,\"message\":\"the request is not valid "
            "HTTP/1.1\"}\n");
  std::string s;
  append_json_string(s, std::string_view("\x01\\", 2));
  EXPECT_EQ(s, "\"\\u0001\\\\\"");
}

// A tenant name a client sent in a Host header or X-Tenant may be any bytes (fuzz_router_request
// found "\xa2" in a Host header making the 404 body invalid JSON): valid UTF-8 is kept, every
// other byte becomes U+FFFD.
TEST(OutcomeTest, BodiesStayJsonForNamesThatAreNotUtf8) {
  std::string s;
  append_json_string(s,
                     "\xa2\xa2"
                     "a\xc3\xa9"
                     "\xc3"
                     "\xed\xa0\x80"
                     "\xf4\x90\x80\x80");
  EXPECT_EQ(s,
            "\"\\ufffd\\ufffda\xc3\xa9\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
  EXPECT_EQ(outcome_body(LiveOutcome::kUnknownTenant, "\xa2", 3),
            "{\"outcome\":\"unknown_tenant\",\"status\":404,\"message\":\"" +
                std::string(explanation(LiveOutcome::kUnknownTenant)) +
                "\",\"tenant\":\"\\ufffd\",\"routing_version\":3}\n");
}

TEST(PrometheusTextTest, WritesFamiliesSamplesAndHistograms) {
  PrometheusText out;
  out.family("x_total", "counter", "Things.");
  out.sample("x_total", {{"cell", "a\"b\\c\nd"}, {"outcome", "served"}}, std::uint64_t{3});
  out.sample("x_total", {}, 0.5);
  const double bounds[] = {0.1, 1};
  const std::uint64_t counts[] = {2, 1, 4};
  out.histogram("h", bounds, counts, 12.5);
  EXPECT_EQ(out.text(),
            "# HELP x_total Things.\n# TYPE x_total counter\n"
            "x_total{cell=\"a\\\"b\\\\c\\nd\",outcome=\"served\"} 3\n"
            "x_total 0.5\n"
            "h_bucket{le=\"0.1\"} 2\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 7\n"
            "h_sum 12.5\nh_count 7\n");
}

TEST(HealthBoardTest, EjectionsGrowOnRepeatAndReturnNeedsTimeAndPasses) {
  HealthBoard board({.ejection_base = 100ms,
                     .ejection_max = 250ms,
                     .active = true,
                     .healthy_after = 2,
                     .unhealthy_after = 2});
  const auto t0 = HealthBoard::Clock::time_point{} + 1h;
  const CellId c{3};
  const auto g0 = board.generation();
  board.eject(c, EjectCause::kCrash, t0);
  EXPECT_NE(board.generation(), g0);
  EXPECT_FALSE(board.view().is_healthy(c));
  board.tick(t0 + 150ms);
  EXPECT_FALSE(board.view().is_healthy(c));  // time is over but no check passed
  board.on_check(c, true, t0 + 160ms);
  board.on_check(c, true, t0 + 170ms);
  board.tick(t0 + 180ms);
  EXPECT_TRUE(board.view().is_healthy(c));
  board.eject(c, EjectCause::kRefused, t0 + 200ms);  // the second ejection lasts 200 ms
  board.on_check(c, true, t0 + 210ms);
  board.on_check(c, true, t0 + 220ms);
  board.tick(t0 + 350ms);
  EXPECT_FALSE(board.view().is_healthy(c));
  board.tick(t0 + 400ms);
  EXPECT_TRUE(board.view().is_healthy(c));
  board.eject(c, EjectCause::kErrors, t0 + 500ms);  // the third: 300 ms, capped at 250
  EXPECT_EQ(board.cells(t0 + 500ms)[0].ejected_for, 250ms);
  EXPECT_EQ(board.ejections(EjectCause::kCrash), 1u);
  EXPECT_EQ(board.ejections(EjectCause::kErrors), 1u);
}

// A cell's run of 5xx answers is one run over all router threads: answers from two
// threads add up, any other answer ends the run, and the answer that reaches the limit is
// the one (and only one) that says "eject".
TEST(HealthBoardTest, RunsOf5xxCountPerCellOverAllThreads) {
  HealthBoard board(HealthRules{});
  const CellId a{3}, b{4}, far{HealthBoard::kCountedCells + 7};
  const auto answer_on_a_thread = [&](CellId cell, bool is_5xx) {
    bool eject = false;
    std::thread([&] { eject = board.count_answer(cell, is_5xx, 3); }).join();
    return eject;
  };
  for (CellId cell : {a, far}) {
    EXPECT_FALSE(answer_on_a_thread(cell, true));
    EXPECT_FALSE(board.count_answer(cell, true, 3));
    EXPECT_TRUE(answer_on_a_thread(cell, true)) << raw(cell);  // third in a row, 2 threads
    EXPECT_FALSE(board.count_answer(cell, true, 3));           // the run started over
    EXPECT_FALSE(answer_on_a_thread(cell, false));             // a 200 ends it
    EXPECT_FALSE(board.count_answer(cell, true, 3));
    EXPECT_FALSE(answer_on_a_thread(cell, true));
    EXPECT_TRUE(board.count_answer(cell, true, 3));
  }
  EXPECT_FALSE(board.count_answer(b, true, 3));  // b has its own run
  EXPECT_FALSE(board.count_answer(b, true, 3));

  // Eight threads answering 5xx at once for one cell: 80 answers, limit 10, and exactly
  // eight ejections (one per run of ten), whatever the interleaving.
  HealthBoard shared(HealthRules{});
  std::atomic<int> ejections{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i)
        if (shared.count_answer(a, true, 10)) ++ejections;
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(ejections.load(), 8);
}

TEST(HealthBoardTest, FailedChecksEjectAHealthyCellAndPassiveOnlyReturnsByTime) {
  HealthBoard active({.ejection_base = 100ms,
                      .ejection_max = 1s,
                      .active = true,
                      .healthy_after = 1,
                      .unhealthy_after = 2});
  const auto t0 = HealthBoard::Clock::time_point{} + 1h;
  active.on_check(CellId{1}, false, t0);
  EXPECT_TRUE(active.view().is_healthy(CellId{1}));
  active.on_check(CellId{1}, false, t0 + 10ms);
  EXPECT_FALSE(active.view().is_healthy(CellId{1}));
  EXPECT_EQ(active.ejections(EjectCause::kFailedChecks), 1u);

  HealthBoard passive({.ejection_base = 100ms,
                       .ejection_max = 1s,
                       .active = false,
                       .healthy_after = 2,
                       .unhealthy_after = 2});
  passive.eject(CellId{2}, EjectCause::kCrash, t0);
  passive.tick(t0 + 99ms);
  EXPECT_FALSE(passive.view().is_healthy(CellId{2}));
  passive.tick(t0 + 100ms);
  EXPECT_TRUE(passive.view().is_healthy(CellId{2}));
}

}  // namespace
}  // namespace cellkit::live

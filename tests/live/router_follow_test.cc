// Routers following a store, as processes: `cellkit control`, two `cellkit router`s (--etcd,
// or --control over the file store), real cells and, for etcd, a real etcd started here.
// Publications reach both routers; an onboarded tenant routes at once; a store outage under
// steady load fails no request; a router restarted during it serves its persisted snapshot;
// refused versions are NACKed with reasons the control plane shows.
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/etcd_client.h"
#include "cellkit/live/http_client.h"
#include "cellkit/live/store.h"
#include "live/eventually.h"
#include "live/harness.h"
#include "live/store_kind.h"
#include "live/stores.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

using test::eventually;

json parse_or_null(const HttpResult& r) {
  if (!r.is_ok()) return nullptr;
  return json::parse(r->body, nullptr, /*allow_exceptions=*/false);
}

struct Router {
  test::Server server;
  Endpoint admin;
};

class RouterFollowTest : public test::StoreKindTest {
 protected:
  void SetUp() override {
    StoreKindTest::SetUp();
    if (HasFatalFailure()) return;
    for (int i = 0; i < 2; ++i) {
      Result<test::Server> cell = test::start_server(
          {"cell", "--listen", "127.0.0.1:0", "--name", fmt::format("cell-{}", i)});
      ASSERT_TRUE(cell.is_ok()) << cell.status().message();
      cells_.push_back(std::move(*cell));
    }
    start_control("127.0.0.1:0");
    for (int i = 0; i < 2; ++i) {
      const HttpResult r =
          api("POST", "/v1/cells",
              fmt::format(R"({{"name":"cell-{}","endpoint":"{}"}})", i,
                          to_string(cells_[static_cast<std::size_t>(i)].endpoint)));
      ASSERT_TRUE(r.is_ok() && r->status == 200) << r.detail << (r.is_ok() ? r->body : "");
    }
  }

  void start_control(const std::string& listen, const std::string& lease_seconds = "2") {
    Result<test::Server> s =
        test::start_server({"control", "--listen", listen, "--store", spec(), "--strategy",
                            "random", "--lease-seconds", lease_seconds});
    ASSERT_TRUE(s.is_ok()) << s.status().message();
    control_.emplace(std::move(*s));
  }

  // Starts router i (state in its own directory) following the store; `extra` is appended.
  void start_router(std::size_t i, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"router",        "--listen",    "127.0.0.1:0",
                                  "--admin",       "127.0.0.1:0", "--state-dir",
                                  state_dir(i),    "--router-id", fmt::format("router-{}", i),
                                  "--stale-after", "1s"};
    if (on_etcd()) {
      args.insert(args.end(), {"--etcd", etcd_.url()});
    } else {
      args.insert(args.end(), {"--control", "http://" + to_string(control_->endpoint)});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    Result<test::Server> s = test::start_server(args);
    ASSERT_TRUE(s.is_ok()) << s.status().message();
    Result<std::string> line = s->process.read_line(5s);
    ASSERT_TRUE(line.is_ok() && line->starts_with("admin on ")) << line.status().message();
    Result<Endpoint> admin = parse_endpoint(line->substr(9));
    ASSERT_TRUE(admin.is_ok());
    if (routers_.size() <= i) routers_.resize(i + 1);
    routers_[i].emplace(Router{std::move(*s), *admin});
  }
  std::string state_dir(std::size_t i) const {
    return (dir_.path() / fmt::format("router-{}", i)).string();
  }

  HttpResult api(const std::string& method, const std::string& target,
                 const std::string& body = "") {
    return test::http(control_->endpoint, method, target, {}, body, 5s);
  }
  // Onboards `tenant` (shard of one), retrying while the control plane cannot publish (up
  // to 20 s); returns the version published.
  std::uint64_t onboard(const std::string& tenant) {
    std::uint64_t version = 0;
    eventually(
        [&] {
          const json j = parse_or_null(
              api("POST", "/v1/tenants", fmt::format(R"({{"name":"{}","shard_size":1}})", tenant)));
          if (j.is_object() && j.contains("version")) version = j["version"].get<std::uint64_t>();
          return version != 0;
        },
        20s);
    EXPECT_NE(version, 0u) << "onboarding " << tenant;
    return version;
  }
  std::string cell_of(const std::string& tenant) {
    const json j = parse_or_null(api("GET", "/v1/tenants"));
    for (const json& t : j["tenants"])
      if (t["name"] == tenant) return t["cells"][0].get<std::string>();
    return "";
  }
  json routing(std::size_t i) {
    return parse_or_null(test::http(routers_[i]->admin, "GET", "/admin/routing", {}, "", 2s));
  }
  std::uint64_t version(std::size_t i) {
    const json j = routing(i);
    return j.is_object() ? j["version"].get<std::uint64_t>() : 0;
  }
  bool connected(std::size_t i) {
    const json j = routing(i);
    return j.is_object() && j["store"].is_object() && j["store"]["connected"].get<bool>();
  }
  std::string metric(std::size_t i, const std::string& name) {
    const HttpResult r = test::http(routers_[i]->admin, "GET", "/metrics", {}, "", 2s);
    if (!r.is_ok()) return "";
    const std::size_t at = r->body.find("\n" + name + " ");
    if (at == std::string::npos) return "";
    const std::size_t start = at + name.size() + 2;
    return r->body.substr(start, r->body.find('\n', start) - start);
  }
  HttpResult order(std::size_t i, const std::string& tenant) {
    return test::order(routers_[i]->server.endpoint, tenant, 1, 3s);
  }
  json reports() { return parse_or_null(api("GET", "/v1/routers"))["routers"]; }

  // The store the routers read goes away: etcd is killed, or (file store) the control plane
  // the routers long-poll is stopped. store_up brings it back on the same address.
  void store_down() {
    if (on_etcd()) return etcd_.kill();
    control_address_ = to_string(control_->endpoint);
    control_->process.stop(5s);
  }
  void store_up() {
    if (on_etcd()) {
      ASSERT_TRUE(etcd_.start().is_ok());
    } else {
      start_control(control_address_);
    }
  }

  std::vector<test::Server> cells_;
  std::optional<test::Server> control_;
  std::string control_address_;
  std::vector<std::optional<Router>> routers_;
};

TEST_P(RouterFollowTest, BothRoutersApplyAPublicationAndAnOnboardedTenantRoutesAtOnce) {
  start_router(0);
  start_router(1);
  const std::uint64_t v = onboard("acme");
  ASSERT_TRUE(eventually([&] { return version(0) == v && version(1) == v; }))
      << routing(0).dump() << routing(1).dump();
  const std::string cell = cell_of("acme");
  ASSERT_FALSE(cell.empty());
  for (std::size_t i = 0; i < 2; ++i) {
    const HttpResult r = order(i, "acme");
    ASSERT_TRUE(r.is_ok()) << r.detail;
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->header("X-Cell").value_or(""), cell);
    EXPECT_EQ(r->header("X-Cellkit-Routing-Version").value_or(""), std::to_string(v));
    EXPECT_FALSE(r->header("X-Cellkit-Stale").has_value());
    EXPECT_EQ(metric(i, "cellkit_store_connected"), "1");
  }
  EXPECT_TRUE(eventually([&] {
    const json r = reports();
    return r.is_array() && r.size() == 2 && r[0]["applied"] == v && r[1]["applied"] == v;
  })) << reports().dump();
}

TEST_P(RouterFollowTest, ARouterRestartedWhileTheStoreIsDownServesItsPersistedSnapshot) {
  start_router(0);
  const std::uint64_t v = onboard("acme");
  ASSERT_TRUE(eventually([&] { return version(0) == v; }));
  const std::string cell = cell_of("acme");
  store_down();
  routers_[0]->server.process.stop(10s);
  start_router(0);
  EXPECT_EQ(version(0), v);
  const HttpResult r = order(0, "acme");
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->header("X-Cell").value_or(""), cell);
  EXPECT_FALSE(connected(0));
  EXPECT_EQ(metric(0, "cellkit_store_connected"), "0");
  // Past --stale-after (1 s) responses say how long the store has been out of reach.
  EXPECT_TRUE(eventually([&] {
    const HttpResult s = order(0, "acme");
    return s.is_ok() && s->status == 200 && s->header("X-Cellkit-Stale").has_value();
  }));
}

// Seconds the store stays down under load: CELLKIT_OUTAGE_SECONDS (the `soak` label runs the
// same test with 60), 8 by default.
int outage_seconds() {
  const char* text = std::getenv("CELLKIT_OUTAGE_SECONDS");
  const int seconds = text ? std::atoi(text) : 0;
  return seconds > 0 ? seconds : 8;
}

// Steady load on both routers (two tenants, one request every ~5 ms, each bounded by 3 s)
// until stopped or for at most `limit`; counts failures and responses marked stale.
class SteadyLoad {
 public:
  SteadyLoad(std::function<HttpResult(std::size_t, const std::string&)> send,
             std::chrono::seconds limit)
      : send_(std::move(send)), thread_([this, limit] { run(limit); }) {}
  ~SteadyLoad() { stop(); }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int sent() const { return sent_; }
  int failed() const { return failed_; }
  int stale() const { return stale_; }
  const std::string& first_failure() const { return first_failure_; }  // after stop()

 private:
  void run(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (int n = 0; !stopping_ && n < 1000000 && std::chrono::steady_clock::now() < deadline; ++n) {
      const HttpResult r = send_(static_cast<std::size_t>(n % 2), (n / 2) % 2 ? "t0" : "t1");
      ++sent_;
      if (!r.is_ok() || r->status != 200) {
        if (failed_++ == 0) {
          first_failure_ = r.is_ok() ? fmt::format("{} {}", r->status, r->body) : r.detail;
        }
      } else if (r->header("X-Cellkit-Stale")) {
        ++stale_;
      }
      std::this_thread::sleep_for(5ms);
    }
  }

  std::function<HttpResult(std::size_t, const std::string&)> send_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> sent_{0}, failed_{0}, stale_{0};
  std::string first_failure_;
  std::thread thread_;
};

TEST_P(RouterFollowTest, AStoreOutageUnderSteadyLoadFailsNoRequestAndRoutersResyncAfterIt) {
  const int outage = outage_seconds();
  start_router(0);
  start_router(1);
  onboard("t0");
  const std::uint64_t before = onboard("t1");
  ASSERT_TRUE(eventually([&] { return version(0) == before && version(1) == before; }));
  SteadyLoad load([this](std::size_t i, const std::string& t) { return order(i, t); },
                  std::chrono::seconds(outage + 90));
  std::this_thread::sleep_for(1s);
  const auto down_at = std::chrono::steady_clock::now();
  store_down();
  EXPECT_TRUE(eventually([&] { return !connected(0) && !connected(1); }));
  EXPECT_EQ(metric(0, "cellkit_store_connected"), "0");
  std::this_thread::sleep_until(down_at + std::chrono::seconds(outage));
  EXPECT_EQ(version(0), before);  // still routing on the last snapshot
  EXPECT_NE(metric(1, "cellkit_router_store_stale_seconds"), "0");
  store_up();
  const std::uint64_t after = onboard("t2");  // published after the store came back
  EXPECT_TRUE(eventually(
      [&] { return version(0) == after && version(1) == after && connected(0) && connected(1); },
      20s))
      << routing(0).dump() << routing(1).dump();
  std::this_thread::sleep_for(500ms);
  load.stop();
  EXPECT_EQ(load.failed(), 0) << "first failure: " << load.first_failure();
  EXPECT_GT(load.sent(), outage * 40);
  EXPECT_GT(load.stale(), 0);  // responses during the outage said so
  for (std::size_t i = 0; i < 2; ++i) {
    const HttpResult r = order(i, "t2");
    EXPECT_TRUE(r.is_ok() && r->status == 200 && !r->header("X-Cellkit-Stale")) << r.detail;
  }
}

// Tenants in the large-snapshot test: CELLKIT_SNAPSHOT_TENANTS (the `soak` label runs it with
// 1,000,000), 50,000 by default (a snapshot of two chunks).
std::uint32_t snapshot_tenants() {
  const char* text = std::getenv("CELLKIT_SNAPSHOT_TENANTS");
  const long tenants = text ? std::atol(text) : 0;
  return tenants > 0 ? static_cast<std::uint32_t>(tenants) : 50000;
}

TEST_P(RouterFollowTest, ALargeSnapshotIsChunkedAppliedByBothRoutersAndReadBackEqual) {
  const std::uint32_t tenants = snapshot_tenants();
  const auto limit = std::chrono::seconds(30 + tenants / 5000);  // bounds every wait below
  // Placing and publishing a million tenants takes longer than the fixture's 2 s lease.
  control_->process.stop(5s);
  start_control("127.0.0.1:0", "15");
  start_router(0);
  start_router(1);
  std::string body = R"({"tenants":[)";
  for (std::uint32_t i = 0; i < tenants; ++i)
    body += fmt::format(R"({}{{"name":"t{}","shard_size":1}})", i ? "," : "", i);
  body += "]}";
  const auto start = std::chrono::steady_clock::now();
  const json answer =
      parse_or_null(test::http(control_->endpoint, "POST", "/v1/tenants", {}, body, limit));
  ASSERT_TRUE(answer.is_object() && answer.contains("version")) << answer.dump();
  const auto published = std::chrono::steady_clock::now();
  const std::uint64_t v = answer["version"].get<std::uint64_t>();
  ASSERT_TRUE(eventually([&] { return version(0) == v && version(1) == v; }, limit))
      << routing(0).dump() << routing(1).dump();
  const auto applied = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < 2; ++i)
    EXPECT_EQ(routing(i)["tenants"], tenants);
  // Read back through the store, in chunks of at most 1 MiB, equal to what the control plane
  // serves and holding every tenant.
  auto store = open_store(spec(), {.timeout = std::chrono::milliseconds(10000)}).value();
  const PointerRead read = store->read_pointer().value();
  ASSERT_EQ(read.pointer.version, v);
  EXPECT_GE(read.pointer.snapshot.parts, 2u);
  Result<std::string> bytes = store->read_snapshot(read.pointer);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().message();
  const Result<HttpResponse> served =
      http_call(parse_http_url("http://" + to_string(control_->endpoint)).value(), "GET",
                fmt::format("/v1/snapshot?after={}", v - 1), "", limit);
  ASSERT_TRUE(served.is_ok()) << served.status().message();
  EXPECT_TRUE(served->body == *bytes);
  Result<RoutingSnapshot> decoded =
      decode_snapshot(std::as_bytes(std::span(bytes->data(), bytes->size())));
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().message();
  EXPECT_EQ(decoded->shards.size(), tenants);
  using ms = std::chrono::milliseconds;
  std::cout << fmt::format(
      "{} tenants: published in {} ms, applied by both routers {} ms later; snapshot {} bytes "
      "in {} parts\n",
      tenants, std::chrono::duration_cast<ms>(published - start).count(),
      std::chrono::duration_cast<ms>(applied - published).count(), bytes->size(),
      read.pointer.snapshot.parts);
  if (on_etcd()) {
    const Result<HttpResponse> status =
        http_call(parse_http_url(etcd_.url()).value(), "POST", "/v3/maintenance/status", "{}", 5s);
    if (status.is_ok()) std::cout << "etcd status: " << status->body << "\n";
  }
}

// A router frozen (SIGSTOP) while versions are published, and (etcd) while etcd is compacted
// past the revision it watches from, catches up to the latest version once it runs again:
// whatever its watch answers (a change, a cancel for compaction, its deadline) is a Sync.
TEST_P(RouterFollowTest, ARouterFrozenAcrossACompactionCatchesUpToTheLatestVersion) {
  start_router(0);
  const std::uint64_t first = onboard("t0");
  ASSERT_TRUE(eventually([&] { return version(0) == first; }));
  routers_[0]->server.process.signal(SIGSTOP);
  onboard("t1");
  const std::uint64_t latest = onboard("t2");
  if (on_etcd()) {
    EtcdClient etcd(parse_http_url(etcd_.url()).value(), 2000ms);
    const Result<EtcdRange> head = etcd.range("/");
    ASSERT_TRUE(head.is_ok()) << head.status().message();
    ASSERT_TRUE(etcd.compact(head->revision).is_ok());
  }
  std::this_thread::sleep_for(2500ms);  // past the frozen watch's deadline
  routers_[0]->server.process.signal(SIGCONT);
  EXPECT_TRUE(eventually([&] { return version(0) == latest; })) << routing(0).dump();
  const HttpResult r = order(0, "t2");
  EXPECT_TRUE(r.is_ok() && r->status == 200) << r.detail;
}

// Two control planes on one etcd: the leader is killed (SIGKILL), the other takes the lease
// over, publishes, and both routers follow it.
class EtcdHandoverTest : public RouterFollowTest {};

TEST_P(EtcdHandoverTest, WhenTheLeaderDiesTheOtherControlPlanePublishesAndRoutersFollow) {
  start_router(0);
  start_router(1);
  const std::uint64_t before = onboard("t0");
  ASSERT_TRUE(eventually([&] { return version(0) == before && version(1) == before; }));
  std::optional<test::Server> leader = std::move(control_);
  start_control("127.0.0.1:0");  // the second control plane: a follower for now
  const HttpResult refused = api("POST", "/v1/tenants", R"({"name":"early","shard_size":1})");
  ASSERT_TRUE(refused.is_ok()) << refused.detail;
  EXPECT_EQ(refused->status, 503) << refused->body;
  EXPECT_EQ(refused->header("X-Cellkit-Leader").value_or(""), to_string(leader->endpoint));
  leader->process.kill();
  const std::uint64_t after = onboard("t1");  // retried until the lease (2 s) runs out
  EXPECT_GT(after, before);
  EXPECT_TRUE(eventually([&] { return version(0) == after && version(1) == after; }))
      << routing(0).dump() << routing(1).dump();
  for (std::size_t i = 0; i < 2; ++i) {
    const HttpResult r = order(i, "t1");
    EXPECT_TRUE(r.is_ok() && r->status == 200) << r.detail;
  }
}

INSTANTIATE_TEST_SUITE_P(Etcd, EtcdHandoverTest, ::testing::Values(test::StoreKind::kEtcd),
                         [](const auto&) { return "Etcd"; });

// A mapping (format 2) at `routing_version` with the fixture's cells and one tenant.
std::string write_mapping(const std::filesystem::path& path, std::uint64_t routing_version,
                          const std::vector<test::Server>& cells) {
  std::string text = fmt::format(
      R"({{"format": "cellkit.mapping", "version": 2, "routing_version": {}, "cells": [)",
      routing_version);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    text += fmt::format(R"({}{{"id": {}, "name": "cell-{}", "endpoint": "{}"}})", i ? "," : "", i,
                        i, to_string(cells[i].endpoint));
  }
  text += R"(], "tenants": [{"name": "acme", "cells": ["cell-0"]}]})";
  std::ofstream(path) << text;
  return path.string();
}

TEST_P(RouterFollowTest, AVersionOlderThanTheRouterServesIsNackedAndShownByTheControlPlane) {
  const std::string mapping = write_mapping(dir_.path() / "mapping.json", 50, cells_);
  start_router(0, {"--snapshot", mapping});
  const std::uint64_t v = onboard("beta");
  ASSERT_LT(v, 50u);
  const std::string reason = fmt::format("version {} is older than the version served (50)", v);
  EXPECT_TRUE(eventually([&] {
    const json r = reports();
    return r.is_array() && r.size() == 1 && r[0]["rejected"] == v && r[0]["reason"] == reason &&
           r[0]["applied"] == 50;
  })) << reports().dump();
  EXPECT_EQ(routing(0)["store"]["reason"], reason);
  const HttpResult r = order(0, "acme");
  EXPECT_TRUE(r.is_ok() && r->status == 200) << r.detail;
}

TEST_P(RouterFollowTest, ASigtermedRouterExitsAtOnceWithoutWaitingForItsWatch) {
  start_router(0);
  const std::uint64_t v = onboard("acme");
  ASSERT_TRUE(eventually([&] { return version(0) == v; }));
  std::this_thread::sleep_for(300ms);  // into its watch (etcd) or long-poll (control) of 10 s
  routers_[0]->server.process.signal(SIGTERM);
  const std::optional<ExitStatus> exit = routers_[0]->server.process.wait_exit(4s);
  ASSERT_TRUE(exit.has_value()) << "still running 4 s after SIGTERM";
  EXPECT_TRUE(exit->exited && exit->code == 0) << to_string(*exit);
}

INSTANTIATE_TEST_SUITE_P(Stores, RouterFollowTest, test::both_stores(), test::store_kind_name);

// On etcd the routers read the blobs themselves: a version whose bytes are corrupt in the
// store, undecodable, invalid or empty is NACKed with its reason and the last good one kept.
class EtcdNackTest : public RouterFollowTest {
 protected:
  // Takes the leadership from the control plane (stopped) for a raw writer.
  void become_writer() {
    control_->process.stop(5s);
    writer_ = open_store(etcd_.store_spec(), {.timeout = 2000ms}).value();
    ASSERT_TRUE(eventually([&] {
      Result<Leadership> l = writer_->campaign("test");
      return l.is_ok() && l->leader;
    }));
  }
  // Publishes `bytes` as `version`; returns the pointer written.
  Pointer publish(std::uint64_t version, const std::vector<std::byte>& bytes) {
    const PointerRead read = writer_->read_pointer().value();
    EXPECT_EQ(
        writer_
            ->publish({.version = version, .snapshot = bytes, .state = "{}", .writer = "test"},
                      read.revision)
            .value(),
        PublishOutcome::kPublished);
    return writer_->read_pointer().value().pointer;
  }
  RoutingSnapshot served() {
    const PointerRead read = writer_->read_pointer().value();
    const std::string bytes = writer_->read_snapshot(read.pointer).value();
    return decode_snapshot(std::as_bytes(std::span(bytes.data(), bytes.size()))).value();
  }
  // Waits until router 0 NACKed `version`, then checks the reason and that it still serves
  // `good`.
  void expect_nack(std::uint64_t version, std::string_view reason_part, std::uint64_t good) {
    EXPECT_TRUE(eventually([&] { return routing(0)["store"]["rejected"] == version; }))
        << routing(0).dump();
    const std::string reason = routing(0)["store"]["reason"].get<std::string>();
    // The reason names the version once, first (the record's "rejected" says it too).
    const std::string named = fmt::format("version {}", version);
    EXPECT_TRUE(reason.starts_with(named)) << reason;
    EXPECT_EQ(reason.find(named, 1), std::string::npos) << reason;
    EXPECT_NE(reason.find(reason_part), std::string::npos) << reason;
    EXPECT_EQ(version_of_order(), good);
  }
  std::uint64_t version_of_order() {
    const HttpResult r = order(0, "acme");
    if (!r.is_ok() || r->status != 200) return 0;
    return std::stoull(r->header("X-Cellkit-Routing-Version").value_or("0"));
  }

  std::unique_ptr<Store> writer_;
};

TEST_P(EtcdNackTest, CorruptUndecodableInvalidAndEmptyVersionsAreNackedAndTheLastGoodOneKept) {
  start_router(0);
  const std::uint64_t good = onboard("acme");
  ASSERT_TRUE(eventually([&] { return version(0) == good; }));
  become_writer();
  RoutingSnapshot base = served();

  RoutingSnapshot invalid = base;
  invalid.version = good + 1;
  invalid.shards.push_back({TenantId{77}, {CellId{9}}});
  invalid.tenant_names.clear();
  publish(good + 1, encode_snapshot(invalid));
  expect_nack(good + 1, "invalid", good);

  publish(good + 2, std::vector<std::byte>(64, std::byte{7}));
  expect_nack(good + 2, "not a cellkit snapshot", good);

  RoutingSnapshot empty{.version = good + 3, .cells = base.cells, .addresses = base.addresses};
  publish(good + 3, encode_snapshot(empty));
  expect_nack(good + 3, "no tenant", good);

  // Corrupt in the store: the pointer names bytes the stored chunk does not hold.
  RoutingSnapshot next = base;
  next.version = good + 4;
  const std::vector<std::byte> bytes = encode_snapshot(next);
  const std::string text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  Pointer pointer = writer_->read_pointer().value().pointer;
  pointer.version = good + 4;
  pointer.snapshot = blob_ref(text);
  const std::string prefix = "/cellkit/v1/default/routing/";
  EtcdClient etcd(parse_http_url(etcd_.url()).value(), 2000ms);
  ASSERT_TRUE(
      etcd.put(prefix + fmt::format("snap/{}/000000", blob_name(good + 4, pointer.snapshot)),
               std::string(text.size(), 'x'))
          .is_ok());
  ASSERT_TRUE(etcd.put(prefix + "current", pointer_json(pointer)).is_ok());
  expect_nack(good + 4, "does not match the pointer's sha256", good);

  // The control plane, back as a follower of the raw writer, shows the NACK.
  start_control("127.0.0.1:0");
  EXPECT_TRUE(eventually([&] {
    const json r = reports();
    return r.is_array() && r.size() == 1 && r[0]["rejected"] == good + 4 && r[0]["applied"] == good;
  })) << reports().dump();
}

INSTANTIATE_TEST_SUITE_P(Etcd, EtcdNackTest, ::testing::Values(test::StoreKind::kEtcd),
                         [](const auto&) { return "Etcd"; });

}  // namespace
}  // namespace cellkit::live

// Routers following the control API reach new versions through delta chains (decision 0009):
// the table a chain gives equals the whole snapshot's; a router whose version is not in the
// chain, or whose chain is corrupt, disagrees with its digest or would break the table,
// reads the whole snapshot instead; a version refused as a delta and then whole is NACKed as
// a snapshot, and a router's /metrics and /admin/routing tell the two refusals apart. In
// process: the control service over the file store behind an HTTP server on loopback, a real
// SnapshotHolder with a state directory, and a RouterServer.
#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cellkit/core/delta_codec.h"
#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/control_service.h"
#include "cellkit/live/control_source.h"
#include "cellkit/live/http_client.h"
#include "cellkit/live/router_server.h"
#include "cellkit/live/snapshot_file.h"
#include "cellkit/live/snapshot_holder.h"
#include "cellkit/live/store_follower.h"
#include "live/etcd_process.h"
#include "live/eventually.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;

// Rewrites a delta chain on its way to the router (the identity by default).
using ChainEdit = std::function<std::vector<std::string>(std::vector<std::string>)>;
// Rewrites a whole snapshot on its way to the router.
using SnapshotEdit = std::function<std::string(std::string)>;

class DeltaChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    start_control();
    for (int i = 0; i < 3; ++i) {
      call("POST", "/v1/cells",
           fmt::format(R"({{"name":"cell-{}","endpoint":"127.0.0.1:{}"}})", i, 4000 + i));
    }
    onboard("first");
    server_ = HttpServer::start("127.0.0.1:0", [this](const ServiceRequest& r) {
                return edited(r, control_->handle(r));
              }).value();
  }
  void TearDown() override {
    follower_.reset();
    if (server_) server_->stop();
  }
  void start_control() {
    control_ = std::make_unique<ControlService>(
        open_store("file:" + store_dir_.path().string(), {.fleet = "blue"}).value(),
        ControlOptions{.address = "127.0.0.1:7000",
                       .placement = {.strategy = Strategy::kRandom, .seed = 5}});
    control_->tick();
    ASSERT_TRUE(control_->is_leader());
  }
  ServiceReply call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    ServiceReply r = control_->handle({.method = method, .target = target, .body = body});
    EXPECT_EQ(r.status, 200u) << target << " " << r.body;
    return r;
  }
  void onboard(const std::string& name) {
    call("POST", "/v1/tenants", fmt::format(R"({{"name":"{}","shard_size":2}})", name));
  }
  std::uint64_t published() {
    const std::string body = call("GET", "/v1/version").body;
    return std::stoull(body.substr(body.find("\"version\":") + 10));
  }
  // The router: a holder persisting to its state directory, following the API, at the
  // published version.
  void start_router() {
    auto url = parse_http_url("http://" + server_->address()).value();
    follower_ = std::make_unique<StoreFollower>(
        make_control_source(url, 2000ms),
        [this](FlatSnapshot&& s) {
          ++whole_offers_;
          return holder_.offer(std::move(s));
        },
        FollowerOptions{.router_id = "r1"}, holder_.table()->version(),
        [this](std::vector<RoutingDelta>&& chain) {
          OfferResult r = holder_.offer_deltas(std::move(chain));
          if (!r.accepted()) chain_refusals_.push_back(r.reason);
          return r;
        });
    sync();  // the first version: whole
  }
  void sync() { ASSERT_TRUE(follower_->sync().is_ok()); }
  FollowerStatus status() const { return follower_->status(); }
  // The table the control plane's whole snapshot builds.
  RoutingTable whole_table() {
    const std::string bytes = call("GET", "/v1/snapshot?after=0&wait_ms=0").body;
    return RoutingTable::build(
               decode_flat_snapshot(std::as_bytes(std::span(bytes.data(), bytes.size()))).value())
        .value();
  }
  void expect_served_equals_whole() {
    const RoutingTable whole = whole_table();
    EXPECT_EQ(holder_.table()->version(), whole.version());
    EXPECT_EQ(holder_.table()->flat(), whole.flat());
    EXPECT_EQ(routing_digest(holder_.table()->flat()), routing_digest(whole.flat()));
  }
  ServiceReply edited(const ServiceRequest& request, ServiceReply reply) {
    if (!request.target.starts_with("/v1/snapshot") || reply.status != 200) return reply;
    if (!is_framed_deltas(reply.body)) {
      if (edit_whole_) reply.body = edit_whole_(std::move(reply.body));
      return reply;
    }
    if (!edit_) return reply;
    ++edits_;
    reply.body = frame_deltas(edit_(unframe_deltas(reply.body).value()));
    return reply;
  }
  // Decodes the last delta of a chain, changes it, encodes it again.
  static ChainEdit change_last(std::function<void(RoutingDelta&)> change) {
    return [change](std::vector<std::string> chain) {
      std::string& last = chain.back();
      RoutingDelta d = decode_delta(std::as_bytes(std::span(last.data(), last.size()))).value();
      change(d);
      const std::vector<std::byte> bytes = encode_delta(d);
      last.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      return chain;
    };
  }

  // A whole snapshot made invalid: its first shard names a cell it does not list.
  static std::string invalid_table(std::string bytes) {
    RoutingSnapshot s =
        decode_snapshot(std::as_bytes(std::span(bytes.data(), bytes.size()))).value();
    s.shards[0].second = {CellId{99}};
    const std::vector<std::byte> out = encode_snapshot(s);
    return {reinterpret_cast<const char*>(out.data()), out.size()};
  }

  test::TempDir store_dir_;
  test::TempDir state_dir_;
  std::unique_ptr<ControlService> control_;
  std::unique_ptr<HttpServer> server_;
  SnapshotHolder holder_{state_dir_.path().string()};
  std::unique_ptr<StoreFollower> follower_;
  ChainEdit edit_;
  std::atomic<int> edits_{0};
  SnapshotEdit edit_whole_;
  int whole_offers_ = 0;                     // whole snapshots offered to the holder
  std::vector<std::string> chain_refusals_;  // why offered chains were not applied
};

TEST_F(DeltaChainTest, EachVersionIsReachedThroughItsDeltaAndEqualsTheWholeSnapshot) {
  start_router();
  for (int i = 0; i < 3; ++i) {
    onboard(fmt::format("tenant-{}", i));
    sync();
    EXPECT_EQ(status().applied, published());
  }
  EXPECT_EQ(status().by_delta, 3u);
  EXPECT_EQ(status().fallbacks, 0u);
  expect_served_equals_whole();
}

TEST_F(DeltaChainTest, ARouterSeveralVersionsBehindAppliesTheWholeChainAtOnce) {
  start_router();
  onboard("a");
  call("POST", "/v1/cells/cell-2/drain");
  onboard("b");
  sync();
  EXPECT_EQ(status().applied, published());
  EXPECT_EQ(status().by_delta, 1u);
  expect_served_equals_whole();
}

// The base is written once; deltas are appended beside it; boot replays them.
TEST_F(DeltaChainTest, ARouterRestartedAfterDeltasBootsOnItsBaseAndAppendedDeltas) {
  start_router();
  const std::uint64_t base = published();
  onboard("a");
  sync();
  onboard("b");
  sync();
  ASSERT_EQ(status().by_delta, 2u);
  EXPECT_EQ(load_flat_snapshot_file(holder_.persisted_path()).value().version, base);
  EXPECT_TRUE(std::filesystem::exists(holder_.persisted_path() + ".deltas"));
  SnapshotHolder restarted(state_dir_.path().string());
  ASSERT_TRUE(restarted.restore().value());
  EXPECT_EQ(restarted.table()->flat(), whole_table().flat());
}

// A crash after a new base was written but before the log was emptied leaves deltas that
// predate the base. Restore cuts them, so deltas accepted later are restored too.
TEST_F(DeltaChainTest, DeltasLeftBeforeANewerBaseAreCutSoLaterOnesAreRestored) {
  start_router();
  onboard("a");
  sync();  // the log holds the delta to version 2; the base is version 1
  ASSERT_EQ(status().by_delta, 1u);
  const std::string whole2 = call("GET", "/v1/snapshot?after=0&wait_ms=0").body;
  ASSERT_TRUE(save_snapshot_bytes(holder_.persisted_path(),
                                  std::as_bytes(std::span(whole2.data(), whole2.size())))
                  .is_ok());  // the new base, written before the crash
  const FlatSnapshot v2 = whole_table().flat();
  SnapshotHolder restarted(state_dir_.path().string());
  ASSERT_TRUE(restarted.restore().value());
  ASSERT_EQ(restarted.table()->version(), v2.version);
  onboard("b");
  const FlatSnapshot v3 = whole_table().flat();
  std::vector<RoutingDelta> chain{diff_snapshots(v2, v3)};
  ASSERT_EQ(restarted.offer_deltas(std::move(chain)).verdict, OfferVerdict::kAccepted);
  SnapshotHolder again(state_dir_.path().string());
  ASSERT_TRUE(again.restore().value());
  EXPECT_EQ(again.table()->version(), v3.version);
  EXPECT_EQ(again.table()->flat(), v3);
}

TEST_F(DeltaChainTest, ARouterWhoseVersionIsNotInTheChainReadsTheWholeSnapshot) {
  start_router();
  onboard("a");
  control_.reset();  // a restarted control plane's chain starts at the version it loads
  start_control();
  onboard("b");
  sync();
  EXPECT_EQ(status().applied, published());
  EXPECT_EQ(status().by_delta, 0u);
  expect_served_equals_whole();
}

TEST_F(DeltaChainTest, ACorruptDeltaFallsBackToTheWholeSnapshot) {
  edit_ = [](std::vector<std::string> chain) {
    chain.back()[20] ^= 1;
    return chain;
  };
  start_router();
  onboard("a");
  sync();
  EXPECT_EQ(edits_, 1);
  EXPECT_EQ(status().applied, published());
  EXPECT_EQ(status().fallbacks, 1u);
  EXPECT_EQ(status().rejected, 0u);
  expect_served_equals_whole();
}

TEST_F(DeltaChainTest, ADeltaWhoseDigestDisagreesFallsBackToTheWholeSnapshot) {
  edit_ = change_last([](RoutingDelta& d) { d.digest ^= 1; });
  start_router();
  onboard("a");
  sync();
  EXPECT_EQ(status().fallbacks, 1u);
  EXPECT_EQ(holder_.rejected(), 0u);  // the holder refused no whole snapshot
  // The delta alone is NACKed, by its version and reason; its version is still served.
  EXPECT_EQ(status().rejected, published());
  EXPECT_THAT(status().reason, ::testing::HasSubstr(fmt::format(
                                   "version {} as a delta does not apply", published())));
  EXPECT_THAT(status().reason, ::testing::HasSubstr("the result's digest"));
  EXPECT_EQ(status().applied, published());
  EXPECT_TRUE(status().rejected_delta);
  // The report says the version was refused as a delta only: it is served.
  const nlohmann::json routers = nlohmann::json::parse(call("GET", "/v1/routers").body)["routers"];
  ASSERT_EQ(routers.size(), 1u);
  EXPECT_EQ(routers[0]["applied"], published());
  EXPECT_EQ(routers[0]["rejected"], published());
  EXPECT_EQ(routers[0]["rejected_as"], "delta");
  expect_served_equals_whole();
}

// A table put beside the store (PUT /admin/snapshot) is served in place of the version the
// follower last applied: the chain read after that version is no delta's fault.
TEST_F(DeltaChainTest, AChainAfterAnotherVersionThanTheServedOneIsNoRefusal) {
  start_router();
  FlatSnapshot put = whole_table().flat();
  put.version = published() + 1;
  ASSERT_TRUE(holder_.offer(std::move(put)).accepted());
  onboard("a");
  onboard("b");
  sync();
  ASSERT_EQ(chain_refusals_.size(), 1u);
  EXPECT_THAT(chain_refusals_[0], ::testing::HasSubstr("not the served version"));
  EXPECT_EQ(status().rejected, 0u);
  EXPECT_EQ(status().fallbacks, 1u);
  EXPECT_EQ(status().applied, published());
  expect_served_equals_whole();
}

TEST_F(DeltaChainTest, ADeltaThatWouldEmptyAShardOrRemoveANamedCellIsNotApplied) {
  start_router();
  const RoutingTable before = whole_table();
  edit_ = change_last([](RoutingDelta& d) { d.shards.add(TenantId{0}, {}); });
  onboard("a");
  sync();
  edit_ =
      change_last([&](RoutingDelta& d) { d.removed_cells = {before.shard_of(TenantId{0})[0]}; });
  onboard("b");
  sync();
  EXPECT_EQ(edits_, 2);
  EXPECT_EQ(status().fallbacks, 2u);
  EXPECT_EQ(status().by_delta, 0u);
  // Refused by the table's invariants, before the digest (which the edits left stale).
  ASSERT_EQ(chain_refusals_.size(), 2u);
  EXPECT_THAT(chain_refusals_[0], ::testing::HasSubstr("would empty the shard of tenant"));
  EXPECT_THAT(chain_refusals_[1], ::testing::HasSubstr("which the shard of tenant"));
  EXPECT_EQ(status().rejected, published());
  EXPECT_EQ(status().reason, chain_refusals_[1]);
  expect_served_equals_whole();
}

// A version whose delta was refused and whose whole snapshot is then refused too is NACKed
// as a snapshot: the report ends rejected_as "snapshot", and neither is offered again.
TEST_F(DeltaChainTest, AVersionRefusedAsADeltaThenWholeIsNackedAsASnapshotAndNotRetried) {
  start_router();
  const std::uint64_t served = published();
  edit_ = change_last([](RoutingDelta& d) { d.digest ^= 1; });
  edit_whole_ = invalid_table;
  onboard("a");
  for (int i = 0; i < 3; ++i)
    sync();
  EXPECT_EQ(chain_refusals_.size(), 1u);
  EXPECT_EQ(whole_offers_, 2);  // the first version, then this one once
  EXPECT_EQ(holder_.rejected(), 1u);
  EXPECT_EQ(status().applied, served);
  EXPECT_EQ(status().rejected, published());
  EXPECT_FALSE(status().rejected_delta);
  EXPECT_THAT(status().reason,
              ::testing::StartsWith(fmt::format("version {} is invalid: ", published())));
  const nlohmann::json routers = nlohmann::json::parse(call("GET", "/v1/routers").body)["routers"];
  ASSERT_EQ(routers.size(), 1u);
  EXPECT_EQ(routers[0]["applied"], served);
  EXPECT_EQ(routers[0]["rejected"], published());
  EXPECT_EQ(routers[0]["rejected_as"], "snapshot");
  EXPECT_EQ(routers[0]["reason"], status().reason);
}

// A router (RouterServer) following the control API, its admin listener read over HTTP.
class RouterAdminTest : public DeltaChainTest {
 protected:
  void TearDown() override {
    if (router_) router_->stop();
    if (run_.joinable()) run_.join();
    control_->shutdown();  // ends the router's long-poll still waiting in the service
    DeltaChainTest::TearDown();
  }
  void start_router_server() {
    RouterOptions o;
    o.listen = "127.0.0.1:0";
    o.admin = "127.0.0.1:0";
    o.control_url = "http://" + server_->address();
    o.router_id = "r9";
    o.health_interval = Millis(0);  // the cells' endpoints are never contacted
    router_ = RouterServer::create(o).value();
    admin_ = parse_http_url("http://" + router_->admin_address()).value();
    run_ = std::thread([this] { router_->run(false); });
  }
  std::string admin_get(const std::string& target) {
    Result<HttpResponse> r = http_call(admin_, "GET", target, "", 2000ms);
    return r.is_ok() ? r->body : "";
  }
  // The value of an unlabelled gauge in /metrics ("" when absent).
  std::string gauge(const std::string& name) {
    const std::string text = admin_get("/metrics");
    const std::size_t at = text.find("\n" + name + " ");
    if (at == std::string::npos) return "";
    const std::size_t start = at + name.size() + 2;
    return text.substr(start, text.find('\n', start) - start);
  }
  nlohmann::json store_view() {
    const nlohmann::json j = nlohmann::json::parse(admin_get("/admin/routing"), nullptr, false);
    return j.is_object() ? j["store"] : nlohmann::json();
  }

  std::unique_ptr<RouterServer> router_;
  HttpUrl admin_;
  std::thread run_;
};

// /metrics keeps a version refused as a delta (then served whole) apart from one refused
// whole, and /admin/routing says which (rejected_as).
TEST_F(RouterAdminTest, GaugesAndTheRoutingViewTellADeltaRefusalFromAWholeOne) {
  start_router_server();
  const std::string first = std::to_string(published());
  ASSERT_TRUE(test::eventually([&] { return gauge("cellkit_router_snapshot_version") == first; }));
  EXPECT_EQ(gauge("cellkit_router_store_rejected_version"), "0");
  EXPECT_EQ(gauge("cellkit_router_store_rejected_delta_version"), "0");
  EXPECT_EQ(store_view()["rejected_as"], "");

  edit_ = change_last([](RoutingDelta& d) { d.digest ^= 1; });
  onboard("a");
  const std::string second = std::to_string(published());
  EXPECT_TRUE(test::eventually([&] {
    return gauge("cellkit_router_snapshot_version") == second &&
           gauge("cellkit_router_store_rejected_delta_version") == second;
  })) << admin_get("/metrics");
  EXPECT_EQ(gauge("cellkit_router_store_rejected_version"), "0");
  EXPECT_EQ(store_view()["rejected"], published());
  EXPECT_EQ(store_view()["rejected_as"], "delta");

  edit_whole_ = invalid_table;
  onboard("b");
  const std::string third = std::to_string(published());
  EXPECT_TRUE(test::eventually([&] {
    return gauge("cellkit_router_store_rejected_version") == third;
  })) << admin_get("/metrics");
  EXPECT_EQ(gauge("cellkit_router_store_rejected_delta_version"), "0");
  EXPECT_EQ(gauge("cellkit_router_snapshot_version"), second);
  EXPECT_EQ(store_view()["rejected"], published());
  EXPECT_EQ(store_view()["rejected_as"], "snapshot");
}

}  // namespace
}  // namespace cellkit::live

// `cellkit control` as a process: serves the API on a free port, stops on SIGTERM with exit
// 0, and two of them on one etcd hand the leadership over when the leader is killed.
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cellkit/live/http_client.h"
#include "live/etcd_process.h"
#include "live/harness.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

struct Running {
  ChildProcess child;
  HttpUrl url;
};

Running start_control(const std::string& store) {
  Result<test::Server> server = test::start_server(
      {"control", "--listen", "127.0.0.1:0", "--store", store, "--lease-seconds", "2"});
  EXPECT_TRUE(server.is_ok()) << server.status().message();
  HttpUrl url{.host = server->endpoint.host, .port = server->endpoint.port};
  return {std::move(server->process), std::move(url)};
}

HttpResponse post(const HttpUrl& url, const std::string& target, const std::string& body) {
  Result<HttpResponse> r = http_call(url, "POST", target, body, 5000ms);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return r.is_ok() ? *r : HttpResponse{};
}

TEST(ControlProcess, ServesTheApiAndStopsOnSigterm) {
  test::TempDir dir;
  Running control = start_control("file:" + (dir.path() / "store").string());
  EXPECT_EQ(post(control.url, "/v1/cells", R"({"name":"a","endpoint":"127.0.0.1:4001"})").status,
            200u);
  HttpResponse missing = post(control.url, "/v1/nothing", "");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(control.child.stop(5s), (ExitStatus{.exited = true, .code = 0}));
}

TEST(ControlProcess, KillingTheLeaderHandsTheLeadershipOver) {
  test::EtcdProcess etcd;
  ASSERT_TRUE(etcd.start().is_ok());
  Running first = start_control(etcd.store_spec());
  Running second = start_control(etcd.store_spec());
  ASSERT_EQ(post(first.url, "/v1/cells", R"({"name":"a"})").status, 200u);
  HttpResponse refused = post(second.url, "/v1/cells", R"({"name":"b"})");
  ASSERT_EQ(refused.status, 503u);
  EXPECT_EQ(json::parse(refused.body)["leader"], fmt::format("127.0.0.1:{}", first.url.port));
  first.child.kill();
  // The lease (2 s) runs out and the second, campaigning every 400 ms, takes over.
  unsigned status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    std::this_thread::sleep_for(100ms);
    status = post(second.url, "/v1/cells", R"({"name":"b"})").status;
  }
  EXPECT_EQ(status, 200u);
  const json cells =
      json::parse(http_call(second.url, "GET", "/v1/cells", "", 5000ms)->body)["cells"];
  EXPECT_EQ(cells.size(), 2u);
  EXPECT_EQ(second.child.stop(5s), (ExitStatus{.exited = true, .code = 0}));
}

}  // namespace
}  // namespace cellkit::live

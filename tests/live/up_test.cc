// `cellkit up` as a user runs it: a fleet that answers, restarts a crashed cell, and leaves
// no process behind whether it is stopped or killed.
#include <signal.h>

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <thread>

#include "live/harness.h"

namespace cellkit::live::test {
namespace {

struct Member {
  Endpoint endpoint;
  pid_t pid = -1;
};

struct Up {
  Server server;
  std::map<std::string, Member> members;  // "router", "cell-0", ...
};

// Reads `up`'s listing ("  NAME  HOST:PORT ... pid N") up to its last line.
Result<Up> start_up(std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"up", "--cells",         "3",    "--tenants",
                                "10", "--shard-size",    "2",    "--crash-on-bags",
                                "5",  "--recovery-time", "200ms"};
  args.insert(args.end(), extra.begin(), extra.end());
  Result<Server> server = start_server(args, 20s);
  if (!server.is_ok()) return server.status();
  Up up{std::move(*server), {}};
  for (int i = 0; i < 20; ++i) {
    Result<std::string> line = up.server.process.read_line(5s);
    if (!line.is_ok()) return line.status();
    if (*line == "Ctrl-C stops everything.") return up;
    std::istringstream in(*line);
    std::string name, endpoint, word, last;
    if (line->rfind("  ", 0) != 0 || !(in >> name >> endpoint)) continue;
    while (in >> word)
      last = word;
    Result<Endpoint> ep = parse_endpoint(endpoint);
    if (ep.is_ok()) up.members[name] = Member{*ep, std::stoi(last)};
  }
  return failed_precondition("up's listing did not end");
}

// Reads up's lines until one contains `text` (at most 10 s).
bool wait_for_line(ChildProcess& p, const std::string& text) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    Result<std::string> line = p.read_line(1s);
    if (line.is_ok() && line->find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(Up, ServesOrdersThroughItsRouterAndStopsEverything) {
  Result<Up> up = start_up();
  ASSERT_TRUE(up.is_ok()) << up.status().message();
  ASSERT_EQ(up->members.size(), 4u);  // router and three cells
  HttpResult r = order(up->server.endpoint, "tenant-0", 2);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(up->members.count(r->header("X-Cell").value_or("")));
  EXPECT_EQ(up->server.process.stop(10s), (ExitStatus{true, 0, 0}));
  for (const auto& [name, m] : up->members)
    EXPECT_TRUE(wait_gone(m.pid, 5s)) << name;
}

TEST(Up, RestartsACrashedCell) {
  Result<Up> up = start_up();
  ASSERT_TRUE(up.is_ok()) << up.status().message();
  HttpResult first = order(up->server.endpoint, "tenant-0", 1);  // finds tenant-0's cell
  ASSERT_TRUE(first.is_ok()) << first.detail;
  const std::string cell = first->header("X-Cell").value_or("?");
  ASSERT_TRUE(up->members.count(cell)) << cell;
  HttpResult crash = order(up->server.endpoint, "tenant-0", 5);
  ASSERT_TRUE(crash.is_ok()) << crash.detail;
  EXPECT_EQ(crash->status, 502);
  EXPECT_EQ(crash->header("X-Cellkit-Outcome"), "cell_crashed");
  EXPECT_TRUE(wait_gone(up->members[cell].pid));
  ASSERT_TRUE(wait_for_line(up->server.process, cell + " restarted"));
  HttpResult health = http(up->members[cell].endpoint, "GET", "/healthz");
  ASSERT_TRUE(health.is_ok()) << health.detail;
  EXPECT_EQ(health->header("X-Cell"), cell);
}

TEST(Up, KillingUpTakesItsFleetWithIt) {
  Result<Up> up = start_up();
  ASSERT_TRUE(up.is_ok()) << up.status().message();
  up->server.process.signal(SIGKILL);
  ASSERT_TRUE(up->server.process.wait_exit(5s).has_value());
  for (const auto& [name, m] : up->members)
    EXPECT_TRUE(wait_gone(m.pid, 5s)) << name;
}

class UpWithAStore : public ::testing::TestWithParam<std::string> {};

TEST_P(UpWithAStore, RoutesThroughEveryRouterOnboardsThroughTheControlPlaneAndStopsOnCtrlC) {
  Result<Up> up = start_up({"--routers", "2", "--store", GetParam()});
  ASSERT_TRUE(up.is_ok()) << up.status().message();
  // control, two routers, three cells, and etcd when asked.
  ASSERT_EQ(up->members.size(), GetParam() == "etcd" ? 7u : 6u) << up->server.process.output();
  for (const char* router : {"router-0", "router-1"}) {
    HttpResult r = order(up->members[router].endpoint, "tenant-0", 2);
    ASSERT_TRUE(r.is_ok()) << r.detail;
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_TRUE(up->members.count(r->header("X-Cell").value_or(""))) << router;
  }
  HttpResult onboarded = http(up->members["control"].endpoint, "POST", "/v1/tenants", {},
                              R"({"name":"newcomer","shard_size":2})");
  ASSERT_TRUE(onboarded.is_ok() && onboarded->status == 200) << onboarded.detail;
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    std::this_thread::sleep_for(50ms);
    HttpResult r = order(up->members["router-1"].endpoint, "newcomer", 1);
    status = r.is_ok() ? r->status : 0;
  }
  EXPECT_EQ(status, 200);
  up->server.process.signal(SIGINT);  // Ctrl-C
  const std::optional<ExitStatus> ended = up->server.process.wait_exit(20s);
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, (ExitStatus{true, 0, 0}));
  for (const auto& [name, m] : up->members)
    EXPECT_TRUE(wait_gone(m.pid, 5s)) << name;
}

INSTANTIATE_TEST_SUITE_P(Stores, UpWithAStore, ::testing::Values("file", "etcd"));

}  // namespace
}  // namespace cellkit::live::test

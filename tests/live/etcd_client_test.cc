// The etcd gateway client against a real etcd on loopback.
#include "cellkit/live/etcd_client.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "live/etcd_process.h"

namespace cellkit::live {
namespace {

using namespace std::chrono_literals;

class EtcdClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = etcd_.start();
    ASSERT_TRUE(started.is_ok()) << started.message();
  }
  EtcdClient client() { return EtcdClient(parse_http_url(etcd_.url()).value(), 2000ms); }
  test::EtcdProcess etcd_;
};

TEST(Base64, EncodesAndDecodesEveryByteAndKnownVectors) {
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  std::string all;
  for (int i = 0; i < 256; ++i)
    all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    EXPECT_EQ(base64_decode(base64_encode(all.substr(0, n))).value(), all.substr(0, n));
  }
  EXPECT_FALSE(base64_decode("Zm9v!").is_ok());
}

TEST(HttpUrl, ParsesHostAndPortAndRefusesOthers) {
  Result<HttpUrl> url = parse_http_url("http://127.0.0.1:2379/");
  ASSERT_TRUE(url.is_ok());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 2379);
  EXPECT_EQ(parse_http_url("https://x:1").status().message(),
            "url 'https://x:1' does not start with http://; expected http://HOST:PORT");
  EXPECT_FALSE(parse_http_url("http://x").is_ok());
  EXPECT_FALSE(parse_http_url("http://x:70000").is_ok());
  EXPECT_FALSE(parse_http_url("http://x:1/v3").is_ok());
}

TEST(HttpUrl, AnIpv6HostIsPrintedWithItsBracketsSoTheUrlParsesBack) {
  Result<HttpUrl> url = parse_http_url("http://[::1]:2379");
  ASSERT_TRUE(url.is_ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->to_string(), "http://[::1]:2379");
  EXPECT_EQ(parse_http_url(url->to_string())->host, "::1");
  EXPECT_EQ(parse_http_url("http://127.0.0.1:80")->to_string(), "http://127.0.0.1:80");
}

// A loopback listener that accepts connections and never answers them.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), size) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() {
    for (int fd : accepted_)
      ::close(fd);
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }
  // Accepts one connection within `timeout`; false when none came.
  bool accept_one(std::chrono::milliseconds timeout) {
    pollfd ready{.fd = fd_, .events = POLLIN, .revents = 0};
    if (::poll(&ready, 1, static_cast<int>(timeout.count())) != 1) return false;
    const int fd = ::accept(fd_, nullptr, nullptr);
    if (fd < 0) return false;
    accepted_.push_back(fd);
    return true;
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::vector<int> accepted_;
};

TEST(CallCanceller, EndsEveryCallInFlightNotOnlyTheLastOneStarted) {
  SilentServer server;
  const HttpUrl url{.host = "127.0.0.1", .port = server.port()};
  CallCanceller canceller;
  std::vector<Status> ended(2);
  std::vector<std::jthread> calls;
  for (Status& end : ended) {
    calls.emplace_back(
        [&, out = &end] { *out = http_call(url, "GET", "/", "", 30s, &canceller).status(); });
  }
  // Both calls registered before connecting: once both are accepted, both are in flight.
  ASSERT_TRUE(server.accept_one(5s));
  ASSERT_TRUE(server.accept_one(5s));
  const auto cancelled_at = std::chrono::steady_clock::now();
  canceller.cancel();
  calls.clear();  // joins
  // Both end at the cancel, not at their 30 s timeout (a call whose interrupt was lost
  // would also say "cancelled", but only once it timed out).
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 10s);
  for (const Status& end : ended) {
    EXPECT_EQ(end.message(), url.to_string() + ": cancelled");
  }
  EXPECT_EQ(http_call(url, "GET", "/", "", 3s, &canceller).status().message(),
            url.to_string() + ": cancelled");
}

TEST_F(EtcdClientTest, PutsAndRangesKeysAndPrefixes) {
  EtcdClient etcd = client();
  ASSERT_TRUE(etcd.put("/a/1", std::string("x\0y", 3)).is_ok());
  ASSERT_TRUE(etcd.put("/a/2", "two").is_ok());
  ASSERT_TRUE(etcd.put("/b", "other").is_ok());
  Result<EtcdRange> one = etcd.range("/a/1");
  ASSERT_TRUE(one.is_ok()) << one.status().message();
  ASSERT_EQ(one->kvs.size(), 1u);
  EXPECT_EQ(one->kvs[0].value, std::string("x\0y", 3));
  EXPECT_GT(one->kvs[0].mod_revision, 0);
  Result<EtcdRange> prefix = etcd.range("/a/", /*prefix=*/true);
  ASSERT_EQ(prefix->kvs.size(), 2u);
  EXPECT_EQ(prefix->kvs[1].key, "/a/2");
  EXPECT_TRUE(etcd.range("/missing")->kvs.empty());
  EXPECT_EQ(etcd.erase("/a/", true).value(), 2);
}

TEST_F(EtcdClientTest, TxnComparesModRevisionAndReportsAFailedCompare) {
  EtcdClient etcd = client();
  const std::int64_t first = etcd.put("/k", "1").value();
  auto cas = [&](std::int64_t expected, std::string value) {
    return etcd.txn({{.key = "/k", .target = EtcdCompare::Target::kMod, .revision = expected}},
                    {{.kind = EtcdOp::Kind::kPut, .key = "/k", .value = std::move(value)}},
                    {{.kind = EtcdOp::Kind::kRange, .key = "/k"}});
  };
  Result<EtcdTxnResult> won = cas(first, "2");
  ASSERT_TRUE(won.is_ok()) << won.status().message();
  EXPECT_TRUE(won->succeeded);
  Result<EtcdTxnResult> lost = cas(first, "3");  // stale: the key moved on
  ASSERT_TRUE(lost.is_ok());
  EXPECT_FALSE(lost->succeeded);
  ASSERT_EQ(lost->kvs.size(), 1u);
  EXPECT_EQ(lost->kvs[0].value, "2");
  EXPECT_EQ(lost->kvs[0].mod_revision, won->revision);
}

TEST_F(EtcdClientTest, WatchSeesAPutAndACompactedStartIsCancelled) {
  EtcdClient etcd = client();
  const std::int64_t first = etcd.put("/w", "1").value();
  const std::int64_t second = etcd.put("/w", "2").value();
  Result<EtcdWatchResult> seen = etcd.watch("/w", second, std::chrono::steady_clock::now() + 5s);
  ASSERT_TRUE(seen.is_ok()) << seen.status().message();
  EXPECT_EQ(seen->end, EtcdWatchEnd::kEvent);
  Result<EtcdWatchResult> quiet =
      etcd.watch("/w", second + 1, std::chrono::steady_clock::now() + 300ms);
  ASSERT_TRUE(quiet.is_ok());
  EXPECT_EQ(quiet->end, EtcdWatchEnd::kDeadline);
  ASSERT_TRUE(etcd.compact(second).is_ok());
  Result<EtcdWatchResult> compacted =
      etcd.watch("/w", first, std::chrono::steady_clock::now() + 5s);
  ASSERT_TRUE(compacted.is_ok());
  EXPECT_EQ(compacted->end, EtcdWatchEnd::kCanceled);
  EXPECT_EQ(compacted->compact_revision, second);
}

TEST_F(EtcdClientTest, AKeyOnARevokedLeaseDisappears) {
  EtcdClient etcd = client();
  const std::int64_t lease = etcd.grant_lease(30).value();
  ASSERT_TRUE(etcd.put("/leased", "x", lease).is_ok());
  EXPECT_EQ(etcd.range("/leased")->kvs.at(0).lease, lease);
  EXPECT_TRUE(etcd.keep_alive(lease).is_ok());
  ASSERT_TRUE(etcd.revoke_lease(lease).is_ok());
  EXPECT_TRUE(etcd.range("/leased")->kvs.empty());
  EXPECT_FALSE(etcd.keep_alive(lease).is_ok());
}

TEST_F(EtcdClientTest, AStoppedEtcdFailsNamingItsUrlWithinTheTimeout) {
  etcd_.kill();
  EtcdClient etcd(parse_http_url(etcd_.url()).value(), 500ms);
  const auto start = std::chrono::steady_clock::now();
  Result<EtcdRange> range = etcd.range("/k");
  ASSERT_FALSE(range.is_ok());
  EXPECT_NE(range.status().message().find(etcd_.url()), std::string::npos)
      << range.status().message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

}  // namespace
}  // namespace cellkit::live

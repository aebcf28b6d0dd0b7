// `cellkit cell` as a real process: it answers, names itself, and crashes for real.
#include <signal.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "live/harness.h"

namespace cellkit::live::test {
namespace {

Server start_cell(std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"cell", "--listen", "127.0.0.1:0", "--name", "cell-3"};
  args.insert(args.end(), extra.begin(), extra.end());
  Result<Server> s = start_server(args);
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return std::move(*s);
}

TEST(CellServer, PrintsWhereItListensAndAnswersHealthz) {
  Server cell = start_cell();
  EXPECT_EQ(cell.endpoint.host, "127.0.0.1");
  EXPECT_NE(cell.endpoint.port, 0);
  HttpResult r = http(cell.endpoint, "GET", "/healthz");
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("X-Cell"), "cell-3");
}

TEST(CellServer, AnOrderGetsAReceiptNamingTheCell) {
  Server cell = start_cell();
  HttpResult r = order(cell.endpoint, "t-4", 2);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("X-Cell"), "cell-3");
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  const auto receipt = nlohmann::json::parse(r->body);
  EXPECT_EQ(receipt["cell"], "cell-3");
  EXPECT_EQ(receipt["tenant"], "t-4");
  EXPECT_EQ(receipt["bags"], 2);
}

TEST(CellServer, BadJsonGets400WithAJsonErrorAndTheCellHeader) {
  Server cell = start_cell();
  HttpResult r = http(cell.endpoint, "POST", "/orders", {{"X-Tenant", "t-1"}}, "{bags");
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->header("X-Cell"), "cell-3");
  EXPECT_TRUE(nlohmann::json::parse(r->body).contains("error"));
}

TEST(CellServer, MalformedHttpGets400AndOversizedBodies413) {
  Server cell = start_cell();
  HttpResult bad = http(cell.endpoint, "GET", "/healthz HTTP/9\r\nbroken");
  ASSERT_TRUE(bad.is_ok()) << bad.detail;
  EXPECT_EQ(bad->status, 400);
  HttpResult big =
      http(cell.endpoint, "POST", "/orders", {{"X-Tenant", "t"}}, std::string(70 * 1024, 'x'));
  ASSERT_TRUE(big.is_ok()) << big.detail;
  EXPECT_EQ(big->status, 413);
}

// An order padded to exactly the body limit (64 KiB) reaches the cell whole (its JSON would
// not parse otherwise); one byte more is 413.
TEST(CellServer, AnOrderOfExactlyTheBodyLimitArrivesWholeAndOneByteMoreIs413) {
  Server cell = start_cell();
  const std::string open = R"({"bags": 2, "pad": ")";
  const std::string close = "\"}";
  std::string pad(64 * 1024 - open.size() - close.size(), ' ');
  for (std::size_t i = 0; i < pad.size(); ++i)
    pad[i] = static_cast<char>('a' + i % 26);
  HttpResult r = http(cell.endpoint, "POST", "/orders", {{"X-Tenant", "t"}}, open + pad + close);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(nlohmann::json::parse(r->body)["bags"], 2);
  r = http(cell.endpoint, "POST", "/orders", {{"X-Tenant", "t"}}, open + pad + "b" + close);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 413);
}

TEST(CellServer, CrashOnBagsKillsTheProcessAndResetsTheConnection) {
  Server cell = start_cell({"--crash-on-bags", "5"});
  ASSERT_TRUE(order(cell.endpoint, "t-2", 4).is_ok());
  HttpResult r = order(cell.endpoint, "t-2", 5);
  EXPECT_EQ(r.failure, HttpFailure::kReset) << to_string(r.failure) << ": " << r.detail;
  std::optional<ExitStatus> exit = cell.process.wait_exit(5s);
  ASSERT_TRUE(exit.has_value());
  EXPECT_FALSE(exit->exited);
  EXPECT_EQ(exit->signal, SIGABRT);
  EXPECT_EQ(http(cell.endpoint, "GET", "/healthz").failure, HttpFailure::kRefused);
}

TEST(CellServer, KeepsServingAfterInjectedFailures) {
  Server cell = start_cell({"--fail-rate", "1"});
  HttpResult r = order(cell.endpoint, "t-1", 1);
  ASSERT_TRUE(r.is_ok()) << r.detail;
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(http(cell.endpoint, "GET", "/healthz")->status, 200);
}

TEST(CellServer, SigtermExitsZero) {
  Server cell = start_cell();
  EXPECT_EQ(cell.process.stop(5s), (ExitStatus{true, 0, 0}));
}

TEST(CellServer, ABadListenAddressExitsWithUsageError) {
  Result<ChildProcess> p = start_cellkit({"cell", "--listen", "localhost"});
  ASSERT_TRUE(p.is_ok());
  std::optional<ExitStatus> exit = p->wait_exit(5s);
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(*exit, (ExitStatus{true, 2, 0}));
}

}  // namespace
}  // namespace cellkit::live::test

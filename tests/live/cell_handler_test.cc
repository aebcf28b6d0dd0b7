#include "live/cell_handler.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cellkit::live {
namespace {

CellOptions options(std::string name = "cell-3") {
  CellOptions o;
  o.name = std::move(name);
  return o;
}

CellReply post(CellHandler& h, std::string_view tenant, std::string_view body) {
  return h.handle({"POST", "/orders", tenant, body});
}

TEST(CellHandler, ReceiptNamesTheCellTenantAndBags) {
  CellHandler h(options());
  const CellReply r = post(h, "t-7", R"({"bags": 3})");
  EXPECT_FALSE(r.crash);
  EXPECT_EQ(r.status, 200);
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["cell"], "cell-3");
  EXPECT_EQ(j["tenant"], "t-7");
  EXPECT_EQ(j["bags"], 3);
  EXPECT_EQ(j["order"], 1);
  EXPECT_EQ(h.orders(), 1u);
}

TEST(CellHandler, HealthzAnswersOkWithTheCellName) {
  CellHandler h(options("east"));
  const CellReply r = h.handle({"GET", "/healthz", "", ""});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["cell"], "east");
}

TEST(CellHandler, BadJsonIs400WithAJsonError) {
  CellHandler h(options());
  const CellReply r = post(h, "t-1", "{bags: 3");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"], "body is not JSON; expected {\"bags\": N}");
}

TEST(CellHandler, BagsMustBeAPositiveWholeNumber) {
  CellHandler h(options());
  EXPECT_EQ(post(h, "t-1", R"({"bags": 0})").status, 400);
  EXPECT_EQ(post(h, "t-1", R"({"bags": -2})").status, 400);
  EXPECT_EQ(post(h, "t-1", R"({"bags": "two"})").status, 400);
  EXPECT_EQ(post(h, "t-1", R"([3])").status, 400);
  EXPECT_EQ(h.orders(), 0u);
}

TEST(CellHandler, AnOrderWithoutATenantIs400) {
  CellHandler h(options());
  const CellReply r = post(h, "", R"({"bags": 1})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"], "missing X-Tenant header");
}

TEST(CellHandler, OnlyTheCrashSizeCrashes) {
  CellOptions o = options();
  o.crash_on_bags = 5;
  CellHandler h(o);
  EXPECT_FALSE(post(h, "t-2", R"({"bags": 4})").crash);
  EXPECT_FALSE(post(h, "t-2", R"({"bags": 6})").crash);
  EXPECT_TRUE(post(h, "t-2", R"({"bags": 5})").crash);
}

TEST(CellHandler, FailRateOneFailsEveryOrderAndZeroNone) {
  CellOptions o = options();
  o.fail_rate = 1;
  CellHandler always(o);
  EXPECT_EQ(post(always, "t", R"({"bags": 1})").status, 500);
  o.fail_rate = 0;
  CellHandler never(o);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(post(never, "t", R"({"bags": 1})").status, 200);
}

TEST(CellHandler, ServiceTimeDelaysOnlySuccessfulOrders) {
  CellOptions o = options();
  o.service_time = Duration(2000);
  CellHandler h(o);
  EXPECT_TRUE(post(h, "t", R"({"bags": 1})").delay);
  EXPECT_FALSE(post(h, "t", "nope").delay);
  EXPECT_FALSE(h.handle({"GET", "/healthz", "", ""}).delay);
}

TEST(CellHandler, UnknownPathIs404AndWrongMethodIs405) {
  CellHandler h(options());
  EXPECT_EQ(h.handle({"GET", "/nope", "", ""}).status, 404);
  EXPECT_EQ(h.handle({"GET", "/orders", "t", ""}).status, 405);
  EXPECT_EQ(h.handle({"POST", "/healthz", "", ""}).status, 405);
}

TEST(CellOptions, ValidateNamesTheBadValue) {
  CellOptions o;
  o.listen = "localhost:80";
  EXPECT_EQ(o.validate().message(),
            "--listen: 'localhost:80' is not an endpoint; expected HOST:PORT with an IPv4 host, "
            "e.g. 127.0.0.1:8080");
  o = CellOptions{};
  o.fail_rate = 1.5;
  EXPECT_EQ(o.validate().message(), "--fail-rate 1.5 must be between 0 and 1");
  o = CellOptions{};
  o.name = "a b";
  EXPECT_FALSE(o.validate().is_ok());
  o = CellOptions{};
  o.crash_on_bags = 0;
  EXPECT_EQ(o.validate().message(), "--crash-on-bags must be at least 1");
}

TEST(CellHandler, AnUnknownLongPathIsNamedCut) {
  CellHandler h(options());
  const CellReply reply = h.handle({"GET", "/" + std::string(500, 'p'), "", ""});
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(nlohmann::json::parse(reply.body)["error"],
            "no such path '/" + std::string(39, 'p') + "...'; try POST /orders or GET /healthz");
}

// A client may send any bytes in a path or X-Tenant: the reply is JSON with U+FFFD, not an
// exception out of the handler (which ended the cell process).
TEST(CellHandler, APathOrTenantThatIsNotUtf8GetsAJsonReply) {
  CellHandler h(options());
  const CellReply missing = h.handle({"GET", "/\xff", "", ""});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["error"],
            "no such path '/\xef\xbf\xbd'; try POST /orders or GET /healthz");
  const CellReply receipt = post(h, "t-\xff", "{\"bags\": 1}");
  EXPECT_EQ(receipt.status, 200);
  EXPECT_EQ(nlohmann::json::parse(receipt.body)["tenant"], "t-\xef\xbf\xbd");
}

TEST(CellOptions, ValidateCutsALongValue) {
  CellOptions o;
  o.name = std::string(500, 'n') + " ";
  EXPECT_EQ(o.validate().message(),
            "--name '" + std::string(40, 'n') +
                "...' may hold only printable characters without spaces, quotes or backslashes");
  o = CellOptions{};
  o.listen = std::string(500, 'l');
  EXPECT_EQ(o.validate().message(),
            "--listen: '" + std::string(40, 'l') +
                "...' is not an endpoint; expected HOST:PORT with an IPv4 host, e.g. "
                "127.0.0.1:8080");
}

}  // namespace
}  // namespace cellkit::live

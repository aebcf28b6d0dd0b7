// The request path's message writer writes what Beast's serializer writes.
#include "live/wire.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cellkit::live {
namespace {

template <class Message>
std::string by_beast(const Message& m) {
  std::ostringstream out;
  out << m;
  return out.str();
}

template <class Message>
std::string by_wire(const Message& m) {
  std::string head;
  write_head(head, m);
  std::string out;
  for (const auto& b : wire_buffers(head, m))
    out.append(static_cast<const char*>(b.data()), b.size());
  return out;
}

TEST(WireTest, WritesARequestAsBeastDoes) {
  http::request<http::string_body> req{http::verb::post, "/orders?x=1", 11};
  req.set(http::field::host, "127.0.0.1:8080");
  req.set("X-Tenant", "acme");
  req.set(http::field::content_type, "application/json");
  req.body() = R"({"bags": 1})";
  req.prepare_payload();
  req.keep_alive(true);
  EXPECT_EQ(by_wire(req), by_beast(req));
  EXPECT_EQ(by_wire(req).substr(0, 28), "POST /orders?x=1 HTTP/1.1\r\nH");
}

TEST(WireTest, WritesAnUnknownMethodAndAnHttp10Request) {
  http::request<http::string_body> req;
  req.method_string("PURGE");
  req.target("/");
  req.version(10);
  req.set("X-Empty", "");
  EXPECT_EQ(by_wire(req), by_beast(req));
}

TEST(WireTest, WritesResponsesWithTheirOwnOrTheStandardReason) {
  http::response<http::string_body> res{http::status::service_unavailable, 11};
  res.set("X-Cell", "cell-3");
  res.body() = R"({"outcome":"no_healthy_cell"})";
  res.prepare_payload();
  EXPECT_EQ(by_wire(res), by_beast(res));
  EXPECT_EQ(by_wire(res).substr(0, 33), "HTTP/1.1 503 Service Unavailable\r");

  res.reason("Closed For Lunch");
  res.keep_alive(false);
  EXPECT_EQ(by_wire(res), by_beast(res));

  http::response<http::string_body> odd;
  odd.result(599);
  odd.version(10);
  EXPECT_EQ(by_wire(odd), by_beast(odd));
}

}  // namespace
}  // namespace cellkit::live

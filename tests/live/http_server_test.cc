// The blocking HTTP server's refusals before it listens.
#include "cellkit/live/http_server.h"

#include <gtest/gtest.h>

namespace cellkit::live {
namespace {

ServiceReply ok(const ServiceRequest&) {
  return {};
}

TEST(HttpServer, ABadListenAddressIsNamedCut) {
  const std::string v(500, 'v');
  const std::string shown = std::string(40, 'v') + "...";
  EXPECT_EQ(HttpServer::start(v, ok).status().message(),
            "--listen '" + shown + "' is not HOST:PORT (PORT 0-65535)");
  EXPECT_EQ(HttpServer::start(v + ":0", ok).status().message(),
            "--listen host '" + shown + "' is not an IP address");
}

}  // namespace
}  // namespace cellkit::live

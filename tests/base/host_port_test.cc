#include "cellkit/base/host_port.h"

#include <gtest/gtest.h>

namespace cellkit {
namespace {

TEST(HostPort, SplitsAtTheLastColon) {
  EXPECT_EQ(split_host_port("127.0.0.1:4001"), (HostPort{"127.0.0.1", 4001}));
  EXPECT_EQ(split_host_port("cell-3.local:0"), (HostPort{"cell-3.local", 0}));
  EXPECT_EQ(split_host_port("a:65535"), (HostPort{"a", 65535}));
}

TEST(HostPort, TakesTheBracketsOffAnIpv6Literal) {
  EXPECT_EQ(split_host_port("[::1]:80"), (HostPort{"::1", 80}));
  EXPECT_EQ(split_host_port("[]:80"), (HostPort{"[]", 80}));  // nothing inside: kept as written
}

TEST(HostPort, RefusesWhatIsNotHostColonDecimalPort) {
  for (const char* bad :
       {"", "host", ":80", "host:", "host:65536", "host:8o", "host:+80", "host: 80", "host:-1"}) {
    EXPECT_FALSE(split_host_port(bad).has_value()) << bad;
  }
}

TEST(HostPort, PrintsBackWhatItSplit) {
  for (const char* text : {"127.0.0.1:4001", "[::1]:80", "cell-3.local:0"})
    EXPECT_EQ(to_string(*split_host_port(text)), text);
}

}  // namespace
}  // namespace cellkit

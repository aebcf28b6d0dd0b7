// "host:port" text and its two parts: the one parser of addresses for every module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cellkit {

inline constexpr std::uint32_t kMaxPort = 65535;

// An address to reach or to listen on. The host is as written, without the brackets of an
// IPv6 literal ("[::1]:80" gives "::1"); what a host may be is the caller's rule.
struct HostPort {
  std::string host;
  std::uint16_t port = 0;

  bool operator==(const HostPort&) const = default;
};

// Splits `text` at its last ':' into a non-empty host and a port of decimal digits
// 0..kMaxPort (no sign, not empty). Nothing when `text` is not of that shape; callers that
// refuse port 0 or a kind of host check that themselves and word their own message.
std::optional<HostPort> split_host_port(std::string_view text);

// "host:port", with brackets around a host that holds a ':' (an IPv6 literal).
std::string to_string(const HostPort& address);

}  // namespace cellkit

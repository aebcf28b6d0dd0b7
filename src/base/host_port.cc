// Splitting "host:port".
#include "cellkit/base/host_port.h"

#include <charconv>

namespace cellkit {

std::optional<HostPort> split_host_port(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::string_view digits = text.substr(colon + 1);
  std::uint32_t port = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() ||
      port > kMaxPort) {
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return HostPort{.host = std::string(host), .port = static_cast<std::uint16_t>(port)};
}

std::string to_string(const HostPort& address) {
  const bool literal_v6 = address.host.find(':') != std::string::npos;
  std::string out = literal_v6 ? "[" + address.host + "]" : address.host;
  return out + ":" + std::to_string(address.port);
}

}  // namespace cellkit

// A small blocking HTTP/1.1 client for loopback: tests, `cellkit demo --live` and health
// probes. One request per connection, every step under one deadline, and failures told
// apart: refused, reset, closed without a reply, timed out.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cellkit/base/host_port.h"
#include "cellkit/base/status.h"

namespace cellkit::live {

using Headers = std::vector<std::pair<std::string, std::string>>;

// host:port; host is a dotted IPv4 address (live mode binds loopback only).
using Endpoint = HostPort;

// Parses "127.0.0.1:4001" (port 0..65535). Fails naming the text and what is allowed.
Result<Endpoint> parse_endpoint(std::string_view text);
// Parses a server's first stdout line "listening on HOST:PORT".
Result<Endpoint> parse_listening_line(std::string_view line);

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  Headers headers;   // sent as given; Host, Content-Length, Connection: close are added
  std::string body;  // sent with Content-Length when not empty or when method is POST/PUT
};

struct HttpReply {
  int status = 0;
  Headers headers;  // in the order received
  std::string body;

  // The first header with this name (case-insensitive), or nothing.
  std::optional<std::string> header(std::string_view name) const;
};

enum class HttpFailure : std::uint8_t {
  kNone,      // a complete reply arrived
  kRefused,   // nothing listens on the port (connection refused)
  kReset,     // the peer reset the connection (e.g. the server crashed with it open)
  kClosed,    // the peer closed the connection before a complete reply
  kTimeout,   // the deadline passed first
  kProtocol,  // the reply was not HTTP/1.x we could parse
  kOther,     // any other socket error (detail says which)
};
std::string_view to_string(HttpFailure failure);

// A reply or a failure, never both. `detail` describes a failure for messages.
struct HttpResult {
  HttpFailure failure = HttpFailure::kNone;
  std::string detail;
  HttpReply reply;

  bool is_ok() const { return failure == HttpFailure::kNone; }
  const HttpReply* operator->() const { return &reply; }
};

// Sends one request to endpoint and reads the whole reply (Content-Length, chunked or
// until close), all within `timeout`. Never throws; never blocks past the deadline.
HttpResult loopback_call(const Endpoint& endpoint, const HttpRequest& request,
                         std::chrono::milliseconds timeout);

}  // namespace cellkit::live

// A small blocking HTTP/1.1 client on Boost.Beast, bounded in time: the store's way to etcd's
// JSON gateway and a router's way to the control plane. One connection per call.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "cellkit/base/status.h"

namespace cellkit::live {

struct HttpUrl {
  std::string host;        // a name or an IPv4 address
  std::uint16_t port = 0;  // never 0 once parsed

  std::string to_string() const;  // "http://host:port"
};

// Parses "http://HOST:PORT" (an optional trailing '/'). Other schemes, paths, a missing or
// out-of-range port fail with a message that quotes the url.
Result<HttpUrl> parse_http_url(std::string_view url);

struct HttpResponse {
  unsigned status = 0;
  std::string body;
  std::string routing_version;  // the X-Cellkit-Routing-Version header ("" when absent)
};

// One request, answered whole. Fails (kFailedPrecondition, naming the url and what went
// wrong: refused, timed out, reset) when no complete response arrives within `timeout`.
// A response of any status is a success here; the caller reads `status`.
Result<HttpResponse> http_call(const HttpUrl& url, std::string_view method, std::string_view target,
                               std::string body, std::chrono::milliseconds timeout);

enum class StreamEnd {
  kStopped,   // on_line returned false
  kEnded,     // the server ended the body
  kDeadline,  // the deadline passed first
};

// POSTs `body` and hands each complete line of the (chunked) response body to on_line until
// it returns false, the body ends or `deadline` passes. Connecting, a non-200 answer and a
// broken connection fail.
Result<StreamEnd> http_stream_lines(const HttpUrl& url, std::string_view target, std::string body,
                                    std::chrono::steady_clock::time_point deadline,
                                    const std::function<bool(std::string_view)>& on_line);

}  // namespace cellkit::live

// A small blocking HTTP/1.1 client on Boost.Beast, bounded in time: the store's way to etcd's
// JSON gateway and a router's way to the control plane. One connection per call.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
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

// Lets another thread end the calls made with it, so a thread blocked in a long-poll or a
// watch can be stopped at once: cancel() fails every call in flight (several may run at once,
// from several threads) and every later call before it starts (kFailedPrecondition,
// "cancelled"). Thread-safe; it must outlive the calls given it.
class CallCanceller {
 public:
  void cancel();
  bool cancelled() const;

  // For the client only: registers how to end the call now starting, beside the others in
  // flight, and returns its ticket (nullopt: already cancelled, do not start); leave(ticket)
  // unregisters it before the call's resources go.
  std::optional<std::uint64_t> enter(std::function<void()> interrupt);
  void leave(std::uint64_t ticket);

 private:
  mutable std::mutex mutex_;
  bool cancelled_ = false;
  std::uint64_t next_ticket_ = 0;
  std::map<std::uint64_t, std::function<void()>> interrupts_;  // one per call in flight
};

// One request, answered whole. Fails (kFailedPrecondition, naming the url and what went
// wrong: refused, timed out, reset) when no complete response arrives within `timeout`.
// A response of any status is a success here; the caller reads `status`. A cancelled call
// fails the same way.
Result<HttpResponse> http_call(const HttpUrl& url, std::string_view method, std::string_view target,
                               std::string body, std::chrono::milliseconds timeout,
                               CallCanceller* canceller = nullptr);

enum class StreamEnd {
  kStopped,   // on_line returned false
  kEnded,     // the server ended the body
  kDeadline,  // the deadline passed first
};

// POSTs `body` and hands each complete line of the (chunked) response body to on_line until
// it returns false, the body ends or `deadline` passes. Connecting, a non-200 answer, a body
// that is not chunked, a line longer than kMaxLineBytes (base/limits.h; refused as soon as
// it passes the limit, holding no more) and a broken connection fail; so does a cancelled
// call.
Result<StreamEnd> http_stream_lines(const HttpUrl& url, std::string_view target, std::string body,
                                    std::chrono::steady_clock::time_point deadline,
                                    const std::function<bool(std::string_view)>& on_line,
                                    CallCanceller* canceller = nullptr);

}  // namespace cellkit::live

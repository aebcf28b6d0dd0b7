// Blocking HTTP calls made of Beast's asynchronous operations on a private io_context, so
// every step has a deadline (Beast's synchronous calls have none).
#include "cellkit/live/http_client.h"

#include "cellkit/base/cut.h"
#include "cellkit/base/limits.h"

#include <optional>

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "cellkit/base/host_port.h"
#include "live/asio_types.h"
#include "live/large_reads.h"

namespace cellkit::live {
namespace {

using Clock = std::chrono::steady_clock;

// Registers the call with its canceller for as long as it lives: cancel() from another
// thread posts stream.cancel() to the call's io_context, so the step in flight (or the next
// one) ends with operation_aborted. Declared after the stream, so it leaves first.
class CancelScope {
 public:
  CancelScope(CallCanceller* canceller, net::io_context& io, beast::tcp_stream& stream)
      : canceller_(canceller) {
    if (canceller_ == nullptr) return;
    ticket_ = canceller_->enter([&io, &stream] { net::post(io, [&stream] { stream.cancel(); }); });
  }
  ~CancelScope() {
    if (ticket_) canceller_->leave(*ticket_);
  }
  CancelScope(const CancelScope&) = delete;
  CancelScope& operator=(const CancelScope&) = delete;

  // The call was cancelled (before it started or since).
  bool cancelled() const { return canceller_ != nullptr && canceller_->cancelled(); }
  // A step's failure as the caller sees it: "cancelled" when the call was cancelled (the
  // step failed because of it), else the step's own error.
  Status failed(const HttpUrl& url, Status step) const;

 private:
  CallCanceller* canceller_;
  std::optional<std::uint64_t> ticket_;  // set while registered
};

Status cancelled_error(const HttpUrl& url) {
  return failed_precondition(fmt::format("{}: cancelled", url.to_string()));
}

Status CancelScope::failed(const HttpUrl& url, Status step) const {
  return cancelled() ? cancelled_error(url) : step;
}

Status io_error(const HttpUrl& url, std::string_view step, const beast::error_code& ec) {
  std::string what = ec == beast::error::timeout ? std::string("timed out") : ec.message();
  return failed_precondition(fmt::format("{} {}: {}", url.to_string(), step, what));
}

Status line_too_long(const HttpUrl& url, std::string_view target) {
  return failed_precondition(
      fmt::format("{}{}: a line of the answer is longer than the {} bytes (1 MiB) a line may hold",
                  url.to_string(), target, kMaxLineBytes));
}

// Resolves and connects the stream, expiring at `deadline`.
Status connect(net::io_context& io, beast::tcp_stream& stream, const HttpUrl& url,
               Clock::time_point deadline) {
  tcp::resolver resolver(io);
  beast::error_code ec;
  auto endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec) return io_error(url, "resolve", ec);
  std::optional<beast::error_code> result;
  stream.expires_at(deadline);
  stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { result = e; });
  if (ec = run_to_completion(io, result); ec) return io_error(url, "connect", ec);
  return Status::ok();
}

http::request<http::string_body> make_request(const HttpUrl& url, std::string_view method,
                                              std::string_view target, std::string body) {
  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, cellkit::to_string(HostPort{.host = url.host, .port = url.port}));
  request.set(http::field::content_type, "application/json");
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

Status send(net::io_context& io, beast::tcp_stream& stream, const HttpUrl& url,
            http::request<http::string_body>& request) {
  std::optional<beast::error_code> result;
  http::async_write(stream, request, [&](beast::error_code e, std::size_t) { result = e; });
  if (beast::error_code ec = run_to_completion(io, result); ec) return io_error(url, "send", ec);
  return Status::ok();
}

// Splits a stream's bytes into lines for on_line, holding at most kMaxLineBytes of a line
// that has not ended: a server that never ends a line is refused at the limit instead of
// growing memory without end. Each byte is looked at once (searching the whole pending line
// again on every chunk made a long line quadratic).
class LineSplitter {
 public:
  explicit LineSplitter(const std::function<bool(std::string_view)>& on_line) : on_line_(on_line) {}

  // Hands on every line `data` completes; false once on_line said stop or a line is too long.
  bool add(std::string_view data) {
    while (!stopped_ && !too_long_) {
      const std::size_t nl = data.find('\n');
      if (nl == std::string_view::npos) {
        keep(data);
        break;
      }
      if (!keep(data.substr(0, nl))) break;
      stopped_ = !on_line_(pending_);
      pending_.clear();
      data.remove_prefix(nl + 1);
    }
    return !stopped_ && !too_long_;
  }
  bool stopped() const { return stopped_; }
  bool too_long() const { return too_long_; }

 private:
  // Appends part of a line; false (too long) past kMaxLineBytes.
  bool keep(std::string_view part) {
    too_long_ = pending_.size() + part.size() > kMaxLineBytes;
    if (!too_long_) pending_.append(part);
    return !too_long_;
  }

  const std::function<bool(std::string_view)>& on_line_;
  std::string pending_;
  bool stopped_ = false;
  bool too_long_ = false;
};

}  // namespace

void CallCanceller::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  for (const auto& [ticket, interrupt] : interrupts_)
    interrupt();
}

bool CallCanceller::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

std::optional<std::uint64_t> CallCanceller::enter(std::function<void()> interrupt) {
  std::lock_guard lock(mutex_);
  if (cancelled_) return std::nullopt;
  const std::uint64_t ticket = next_ticket_++;
  interrupts_.emplace(ticket, std::move(interrupt));
  return ticket;
}

void CallCanceller::leave(std::uint64_t ticket) {
  std::lock_guard lock(mutex_);
  interrupts_.erase(ticket);
}

std::string HttpUrl::to_string() const {  // an IPv6 host gets its brackets back
  return "http://" + cellkit::to_string(HostPort{.host = host, .port = port});
}

Result<HttpUrl> parse_http_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  auto bad = [&](std::string_view why) {
    return invalid_argument(fmt::format("url '{}' {}; expected http://HOST:PORT", cut(url), why));
  };
  if (!url.starts_with(kScheme)) return bad("does not start with http://");
  std::string_view rest = url.substr(kScheme.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad("has no HOST:PORT");
  if (rest.find('/') != std::string_view::npos) return bad("has a path");
  std::optional<HostPort> address = split_host_port(rest);
  if (!address || address->port == 0) return bad(fmt::format("has no valid port (1-{})", kMaxPort));
  return HttpUrl{.host = std::move(address->host), .port = address->port};
}

Result<HttpResponse> http_call(const HttpUrl& url, std::string_view method, std::string_view target,
                               std::string body, std::chrono::milliseconds timeout,
                               CallCanceller* canceller) {
  net::io_context io;
  beast::tcp_stream stream(io);
  const CancelScope scope(canceller, io, stream);
  if (scope.cancelled()) return cancelled_error(url);
  const Clock::time_point deadline = Clock::now() + timeout;
  if (Status s = connect(io, stream, url, deadline); !s.is_ok()) return scope.failed(url, s);
  auto request = make_request(url, method, target, std::move(body));
  if (Status s = send(io, stream, url, request); !s.is_ok()) return scope.failed(url, s);
  // A cancel that ran while the send was completing found nothing to cancel: look before
  // waiting, or the call would run until its timeout.
  if (scope.cancelled()) return cancelled_error(url);
  beast::flat_buffer buffer;
  make_room_for_large_reads(buffer);  // snapshots and etcd's ranges of chunks
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::uint64_t{256} << 20);  // a 1,000,000-tenant range is tens of MB
  std::optional<beast::error_code> result;
  http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { result = e; });
  if (beast::error_code ec = run_to_completion(io, result); ec) {
    return scope.cancelled() ? cancelled_error(url) : io_error(url, "read", ec);
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  const auto version = parser.get().find("X-Cellkit-Routing-Version");
  return HttpResponse{.status = parser.get().result_int(),
                      .body = std::move(parser.get().body()),
                      .routing_version = version == parser.get().end()
                                             ? std::string()
                                             : std::string(version->value())};
}

Result<StreamEnd> http_stream_lines(const HttpUrl& url, std::string_view target, std::string body,
                                    Clock::time_point deadline,
                                    const std::function<bool(std::string_view)>& on_line,
                                    CallCanceller* canceller) {
  net::io_context io;
  beast::tcp_stream stream(io);
  const CancelScope scope(canceller, io, stream);
  if (scope.cancelled()) return cancelled_error(url);
  if (Status s = connect(io, stream, url, deadline); !s.is_ok()) return scope.failed(url, s);
  auto request = make_request(url, "POST", target, std::move(body));
  if (Status s = send(io, stream, url, request); !s.is_ok()) return scope.failed(url, s);
  if (scope.cancelled()) return cancelled_error(url);  // as in http_call
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  std::optional<beast::error_code> result;
  http::async_read_header(stream, buffer, parser,
                          [&](beast::error_code e, std::size_t) { result = e; });
  if (beast::error_code ec = run_to_completion(io, result); ec) {
    if (scope.cancelled()) return cancelled_error(url);
    if (ec == beast::error::timeout) return StreamEnd::kDeadline;
    return io_error(url, "read header", ec);
  }
  if (parser.get().result_int() != 200) {
    return failed_precondition(
        fmt::format("{}{} answered {}", url.to_string(), target, parser.get().result_int()));
  }
  // Only chunks reach on_chunk_body: any other body would pile up whole in the parser.
  if (!parser.chunked() && !parser.is_done()) {
    return failed_precondition(fmt::format(
        "{}{} answered a body that is not chunked; the lines of a stream come in chunks",
        url.to_string(), target));
  }
  LineSplitter lines(on_line);
  auto on_chunk = [&](std::uint64_t, std::string_view data, beast::error_code& ec) -> std::size_t {
    if (!lines.add(data) && lines.too_long()) ec = http::error::body_limit;  // stops the read
    return data.size();
  };
  parser.on_chunk_body(on_chunk);
  while (!lines.stopped() && !parser.is_done()) {
    // A cancel posted while the last read was completing found nothing to cancel: look again
    // before waiting, or the call would run until its deadline.
    if (scope.cancelled()) return cancelled_error(url);
    result.reset();
    http::async_read_some(stream, buffer, parser,
                          [&](beast::error_code e, std::size_t) { result = e; });
    beast::error_code ec = run_to_completion(io, result);
    if (lines.too_long()) return line_too_long(url, target);
    if (ec && scope.cancelled()) return cancelled_error(url);
    if (ec == beast::error::timeout) return StreamEnd::kDeadline;
    if (ec == http::error::end_of_stream || ec == net::error::eof) return StreamEnd::kEnded;
    if (ec) return io_error(url, "read", ec);
  }
  return lines.stopped() ? StreamEnd::kStopped : StreamEnd::kEnded;
}

}  // namespace cellkit::live

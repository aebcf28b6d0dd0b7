// The request path of the live router.
#include "live/proxy_session.h"

#include <fmt/format.h>
#include <boost/asio/write.hpp>

#include "cellkit/base/hash.h"
#include "cellkit/live/request_tenant.h"
#include "live/large_reads.h"
#include "live/read_errors.h"
#include "live/wire.h"

namespace cellkit::live {
namespace {

constexpr std::size_t kReadChunk = 4096;

// The buffer's limit outside a large body: a head and the first bytes after it.
std::size_t head_room(const RouterOptions& options) {
  return options.max_header_bytes + kReadChunk;
}

std::string_view view(beast::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace

Session::Session(Worker& worker, Socket socket)
    : worker_(worker),
      shared_(worker.shared()),
      socket_(std::move(socket)),
      buffer_(head_room(shared_.options)) {
  error_code ignored;
  socket_.non_blocking(true, ignored);
  worker_.add_session(this);
  ThreadMetrics::add(worker_.metrics().connections);
}

Session::~Session() {
  end_attempt();
  worker_.remove_session(this);
  ThreadMetrics::sub(worker_.metrics().connections);
}

void Session::start() {
  wait_request();
}

// One deadline per connection, for whichever operation is pending (one at a time: the
// client's or the cell's); the worker's sweep enforces it. Cheaper than a timer per
// operation: no timer queue update and no cancelled-timer handler per request.
void Session::arm(Millis timeout) {
  deadline_ = Clock::now() + timeout;
  timed_out_ = false;
}

void Session::check_deadline(Clock::time_point now) {
  if (now < deadline_) return;
  deadline_ = Clock::time_point::max();
  timed_out_ = true;
  error_code ignored;
  socket_.cancel(ignored);
  if (upstream_) upstream_->socket.cancel(ignored);
}

error_code Session::timed(const error_code& ec) const {
  if (timed_out_ && ec == net::error::operation_aborted) return beast::error::timeout;
  return ec;
}

void Session::drain() {
  if (waiting_) close();
}

Decider Session::decider() {
  return {.table = *table_,
          .health = worker_.health(),
          .policy = shared_.options.policy,
          .quarantine = shared_.quarantine,
          .board = shared_.board};
}

// Writes what the socket takes now without blocking (its non-blocking mode is on); 0 bytes
// and no error when it takes nothing.
std::size_t Session::write_now(Socket& socket, std::span<const net::const_buffer> buffers,
                               error_code& ec) {
  const std::size_t n = socket.write_some(buffers, ec);
  if (ec == net::error::would_block || ec == net::error::try_again) ec = {};
  return n;
}

// The same request (tenant, method, target, body) always has the same fingerprint.
std::uint64_t Session::fingerprint() {
  if (!fingerprint_) {
    const auto& req = parser_->get();
    std::uint64_t h = hash64(tenant_);
    h = hash64(view(req.method_string()), h);
    h = hash64(view(req.target()), h);
    fingerprint_ = hash64(req.body(), h);
  }
  return *fingerprint_;
}

// Between requests: wait (up to the idle timeout) for the next one's first bytes.
void Session::wait_request() {
  if (closed_) return;
  parser_.reset();
  if (shared_.draining.load(std::memory_order_relaxed)) return close();
  if (buffer_.size() > 0) return read_head();
  waiting_ = true;
  arm(shared_.options.idle_timeout);
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](error_code ec, std::size_t n) {
                            self->waiting_ = false;
                            ec = self->timed(ec);
                            if (ec) {
                              if (ec == beast::error::timeout) {
                                ThreadMetrics::add(self->worker_.metrics().client_timeouts);
                              }
                              return self->close();
                            }
                            self->buffer_.commit(n);
                            self->read_head();
                          });
}

void Session::read_head() {
  if (closed_) return;
  started_ = Clock::now();
  parser_.emplace();
  parser_->header_limit(shared_.options.max_header_bytes);
  parser_->body_limit(shared_.options.max_body_bytes);
  if (!parse_buffered(true)) return;
  if (parser_->is_header_done()) return read_body();
  arm(shared_.options.header_timeout);
  http::async_read_header(socket_, buffer_, *parser_,
                          [self = shared_from_this()](error_code ec, std::size_t) {
                            if (ec) return self->on_read_error(self->timed(ec));
                            self->read_body();
                          });
}

void Session::read_body() {
  auto& req = parser_->get();
  if (beast::iequals(req[http::field::expect], "100-continue")) {
    req.erase(http::field::expect);  // answered here; the cell must not answer it again
    if (!parser_->is_done()) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      arm(shared_.options.body_timeout);
      net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](error_code ec, std::size_t) {
                         if (ec) return self->close();
                         self->parser_->get().erase(http::field::expect);
                         self->read_body();
                       });
      return;
    }
  }
  header_fields_ = static_cast<std::size_t>(std::distance(req.begin(), req.end()));
  if (!parse_buffered(false)) return;
  if (parser_->is_done()) return handle();
  make_room_for_body();
  arm(shared_.options.body_timeout);
  http::async_read(socket_, buffer_, *parser_,
                   [self = shared_from_this()](error_code ec, std::size_t) {
                     if (ec) return self->on_read_error(self->timed(ec));
                     self->handle();
                   });
}

// A body that does not fit in the buffer's room (a chunked one may not) is read up to 64
// KiB per call instead of 4 KiB: a 60 KB body took 15 reads, now 2. finish() gives the room
// back, so a connection between requests holds what it held before.
void Session::make_room_for_body() {
  const boost::optional<std::uint64_t> rest = parser_->content_length_remaining();
  if (!rest || *rest > buffer_.capacity() - buffer_.size()) make_room_for_large_reads(buffer_);
}

// Back to the buffer's size and limit before a large body, if one made room: only such room
// passes head_room (keeping a buffer grown by a large head saves reallocating it for every
// request). It keeps a pipelined request's bytes, and never a limit below them (Beast's reads
// assume size <= max_size).
void Session::give_back_room() {
  const std::size_t limit = head_room(shared_.options);
  if (buffer_.capacity() <= limit) return;
  buffer_.shrink_to_fit();
  buffer_.max_size(std::max(buffer_.size(), limit));
}

// Parses what the buffer already holds (the head only, or up to the whole message) without
// a trip through the event loop; false when that answered or closed the connection. Beast's
// reads would parse the same bytes first, then post their completion.
bool Session::parse_buffered(bool head_only) {
  while (buffer_.size() > 0 && !(head_only ? parser_->is_header_done() : parser_->is_done())) {
    error_code ec;
    const std::size_t n = parser_->put(buffer_.data(), ec);
    buffer_.consume(n);
    if (ec == http::error::need_more) break;
    if (ec) {
      on_read_error(ec);
      return false;
    }
    if (n == 0) break;
  }
  return true;
}

// Limits and malformed requests are answered, then the connection is closed; a timeout or
// a client that went away just closes it.
void Session::on_read_error(const error_code& ec) {
  if (closed_) return;
  client_keep_alive_ = false;
  client_version_ = 11;
  if (const std::optional<LiveOutcome> refusal = read_error_refusal(ec)) return refuse(*refusal);
  if (ec == beast::error::timeout) ThreadMetrics::add(worker_.metrics().client_timeouts);
  close();
}

// parse → tenant → core decides (next_attempt) → forward → record.
void Session::handle() {
  auto& req = parser_->get();
  client_keep_alive_ = req.keep_alive() && !shared_.draining.load(std::memory_order_relaxed);
  client_version_ = req.version();
  std::optional<LiveOutcome> refusal = framing_refusal(req);
  if (!refusal) refusal = trailer_refusal(req, header_fields_);
  if (refusal) {
    client_keep_alive_ = false;  // where this request's body ended is in doubt
    return refuse(*refusal);
  }
  canonical_length(req);
  table_ = worker_.table();
  if (table_->version() == 0) return refuse(LiveOutcome::kNotReady);
  const TenantSource& source = shared_.options.tenant_from;
  const std::string_view header =
      source.kind == TenantSource::Kind::kHeader ? view(req[source.header]) : std::string_view{};
  const std::string_view host =
      source.kind == TenantSource::Kind::kHost ? view(req[http::field::host]) : std::string_view{};
  const RequestTenant found =
      find_request_tenant(source, *table_, view(req.target()), host, header);
  tenant_.assign(found.name);
  if (!found.id) return refuse(found.refusal);
  tenant_id_ = *found.id;
  request_key_ = worker_.next_request_key();
  req.version(11);
  req.keep_alive(true);
  next_attempt();
}

void Session::next_attempt() {
  const LiveStep step = attempts_.next(
      decider(), tenant_id_, shared_.now(), [this] { return fingerprint(); },
      [this] { return spread_key(request_key_, tenant_id_); }, worker_.load());
  if (!step.send) {
    if (step.outcome == LiveOutcome::kQuarantined) {
      const Duration left = shared_.quarantine.until(fingerprint()) - shared_.now();
      retry_after_s_ =
          static_cast<std::uint64_t>(std::max<std::int64_t>(1, (left.count() + 999999) / 1000000));
    }
    return refuse(step.outcome);
  }
  if (attempts_.made() > 1) ThreadMetrics::add(worker_.metrics().retries);
  cell_ = step.cell;
  has_cell_ = true;
  worker_.start_attempt(cell_);
  in_attempt_ = true;
  reconnected_ = false;
  pool_ = worker_.pool(*table_, cell_);
  if (!pool_) return settle(AttemptResult::kRefused);
  if ((upstream_ = pool_->take_idle())) return send();
  if (!pool_->reserve()) return refuse(LiveOutcome::kCellBusy);
  connect();
}

// A new connection to the attempt's cell (counted by the pool's reserve()).
void Session::connect() {
  upstream_ = std::make_unique<Upstream>(worker_.executor());
  arm(shared_.options.connect_timeout);
  upstream_->socket.async_connect(pool_->endpoint(), [self = shared_from_this()](error_code ec) {
    if (ec) {
      self->release_upstream(false);
      return self->settle(AttemptResult::kRefused);  // nothing was sent
    }
    error_code ignored;
    self->upstream_->socket.set_option(tcp::no_delay(true), ignored);
    self->upstream_->socket.non_blocking(true, ignored);
    self->send();
  });
}

void Session::send() {
  arm(shared_.options.upstream_timeout);  // until the response's head
  const auto& req = parser_->get();
  auto sent = [self = shared_from_this()](error_code ec, std::size_t) {
    self->on_sent(self->timed(ec));
  };
  if (req.chunked()) return http::async_write(upstream_->socket, req, std::move(sent));
  write_head(head_, req);
  const auto buffers = wire_buffers(head_, req);
  error_code ec;
  const std::size_t n = write_now(upstream_->socket, buffers, ec);
  if (ec || n == net::buffer_size(buffers)) return on_sent(ec);
  beast::buffers_suffix rest(buffers);
  rest.consume(n);
  net::async_write(upstream_->socket, rest, std::move(sent));
}

void Session::on_sent(const error_code& ec) {
  if (ec) {
    const bool reused = upstream_->reused;
    release_upstream(false);
    if (reused && !reconnected_ && ec != beast::error::timeout) {
      // A pooled connection the cell had closed: the same attempt on a fresh one.
      reconnected_ = true;
      if (!pool_->reserve()) return refuse(LiveOutcome::kCellBusy);
      return connect();
    }
    if (ec == beast::error::timeout) return settle(AttemptResult::kTimedOut);
    pool_->clear_idle();
    return settle(AttemptResult::kCrashed);
  }
  read_upstream_head();
}

// An answered attempt stays in flight on its cell until its body has been passed on
// (finish() or close() ends it), so spread sees a cell streaming a long body as busy.
void Session::settle(AttemptResult result) {
  const bool answered =
      result == AttemptResult::kServed || (result == AttemptResult::kCellError && status_ >= 500);
  if (!answered) end_attempt();
  const LiveVerdict v = attempts_.observe(
      decider(), cell_, result, [this] { return fingerprint(); }, shared_.now(), Clock::now());
  if (v.retry) {
    end_attempt();
    return next_attempt();
  }
  if (answered) {
    outcome_ = v.outcome;
    return respond();
  }
  refuse(v.outcome);
}

void Session::end_attempt() {
  if (!in_attempt_) return;
  in_attempt_ = false;
  worker_.end_attempt(cell_);
}

void Session::refuse(LiveOutcome outcome) {
  end_attempt();
  outcome_ = outcome;
  response_ = {};
  status_ = http_status(outcome);
  response_.result(status_);
  response_.version(client_version_ == 10 ? 10 : 11);
  response_.set(http::field::content_type, "application/json");
  response_.set("X-Cellkit-Outcome", to_string(outcome));
  const std::uint64_t version = table_ ? table_->version() : 0;
  if (version > 0) response_.set("X-Cellkit-Routing-Version", std::to_string(version));
  if (std::string stale = shared_.stale_marker(); !stale.empty())
    response_.set("X-Cellkit-Stale", stale);
  if (outcome == LiveOutcome::kQuarantined) {
    response_.set(http::field::retry_after, std::to_string(retry_after_s_));
  }
  response_.body() = outcome_body(outcome, tenant_, version);
  response_.prepare_payload();
  response_.keep_alive(client_keep_alive_);
  write_response();
}

// The router's own answer in response_ to the client, then the next request.
void Session::write_response() {
  write_head(head_, response_);
  const auto buffers = wire_buffers(head_, response_);
  out_ = {buffers[0], buffers[1], net::const_buffer(), net::const_buffer()};
  write_client(&Session::finish);
}

// Written at once when the socket takes it all, except when a pipelined request waits in
// the buffer (continuing inline would then recurse into it); the rest asynchronously.
void Session::write_client(void (Session::*next)()) {
  std::size_t n = 0;
  if (buffer_.size() == 0) {
    error_code ec;
    n = write_now(socket_, out_, ec);
    if (ec) return close();
    if (n == net::buffer_size(out_)) return (this->*next)();
  }
  beast::buffers_suffix rest(out_);
  rest.consume(n);
  arm(shared_.options.body_timeout);
  net::async_write(socket_, rest, [self = shared_from_this(), next](error_code ec, std::size_t) {
    if (ec) return self->close();
    ((*self).*next)();
  });
}

std::string Session::log_line() const {
  std::string line = "{\"tenant\":";
  append_json_string(line, tenant_);
  if (parser_) {
    line += ",\"method\":";
    append_json_string(line, view(parser_->get().method_string()));
    line += ",\"target\":";
    append_json_string(line, view(parser_->get().target()));
  }
  line += fmt::format(",\"status\":{},\"outcome\":\"{}\"", status_, to_string(outcome_));
  if (has_cell_) {
    line += ",\"cell\":";
    append_json_string(line, table_->cell_name(cell_));
  }
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_);
  line += fmt::format(",\"attempts\":{},\"version\":{},\"us\":{}}}\n", attempts_.made(),
                      table_ ? table_->version() : 0, us.count());
  return line;
}

void Session::finish() {
  end_attempt();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_);
  worker_.metrics().record(outcome_, has_cell_, cell_, static_cast<std::uint64_t>(us.count()));
  if (shared_.access_log.on()) shared_.access_log.write(log_line());
  const bool keep = client_keep_alive_ && !shared_.draining.load(std::memory_order_relaxed);
  table_.reset();
  pool_.reset();
  tenant_.clear();
  // Also clears the request's spread key (LiveAttempts::key): the next request on this
  // connection has a new request_key_, and a kept key would route it by the last one's.
  attempts_ = {};
  has_cell_ = false;
  fingerprint_.reset();
  outcome_ = LiveOutcome::kServed;
  status_ = 0;
  response_ = {};
  upstream_parser_.reset();
  streaming_ = false;
  if (piece_capacity_ > kKeptPiece) {
    piece_.reset();
    piece_capacity_ = 0;
  }
  give_back_room();
  if (!keep) return close();
  wait_request();
}

void Session::close() {
  end_attempt();
  if (closed_) return;
  closed_ = true;
  waiting_ = false;
  deadline_ = Clock::time_point::max();
  release_upstream(false);
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  socket_.close(ignored);
}

}  // namespace cellkit::live

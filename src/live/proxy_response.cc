// The cell's answer on its way back: the head passed on as soon as it is parsed, the body
// streamed piece by piece with backpressure, and a response cut when the cell fails after
// the client has had part of it.
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "live/proxy_session.h"
#include "live/wire.h"

namespace cellkit::live {
namespace {

constexpr std::uint32_t kResponseHeaderLimit = 64 * 1024;
constexpr std::string_view kChunkEnd = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";
constexpr std::string_view kChunkEndAndLast = "\r\n0\r\n\r\n";

// What a failed read from the cell means: a timeout, an answer that is not HTTP, or a
// broken connection (the cell may have died of this request).
AttemptResult read_failure(const error_code& ec) {
  if (ec == beast::error::timeout) return AttemptResult::kTimedOut;
  if (is_http_error(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return AttemptResult::kCellError;
  }
  return AttemptResult::kCrashed;
}

net::const_buffer buffer_of(std::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace

char* Session::piece(std::size_t size) {
  if (size > piece_capacity_) {
    piece_ = std::make_unique_for_overwrite<char[]>(size);
    piece_capacity_ = size;
  }
  return piece_.get();
}

void Session::read_upstream_head() {
  upstream_parser_.emplace();
  upstream_parser_->header_limit(kResponseHeaderLimit);
  upstream_parser_->body_limit(boost::none);  // streamed: no whole body is ever held
  if (parser_->get().method() == http::verb::head) upstream_parser_->skip(true);
  http::async_read_header(upstream_->socket, upstream_->buffer, *upstream_parser_,
                          [self = shared_from_this()](error_code ec, std::size_t) {
                            self->on_upstream_head(self->timed(ec));
                          });
}

// A broken connection after the request was sent is a crash: the cell may have died of
// this very request, so it is never sent to another cell (poison containment).
void Session::on_upstream_error(const error_code& ec) {
  release_upstream(false);
  const AttemptResult result = read_failure(ec);
  if (result == AttemptResult::kCrashed) pool_->clear_idle();
  status_ = 0;
  settle(result);
}

void Session::on_upstream_head(const error_code& ec) {
  if (ec) return on_upstream_error(ec);
  const auto& res = upstream_parser_->get();
  status_ = res.result_int();
  upstream_keep_alive_ = res.keep_alive();
  upstream_parser_->eager(true);  // from here on, each put() parses all it can
  error_code body_ec;
  if (!take_buffered_body(body_ec)) return on_upstream_error(body_ec);
  const bool error = status_ >= 500;
  const std::uint32_t limit = shared_.options.eject_after_5xx;
  if (limit > 0 && shared_.board.count_answer(cell_, error, limit)) {
    shared_.board.eject(cell_, EjectCause::kErrors, Clock::now());
  }
  settle(error ? AttemptResult::kCellError : AttemptResult::kServed);
}

// The body bytes that came with the head, into the piece: for a small response, all of it.
bool Session::take_buffered_body(error_code& ec) {
  piece_size_ = 0;
  beast::flat_buffer& in = upstream_->buffer;
  if (upstream_parser_->is_done() || in.size() == 0) return true;
  const std::size_t room = std::min(kPiece, in.size());
  auto& body = upstream_parser_->get().body();
  body.data = piece(room);
  body.size = room;
  while (!upstream_parser_->is_done() && in.size() > 0) {
    const std::size_t n = upstream_parser_->put(in.data(), ec);
    in.consume(n);
    if (ec == http::error::need_more || ec == http::error::need_buffer) break;
    if (ec) return false;
    if (n == 0) break;
  }
  ec = {};
  piece_size_ = room - body.size;
  return true;
}

// The cell's head to the client with the router's headers, and the body bytes in hand. A
// response complete already leaves in one write, chunked or not, with a Content-Length.
void Session::respond() {
  auto& res = upstream_parser_->get();
  const std::string_view name = table_->cell_name(cell_);
  res.set("X-Cell", name.empty() ? std::to_string(raw(cell_)) : std::string(name));
  res.set("X-Cellkit-Routing-Version", std::to_string(table_->version()));
  res.set("X-Cellkit-Outcome", to_string(outcome_));
  if (std::string stale = shared_.stale_marker(); !stale.empty()) res.set("X-Cellkit-Stale", stale);
  res.version(client_version_ == 10 ? 10 : 11);
  const bool done = upstream_parser_->is_done();
  const bool head_request = parser_->get().method() == http::verb::head;
  if (done && res.chunked() && !head_request) {
    res.chunked(false);
    res.content_length(piece_size_);
  } else if (!done && res.chunked() && client_version_ == 10) {
    res.chunked(false);  // an HTTP/1.0 client reads the body until the connection closes
    client_keep_alive_ = false;
  } else if (!done && !res.chunked() && !res.has_content_length()) {
    client_keep_alive_ = false;  // the cell's body ends when its connection does
  }
  chunk_out_ = !done && res.chunked();
  res.keep_alive(client_keep_alive_);
  write_head(head_, res);
  if (done) {
    release_upstream(true);
  } else {
    streaming_ = true;
  }
  send_piece(true);
}

// Writes the piece in hand (after the head, the first time), framed as a chunk when the body
// goes out chunked, with the last chunk once the cell's body is complete.
void Session::send_piece(bool with_head) {
  const bool done = upstream_parser_->is_done();
  net::const_buffer line;
  net::const_buffer tail;
  if (chunk_out_) {
    if (piece_size_ > 0) {
      chunk_line_ = fmt::format("{:x}\r\n", piece_size_);
      line = buffer_of(chunk_line_);
      tail = buffer_of(done ? kChunkEndAndLast : kChunkEnd);
    } else if (done) {
      tail = buffer_of(kLastChunk);
    }
  }
  out_ = {with_head ? buffer_of(head_) : net::const_buffer(), line,
          net::const_buffer(piece_.get(), piece_size_), tail};
  write_client(&Session::after_piece);
}

void Session::after_piece() {
  if (cut_after_) return cut(*std::exchange(cut_after_, std::nullopt));
  if (!upstream_parser_->is_done()) return read_piece();
  release_upstream(true);
  finish();
}

// The next piece from the cell, once the client took the last one: the cell is not read
// while the client is slow.
void Session::read_piece() {
  auto& body = upstream_parser_->get().body();
  body.data = piece(kPiece);
  body.size = kPiece;
  arm(shared_.options.upstream_timeout);
  http::async_read_some(
      upstream_->socket, upstream_->buffer, *upstream_parser_,
      [self = shared_from_this()](error_code ec, std::size_t) { self->on_piece(self->timed(ec)); });
}

// What arrived is passed on, even when the cell failed after it (then the response is cut).
void Session::on_piece(error_code ec) {
  if (ec == http::error::need_buffer) ec = {};
  piece_size_ = kPiece - upstream_parser_->get().body().size;
  if (ec) {
    if (piece_size_ == 0) return cut(read_failure(ec));
    cut_after_ = read_failure(ec);
    return send_piece(false);
  }
  if (piece_size_ == 0 && !upstream_parser_->is_done()) return read_piece();
  send_piece(false);
}

// The cell failed after the client had part of its answer: no pretend-complete response.
// The client's connection is closed, the outcome is response_cut, and the request is never
// retried (bytes were sent); a crash still ejects the cell and counts against the request's
// fingerprint.
void Session::cut(AttemptResult result) {
  streaming_ = false;
  release_upstream(false);
  if (result == AttemptResult::kCrashed) pool_->clear_idle();
  attempts_.observe(
      decider(), cell_, result, [this] { return fingerprint(); }, shared_.now(), Clock::now());
  outcome_ = LiveOutcome::kResponseCut;
  client_keep_alive_ = false;
  finish();
}

// Gives the cell's connection back to the pool when its response ended cleanly and it may
// be reused; closes it otherwise.
void Session::release_upstream(bool reusable) {
  if (!upstream_) return;
  if (reusable && upstream_keep_alive_) {
    pool_->give_back(std::move(upstream_));
    return;
  }
  error_code ignored;
  upstream_->socket.close(ignored);
  upstream_.reset();
  if (pool_) pool_->release();
}

}  // namespace cellkit::live

// One client connection of the live router: read a request, find its tenant, let core
// decide each attempt, forward it to the chosen cell over a pooled connection, answer.
// The session decides nothing itself: parse → tenant → core decides → forward → record.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "live/asio_types.h"
#include "live/attempts.h"
#include "live/router_state.h"

namespace cellkit::live {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Worker& worker, Socket socket);
  ~Session();
  void start();
  // The router is draining: close now when waiting for a request, else after this one.
  void drain();
  // Cuts the pending operation when the connection's deadline has passed (the worker's
  // sweep calls it a few times a second).
  void check_deadline(std::chrono::steady_clock::time_point now);

 private:
  using Clock = std::chrono::steady_clock;
  // Body bytes held between the cell and the client: at most kPiece per connection; a
  // buffer above kKeptPiece is released when its response ends.
  static constexpr std::size_t kPiece = 64 * 1024;
  static constexpr std::size_t kKeptPiece = 4 * 1024;

  void wait_request();
  void read_head();
  void read_body();
  void make_room_for_body();
  void give_back_room();
  bool parse_buffered(bool head_only);
  void on_read_error(const error_code& ec);
  void handle();
  void next_attempt();
  void connect();
  void send();
  void on_sent(const error_code& ec);
  void settle(AttemptResult result);
  void end_attempt();
  void refuse(LiveOutcome outcome);
  void write_response();
  // Writes out_ to the client, then calls `next` (close() when the write fails).
  void write_client(void (Session::*next)());
  void arm(Millis timeout);
  // `ec`, or beast::error::timeout for an operation the deadline cancelled.
  error_code timed(const error_code& ec) const;
  static std::size_t write_now(Socket& socket, std::span<const net::const_buffer> buffers,
                               error_code& ec);
  void finish();
  void close();
  std::string log_line() const;
  std::uint64_t fingerprint();
  Decider decider();

  // The cell's answer: its head is passed on as soon as it is parsed,
  // then its body piece by piece; the next piece is read from the cell only once the client
  // took the last one (backpressure, at most kPiece bytes held per connection).
  void read_upstream_head();
  void on_upstream_head(const error_code& ec);
  void on_upstream_error(const error_code& ec);
  bool take_buffered_body(error_code& ec);
  void respond();
  void send_piece(bool with_head);
  void after_piece();
  void read_piece();
  void on_piece(error_code ec);
  void cut(AttemptResult result);
  void release_upstream(bool reusable);
  char* piece(std::size_t size);

  Worker& worker_;
  Shared& shared_;
  Socket socket_;
  Clock::time_point deadline_ = Clock::time_point::max();  // of the pending operation
  bool timed_out_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;  // the router's own answers (refusals)
  std::string head_;                            // the head of the message being written (reused)
  std::array<net::const_buffer, 4> out_{};      // what goes to the client next
  bool waiting_ = false;                        // between requests
  bool closed_ = false;

  // The request in hand.
  Clock::time_point started_{};
  std::shared_ptr<const RoutingTable> table_;  // the table that decides it, kept to the end
  std::string tenant_;
  TenantId tenant_id_{};
  LiveAttempts attempts_;
  std::shared_ptr<CellPool> pool_;
  CellId cell_{};
  bool has_cell_ = false;
  bool reconnected_ = false;  // a stale pooled connection was replaced for this attempt
  LiveOutcome outcome_ = LiveOutcome::kServed;
  unsigned status_ = 0;  // the status the client was (or is being) sent
  std::optional<std::uint64_t> fingerprint_;
  bool client_keep_alive_ = true;
  std::size_t header_fields_ = 0;  // fields of the request's header, before any trailer
  unsigned client_version_ = 11;
  std::uint64_t retry_after_s_ = 0;
  std::uint64_t request_key_ = 0;  // the request's number on its worker: spread's key hashes it
  bool in_attempt_ = false;        // counted in the worker's in-flight load

  // The cell's answer in hand.
  std::unique_ptr<Upstream> upstream_;  // the attempt's connection to the cell
  std::optional<http::response_parser<http::buffer_body>> upstream_parser_;
  bool upstream_keep_alive_ = false;
  bool streaming_ = false;  // the head went to the client: a failure now cuts the response
  bool chunk_out_ = false;  // the body goes to the client chunked (re-encoded)
  std::optional<AttemptResult> cut_after_;  // the cell failed: cut once this piece is out
  std::unique_ptr<char[]> piece_;           // body bytes between the cell and the client
  std::size_t piece_capacity_ = 0;
  std::size_t piece_size_ = 0;
  std::string chunk_line_;  // "<hex size>\r\n" of the piece being written chunked
};

}  // namespace cellkit::live

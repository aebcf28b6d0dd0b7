// One client connection of the live router: read a request, find its tenant, let core
// decide each attempt, forward it to the chosen cell over a pooled connection, answer.
// The session decides nothing itself: parse → tenant → core decides → forward → record.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <optional>
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

 private:
  using Clock = std::chrono::steady_clock;

  void wait_request();
  void read_head();
  void read_body();
  bool parse_buffered(bool head_only);
  void on_read_error(const error_code& ec);
  void handle();
  void next_attempt();
  void connect(std::shared_ptr<CellPool> pool);
  void send(std::unique_ptr<Upstream> upstream);
  void on_sent(std::unique_ptr<Upstream> upstream, const error_code& ec);
  void on_response(std::unique_ptr<Upstream> upstream, const error_code& ec);
  void settle(AttemptResult result);
  void end_attempt();
  void refuse(LiveOutcome outcome);
  void respond();
  void write_response();
  static std::size_t write_now(Stream& stream, const std::array<net::const_buffer, 2>& buffers,
                               error_code& ec);
  void finish();
  void close();
  std::string log_line() const;
  std::uint64_t fingerprint();
  Decider decider();

  Worker& worker_;
  Shared& shared_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response_parser<http::string_body>> upstream_parser_;
  http::response<http::string_body> response_;
  std::string head_;      // the head of the message being written (reused)
  bool waiting_ = false;  // between requests
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
  std::optional<std::uint64_t> fingerprint_;
  bool client_keep_alive_ = true;
  unsigned client_version_ = 11;
  std::uint64_t retry_after_s_ = 0;
  std::uint64_t request_key_ = 0;  // spread's per-request key
  bool in_attempt_ = false;        // counted in the worker's in-flight load
};

}  // namespace cellkit::live

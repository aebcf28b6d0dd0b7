// The admin listener, the active health checks and the health tick: all on the admin
// thread, as coroutines (none of this is on the request path).
#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <nlohmann/json.hpp>

#include "cellkit/base/hash.h"
#include "cellkit/base/host_port.h"
#include "cellkit/live/snapshot_intake.h"
#include "live/large_reads.h"
#include "live/router_impl.h"

namespace cellkit::live {
namespace {

using net::awaitable;
using net::use_awaitable;
using Clock = std::chrono::steady_clock;
constexpr std::string_view kOfferSource = "PUT /admin/snapshot";
// The body is read in pieces of this size; only the piece and at most one tenant's
// unread bytes are held (snapshot_intake.h).
constexpr std::size_t kBodyPiece = 64 * 1024;

using Response = http::response<http::string_body>;

Response reply(unsigned status, std::string_view type, std::string body) {
  Response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response offer(RouterServer::Impl& impl, Result<FlatSnapshot> decoded) {
  const OfferResult r = impl.shared.snapshots.offer_decoded(std::move(decoded));
  nlohmann::json j = {
      {"verdict", to_string(r.verdict)}, {"offered", r.offered}, {"serving", r.serving}};
  if (!r.reason.empty()) j["reason"] = r.reason;
  return reply(static_cast<unsigned>(http_status(r.verdict)), "application/json", j.dump() + "\n");
}

// The connection is closed after it: the rest of the body is not read.
Response too_large(const RouterServer::Impl& impl) {
  Response res = reply(413, "application/json",
                       fmt::format("{{\"error\":\"the snapshot is over the limit of {} bytes\"}}\n",
                                   impl.shared.options.max_snapshot_bytes));
  res.keep_alive(false);
  return res;
}

Response route(RouterServer::Impl& impl, http::request<http::string_body>& req) {
  const std::string_view target(req.target().data(), req.target().size());
  const bool get = req.method() == http::verb::get;
  if (target == "/admin/healthz" && get) return reply(200, "text/plain", "ok\n");
  if (target == "/admin/ready" && get) {
    const bool ready = impl.shared.snapshots.ready() && !impl.shared.draining;
    return reply(ready ? 200 : 503, "application/json",
                 fmt::format("{{\"ready\":{},\"version\":{}}}\n", ready,
                             impl.shared.snapshots.table()->version()));
  }
  if (target == "/admin/routing" && get)
    return reply(200, "application/json", render_routing(impl));
  if (target == "/metrics" && get) {
    return reply(200, "text/plain; version=0.0.4; charset=utf-8", render_metrics(impl));
  }
  if (target == "/admin/snapshot" || target == "/admin/healthz" || target == "/admin/ready" ||
      target == "/admin/routing" || target == "/metrics") {
    return reply(405, "application/json",
                 fmt::format("{{\"error\":\"method {} not allowed on {}\"}}\n",
                             std::string(req.method_string()), target));
  }
  return reply(404, "application/json", outcome_body(LiveOutcome::kNotFound, {}, 0));
}

bool is_offer(const http::request<http::string_body>& head) {
  return head.method() == http::verb::put && head.target() == "/admin/snapshot";
}

bool expects_go_ahead(const http::request<http::string_body>& head) {
  return head.version() >= 11 && is_offer(head) &&
         beast::iequals(head[http::field::expect], "100-continue");
}

// Reads an offer's body piece by piece into a SnapshotIntake and offers what it decodes;
// nothing when the connection failed or timed out (nothing is offered then).
awaitable<std::optional<Response>> take_offer(RouterServer::Impl& impl, beast::tcp_stream& stream,
                                              beast::flat_buffer& buffer,
                                              http::request_parser<http::string_body>&& head) {
  http::request_parser<http::buffer_body> parser(std::move(head));
  parser.body_limit(impl.shared.options.max_snapshot_bytes);
  SnapshotIntake intake{std::string(kOfferSource)};
  std::vector<char> piece(kBodyPiece);
  make_room_for_large_reads(buffer);
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    auto [ec, n] =
        co_await http::async_read_some(stream, buffer, parser, net::as_tuple(use_awaitable));
    if (ec == http::error::body_limit) co_return too_large(impl);
    if (ec && ec != http::error::need_buffer) co_return std::nullopt;
    intake.add(std::string_view(piece.data(), piece.size() - parser.get().body().size));
  }
  Response res = offer(impl, intake.finish());
  res.keep_alive(parser.get().keep_alive());
  co_return res;
}

// The request whose head `parser` holds, read and answered; nothing when the connection
// failed.
awaitable<std::optional<Response>> answer(RouterServer::Impl& impl, beast::tcp_stream& stream,
                                          beast::flat_buffer& buffer,
                                          http::request_parser<http::string_body>& parser) {
  if (is_offer(parser.get()))
    co_return co_await take_offer(impl, stream, buffer, std::move(parser));
  auto [ec, n] = co_await http::async_read(stream, buffer, parser, net::as_tuple(use_awaitable));
  if (ec) co_return std::nullopt;
  Response res = route(impl, parser.get());
  res.keep_alive(parser.get().keep_alive());
  co_return res;
}

awaitable<void> admin_session(RouterServer::Impl& impl, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(impl.shared.options.max_snapshot_bytes);
    stream.expires_after(std::chrono::seconds(30));
    auto [hec, hn] =
        co_await http::async_read_header(stream, buffer, parser, net::as_tuple(use_awaitable));
    if (hec == http::error::body_limit) {  // a Content-Length over the limit
      Response refusal = too_large(impl);
      co_await http::async_write(stream, refusal, net::as_tuple(use_awaitable));
      break;
    }
    if (hec) break;
    // curl sends a large PUT with "Expect: 100-continue" and waits a second for the go-ahead
    // before the body: without it, every snapshot offer took a second longer. Only a snapshot
    // offer over HTTP/1.1 is told to go ahead (HTTP/1.0 has no 100 Continue); any other
    // request's body is read after the client's wait, as before.
    if (expects_go_ahead(parser.get())) {
      http::response<http::empty_body> go_ahead{http::status::continue_, 11};
      auto [cec, cn] = co_await http::async_write(stream, go_ahead, net::as_tuple(use_awaitable));
      if (cec) break;
    }
    std::optional<Response> res = co_await answer(impl, stream, buffer, parser);
    if (!res) break;
    res->keep_alive(res->keep_alive() && !impl.shared.draining);
    auto [wec, wn] = co_await http::async_write(stream, *res, net::as_tuple(use_awaitable));
    if (wec || !res->keep_alive()) break;
  }
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

awaitable<void> admin_listener(RouterServer::Impl& impl) {
  for (;;) {
    auto [ec, socket] = co_await impl.admin_acceptor->async_accept(net::as_tuple(use_awaitable));
    if (ec) {
      if (!impl.admin_acceptor->is_open()) co_return;
      continue;
    }
    net::co_spawn(impl.admin_ioc, admin_session(impl, std::move(socket)), net::detached);
  }
}

// One GET /healthz to one cell: passed when it answers 200 within the health timeout.
awaitable<void> probe(RouterServer::Impl& impl, CellId cell, std::string endpoint) {
  bool passed = false;
  // The table's endpoints passed is_host_port; an empty host would fail to resolve.
  const HostPort where = split_host_port(endpoint).value_or(HostPort{});
  tcp::resolver resolver(impl.admin_ioc);
  auto [rec, results] = co_await resolver.async_resolve(where.host, std::to_string(where.port),
                                                        net::as_tuple(use_awaitable));
  if (!rec) {
    beast::tcp_stream stream(impl.admin_ioc);
    stream.expires_after(impl.shared.options.health_timeout);
    auto [cec, ep] = co_await stream.async_connect(results, net::as_tuple(use_awaitable));
    if (!cec) {
      http::request<http::empty_body> req{http::verb::get, "/healthz", 11};
      req.set(http::field::host, endpoint);
      req.keep_alive(false);
      auto [wec, wn] = co_await http::async_write(stream, req, net::as_tuple(use_awaitable));
      beast::flat_buffer buffer;
      http::response<http::string_body> res;
      if (!wec) {
        auto [ec, n] = co_await http::async_read(stream, buffer, res, net::as_tuple(use_awaitable));
        passed = !ec && res.result() == http::status::ok;
      }
    }
  }
  if (!impl.shared.draining) impl.shared.board.on_check(cell, passed, Clock::now());
}

// Every cell with an endpoint, every interval ± 20% (jitter keyed by round and cell, so
// probes of many routers do not line up).
awaitable<void> health_checks(RouterServer::Impl& impl) {
  net::steady_timer timer(impl.admin_ioc);
  const auto interval = impl.shared.options.health_interval;
  for (std::uint64_t round = 0; !impl.shared.draining; ++round) {
    const auto table = impl.shared.snapshots.table();
    for (CellId cell : table->cells()) {
      const std::string_view endpoint = table->cell_endpoint(cell);
      if (!endpoint.empty()) {
        net::co_spawn(impl.admin_ioc, probe(impl, cell, std::string(endpoint)), net::detached);
      }
    }
    const std::uint64_t jitter = hash64_of(round, 0x6865616c7468ull) % 41;  // 0..40
    timer.expires_after(interval * (80 + static_cast<std::int64_t>(jitter)) / 100);
    auto [ec] = co_await timer.async_wait(net::as_tuple(use_awaitable));
    if (ec) co_return;
  }
}

awaitable<void> health_tick(RouterServer::Impl& impl) {
  net::steady_timer timer(impl.admin_ioc);
  while (!impl.shared.draining) {
    impl.shared.board.tick(Clock::now());
    timer.expires_after(std::chrono::milliseconds(20));
    auto [ec] = co_await timer.async_wait(net::as_tuple(use_awaitable));
    if (ec) co_return;
  }
}

}  // namespace

void start_admin(RouterServer::Impl& impl) {
  if (impl.admin_acceptor) net::co_spawn(impl.admin_ioc, admin_listener(impl), net::detached);
  if (impl.shared.options.health_interval.count() > 0) {
    net::co_spawn(impl.admin_ioc, health_checks(impl), net::detached);
  }
  net::co_spawn(impl.admin_ioc, health_tick(impl), net::detached);
}

}  // namespace cellkit::live

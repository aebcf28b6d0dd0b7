// The blocking control server: an accept thread and one thread per connection, each with a
// private io_context so every read and write has Beast's deadline (plain blocking sockets
// would wait forever on a silent client).
#include "cellkit/live/http_server.h"

#include "cellkit/base/cut.h"

#include <atomic>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
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

struct Connection {
  net::io_context io;
  beast::tcp_stream stream{io};
  std::thread thread;
  std::atomic<bool> done{false};
};

http::response<http::string_body> to_response(ServiceReply reply, unsigned version,
                                              bool keep_alive) {
  http::response<http::string_body> response(static_cast<http::status>(reply.status), version);
  response.set(http::field::content_type, reply.content_type);
  for (const auto& [name, value] : reply.headers)
    response.set(name, value);
  response.body() = std::move(reply.body);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

ServiceReply error_reply(unsigned status, std::string_view message) {
  return {.status = status, .body = fmt::format(R"({{"error":"{}","field":null}})", message)};
}

class BlockingServer final : public HttpServer {
 public:
  BlockingServer(HttpHandler handler, const HttpServerOptions& options)
      : handler_(std::move(handler)), options_(options) {}
  ~BlockingServer() override { stop(); }

  Status listen(const std::string& host, std::uint16_t port) {
    beast::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (ec)
      return invalid_argument(fmt::format("--listen host '{}' is not an IP address", cut(host)));
    const tcp::endpoint endpoint(address, port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
      return failed_precondition(
          fmt::format("cannot listen on {}:{}: {}", host, port, ec.message()));
    const tcp::endpoint bound = acceptor_.local_endpoint();
    address_ = fmt::format("{}:{}", bound.address().to_string(), bound.port());
    accept_next();
    accept_thread_ = std::thread([this] { accept_io_.run(); });
    return Status::ok();
  }

  std::string address() const override { return address_; }

  void stop() override {
    if (stopped_.exchange(true)) return;
    net::post(accept_io_, [this] { acceptor_.close(); });
    if (accept_thread_.joinable()) accept_thread_.join();
    std::lock_guard lock(mutex_);
    for (auto& c : connections_) {
      Connection* raw_connection = c.get();
      net::post(c->io, [raw_connection] { raw_connection->stream.socket().close(); });
    }
    for (auto& c : connections_) {
      if (c->thread.joinable()) c->thread.join();
    }
    connections_.clear();
  }

 private:
  HttpHandler handler_;
  HttpServerOptions options_;
  net::io_context accept_io_;
  tcp::acceptor acceptor_{accept_io_};
  std::thread accept_thread_;
  std::string address_;
  std::atomic<bool> stopped_{false};
  std::mutex mutex_;
  std::list<std::unique_ptr<Connection>> connections_;

  void accept_next() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed by stop()
      admit(std::move(socket));
      accept_next();
    });
  }

  void admit(tcp::socket socket) {
    std::lock_guard lock(mutex_);
    reap_finished();
    auto c = std::make_unique<Connection>();
    const bool full = connections_.size() >= options_.max_connections;
    const auto protocol = socket.local_endpoint().protocol();
    c->stream.socket().assign(protocol, socket.release());
    Connection* raw_connection = c.get();
    c->thread = std::thread([this, raw_connection, full] {
      serve(*raw_connection, full);
      raw_connection->done = true;
    });
    connections_.push_back(std::move(c));
  }

  void reap_finished() {
    for (auto it = connections_.begin(); it != connections_.end();) {
      if (!(*it)->done) {
        ++it;
        continue;
      }
      (*it)->thread.join();
      it = connections_.erase(it);
    }
  }

  // Reads requests and answers them until the client closes, a timeout, or stop(). Batched
  // onboarding bodies run to megabytes: they are read up to kLargeRead bytes per call.
  void serve(Connection& c, bool full) {
    beast::flat_buffer buffer;
    make_room_for_large_reads(buffer);
    for (bool keep_alive = true; keep_alive && !stopped_;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options_.max_body_bytes);
      std::optional<beast::error_code> result;
      c.stream.expires_after(options_.io_timeout);
      http::async_read(c.stream, buffer, parser,
                       [&](beast::error_code e, std::size_t) { result = e; });
      const beast::error_code ec = run_to_completion(c.io, result);
      ServiceReply reply;
      if (ec == http::error::body_limit) {
        reply = error_reply(413, "request body is too large");
        keep_alive = false;
      } else if (ec) {
        return;  // closed, timed out or malformed: nothing more to say on this connection
      } else if (full) {
        reply = error_reply(503, "too many connections");
        keep_alive = false;
      } else {
        auto& request = parser.get();
        keep_alive = request.keep_alive();
        reply = handler_({.method = std::string(request.method_string()),
                          .target = std::string(request.target()),
                          .body = std::move(request.body())});
      }
      if (!write(c, to_response(std::move(reply), 11, keep_alive))) return;
    }
  }

  bool write(Connection& c, http::response<http::string_body> response) {
    std::optional<beast::error_code> result;
    c.stream.expires_after(options_.io_timeout);
    http::async_write(c.stream, response, [&](beast::error_code e, std::size_t) { result = e; });
    return !run_to_completion(c.io, result);
  }
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::start(std::string_view listen, HttpHandler handler,
                                                      const HttpServerOptions& options) {
  const std::optional<HostPort> where = split_host_port(listen);
  if (!where) {
    return invalid_argument(
        fmt::format("--listen '{}' is not HOST:PORT (PORT 0-{})", cut(listen), kMaxPort));
  }
  auto server = std::make_unique<BlockingServer>(std::move(handler), options);
  if (Status s = server->listen(where->host, where->port); !s.is_ok()) return s;
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace cellkit::live

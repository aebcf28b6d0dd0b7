// The cell server: Boost.Beast sessions on one thread around CellHandler.
#include "cellkit/live/cell_server.h"

#include "cellkit/base/cut.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cell_handler.h"
#include "cellkit/live/loopback_http.h"
#include "live/asio_types.h"
#include "live/large_reads.h"
#include "live/wire.h"

namespace cellkit::live {
namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr std::string_view kChunkEnd = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";

// Dies the way a crashed server does: no reply, and the client's connection reset
// (SO_LINGER 0 makes the kernel send RST instead of an orderly FIN).
[[noreturn]] void crash(tcp::socket& socket, const std::string& name) {
  const linger hard{1, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  std::cerr << fmt::format("{}: crash order received (--crash-on-bags); dying\n", name);
  std::abort();
}

// Dies after half a body: no SO_LINGER here, so the kernel still delivers what was written
// and then closes the connection; the client sees a body that breaks off.
[[noreturn]] void die_mid_body(const std::string& name) {
  std::cerr << fmt::format("{}: cut order received (--cut-on-bags); dying mid-body\n", name);
  std::abort();
}

bool is_parse_error(beast::error_code ec) {
  return ec && ec.category() == http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, CellHandler& handler, const CellOptions& options)
      : stream_(std::move(socket)),
        timer_(stream_.get_executor()),
        handler_(handler),
        options_(options) {
    make_room_for_large_reads(buffer_);  // bodies up to --body-limit in a call or two, not 512 B
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(options_.body_limit);
    parser_->header_limit(kHeaderLimit);
    stream_.expires_after(kIdleTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) return reply_error(413, "body over the limit");
    if (ec == http::error::header_limit) return reply_error(431, "headers too large");
    if (is_parse_error(ec)) return reply_error(400, "malformed HTTP request");
    if (ec) return close();
    const auto& req = parser_->get();
    const CellRequest request{std::string_view(req.method_string()), std::string_view(req.target()),
                              std::string_view(req["X-Tenant"]), std::string_view(req.body())};
    const CellReply reply = handler_.handle(request);
    if (reply.crash) crash(stream_.socket(), options_.name);
    prepare(reply.status, reply.body, req.keep_alive());
    cut_ = reply.cut;
    shaped_ = reply.receipt && (options_.chunked || options_.body_pace.count() > 0 || cut_);
    if (!reply.delay) return write();
    timer_.expires_after(options_.service_time);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->write(); });
  }

  void reply_error(int status, std::string_view message) {
    prepare(status, fmt::format(R"({{"error":"{}","cell":"{}"}})", message, options_.name), false);
    write();
  }

  void prepare(int status, std::string body, bool keep_alive) {
    response_ = {};
    response_.result(static_cast<unsigned>(status));
    response_.version(11);
    response_.set(http::field::content_type, "application/json");
    response_.set("X-Cell", options_.name);
    response_.body() = std::move(body);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
  }

  void write() {
    if (shaped_) return write_head();
    stream_.expires_after(kIdleTimeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        if (!self->response_.keep_alive()) return self->close();
                        self->read();
                      });
  }

  // A shaped receipt: the head at once, then the body in pieces of kBodyPiece (chunks with
  // --chunked), --body-pace apart; a cut order dies halfway through its body.
  void write_head() {
    if (options_.chunked) response_.chunked(true);
    live::write_head(head_, response_);
    sent_ = 0;
    stream_.expires_after(kIdleTimeout);
    net::async_write(stream_, net::buffer(head_),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->write_piece();
                     });
  }

  void write_piece() {
    const std::string& body = response_.body();
    const std::size_t stop = cut_ ? body.size() / 2 : body.size();
    if (sent_ >= stop) {
      if (cut_) die_mid_body(options_.name);
      return write_last_chunk();
    }
    const std::size_t n = std::min(kBodyPiece, stop - sent_);
    chunk_line_ = options_.chunked ? fmt::format("{:x}\r\n", n) : std::string();
    const std::array<net::const_buffer, 3> out = {
        net::buffer(chunk_line_), net::buffer(body.data() + sent_, n),
        options_.chunked ? net::buffer(kChunkEnd) : net::const_buffer()};
    stream_.expires_after(kIdleTimeout);
    net::async_write(stream_, out,
                     [self = shared_from_this(), n](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->sent_ += n;
                       self->pace();
                     });
  }

  void pace() {
    if (options_.body_pace.count() == 0 || sent_ >= response_.body().size()) return write_piece();
    timer_.expires_after(options_.body_pace);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->write_piece(); });
  }

  void write_last_chunk() {
    if (!options_.chunked) return after_write();
    net::async_write(stream_, net::buffer(kLastChunk),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->after_write();
                     });
  }

  void after_write() {
    if (!response_.keep_alive()) return close();
    read();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  bool cut_ = false;     // the order in hand dies halfway through its body
  bool shaped_ = false;  // the reply in hand is written by write_head()
  std::string head_;
  std::string chunk_line_;
  std::size_t sent_ = 0;  // body bytes written
  CellHandler& handler_;
  const CellOptions& options_;
};

void accept_loop(tcp::acceptor& acceptor, CellHandler& handler, const CellOptions& options) {
  acceptor.async_accept([&](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) std::make_shared<Session>(std::move(socket), handler, options)->read();
    accept_loop(acceptor, handler, options);
  });
}

// No core file for an intended crash: it would be slow and fill the disk in a demo.
void disable_core_dumps() {
  const rlimit none{0, 0};
  setrlimit(RLIMIT_CORE, &none);
}

}  // namespace

Status CellOptions::validate() const {
  if (Result<Endpoint> ep = parse_endpoint(listen); !ep.is_ok())
    return invalid_argument(fmt::format("--listen: {}", ep.status().message()));
  if (name.empty()) return invalid_argument("--name must not be empty");
  for (const char c : name) {
    if (c <= ' ' || c > '~' || c == '"' || c == '\\')
      return invalid_argument(fmt::format(
          "--name '{}' may hold only printable characters without spaces, quotes or backslashes",
          cut(name)));
  }
  if (crash_on_bags && *crash_on_bags == 0)
    return invalid_argument("--crash-on-bags must be at least 1");
  if (cut_on_bags && *cut_on_bags == 0) return invalid_argument("--cut-on-bags must be at least 1");
  if (cut_on_bags && crash_on_bags && *cut_on_bags == *crash_on_bags)
    return invalid_argument(fmt::format(
        "--cut-on-bags {} and --crash-on-bags {} name the same order; give them different sizes",
        *cut_on_bags, *crash_on_bags));
  if (body_bytes > kMaxBodyBytes)
    return invalid_argument(
        fmt::format("--body-bytes {} is over the limit of {}", body_bytes, kMaxBodyBytes));
  if (body_pace.count() < 0) return invalid_argument("--body-pace must not be negative");
  if (service_time.count() < 0) return invalid_argument("--service-time must not be negative");
  if (!(fail_rate >= 0 && fail_rate <= 1))
    return invalid_argument(fmt::format("--fail-rate {} must be between 0 and 1", fail_rate));
  return Status::ok();
}

Status run_cell(const CellOptions& options, std::ostream& out) {
  if (Status s = options.validate(); !s.is_ok()) return s;
  const Endpoint ep = *parse_endpoint(options.listen);
  disable_core_dumps();
  net::io_context io(1);
  tcp::acceptor acceptor(io);
  beast::error_code ec;
  const tcp::endpoint where(net::ip::make_address_v4(ep.host), ep.port);
  acceptor.open(where.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(where, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return failed_precondition(
        fmt::format("cannot listen on {}: {}", options.listen, ec.message()));
  // Signals are caught before the address is announced: whoever reads the line may stop us.
  net::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](beast::error_code, int) {
    acceptor.close();
    io.stop();
  });
  out << fmt::format("listening on {}:{}\n", ep.host, acceptor.local_endpoint().port())
      << std::flush;
  CellHandler handler(options);
  accept_loop(acceptor, handler, options);
  io.run();
  return Status::ok();
}

}  // namespace cellkit::live

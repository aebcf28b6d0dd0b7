// The Asio and Beast types the live router uses: concrete io_context executors throughout,
// no type-erased executor on the request path.
#pragma once

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace cellkit::live {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using Acceptor = net::basic_socket_acceptor<tcp, Executor>;
using Stream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;
using Timer = net::basic_waitable_timer<std::chrono::steady_clock,
                                        net::wait_traits<std::chrono::steady_clock>, Executor>;

// Blocking use of asynchronous operations (every step keeps Beast's deadline): runs the
// private io_context until the operation started on it has stored its result; an operation
// that never completed reads as aborted.
inline error_code run_to_completion(net::io_context& io, const std::optional<error_code>& result) {
  io.restart();
  io.run();
  return result.value_or(net::error::operation_aborted);
}

}  // namespace cellkit::live

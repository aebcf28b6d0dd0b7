// A small blocking HTTP/1.1 server for control traffic (not the data path): one thread per
// connection up to a bound, keep-alive, a timeout on every read and write. The handler is a
// plain function of the request, so services are tested without sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "cellkit/base/status.h"

namespace cellkit::live {

struct ServiceRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, e.g. "/v1/snapshot?after=3"
  std::string body;
};

struct ServiceReply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;  // extra headers
};

using HttpHandler = std::function<ServiceReply(const ServiceRequest&)>;

struct HttpServerOptions {
  std::size_t max_connections = 64;             // more are answered 503 and closed
  std::size_t max_body_bytes = 64u << 20;       // larger requests are answered 413
  std::chrono::milliseconds io_timeout{10000};  // per read or write on a connection
};

class HttpServer {
 public:
  // Listens on "HOST:PORT" (port 0 = any free one) and serves until stop() or destruction.
  static Result<std::unique_ptr<HttpServer>> start(std::string_view listen, HttpHandler handler,
                                                   const HttpServerOptions& options = {});
  virtual ~HttpServer() = default;
  // "HOST:PORT" actually bound.
  virtual std::string address() const = 0;
  // Stops accepting, closes every connection, joins every thread. Idempotent.
  virtual void stop() = 0;
};

}  // namespace cellkit::live

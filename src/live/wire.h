// HTTP/1.1 on the router's request path. Messages are written without Beast's serializer:
// the start line and fields go into one reused string, the body follows as a second buffer,
// and both leave in one gathered write. Byte for byte what Beast's serializer writes for a
// message that is not chunked (chunked messages keep Beast's serializer). And what a
// client's request that could not be read is answered with.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "cellkit/live/outcome.h"
#include "live/asio_types.h"

namespace cellkit::live {

// Replaces `out` with the request line and fields of `req`, ending with the blank line.
void write_head(std::string& out, const http::request<http::string_body>& req);
// Replaces `out` with the status line and fields of `res`, ending with the blank line.
void write_head(std::string& out, const http::response<http::string_body>& res);

// True for Beast's HTTP parse errors (as opposed to socket errors and timeouts).
bool is_http_error(const error_code& ec);

// The answer to a request that could not be read: kHeadersTooLarge (431), kBodyTooLarge
// (413) or kBadRequest (400, malformed HTTP); nullopt when the connection is just closed (a
// timeout, a client that went away or stopped mid-message).
std::optional<LiveOutcome> read_error_refusal(const error_code& ec);

// The head in `head` then the message's body: one gathered write.
template <class Message>
std::array<net::const_buffer, 2> wire_buffers(const std::string& head, const Message& m) {
  return {net::const_buffer(head.data(), head.size()),
          net::const_buffer(m.body().data(), m.body().size())};
}

}  // namespace cellkit::live

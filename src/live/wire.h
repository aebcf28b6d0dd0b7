// Writing HTTP/1.1 messages for the router's request path without Beast's serializer: the
// start line and fields go into one reused string, the body follows as a second buffer, and
// both leave in one gathered write. Byte for byte what Beast's serializer writes for a
// message that is not chunked (chunked messages keep Beast's serializer).
#pragma once

#include <array>
#include <string>

#include "live/asio_types.h"

namespace cellkit::live {

// Replaces `out` with the request line and fields of `req`, ending with the blank line.
void write_head(std::string& out, const http::request<http::string_body>& req);
// Replaces `out` with the status line and fields of `res`, ending with the blank line.
void write_head(std::string& out, const http::response<http::string_body>& res);

// The head in `head` then the message's body: one gathered write.
template <class Message>
std::array<net::const_buffer, 2> wire_buffers(const std::string& head, const Message& m) {
  return {net::const_buffer(head.data(), head.size()),
          net::const_buffer(m.body().data(), m.body().size())};
}

}  // namespace cellkit::live

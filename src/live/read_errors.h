// What the router answers a client whose request could not be read.
#pragma once

#include <iterator>
#include <optional>
#include <string>

#include "cellkit/live/outcome.h"
#include "live/asio_types.h"

namespace cellkit::live {

// kHeadersTooLarge (431), kBodyTooLarge (413) or kBadRequest (400, malformed HTTP); nullopt
// when the connection is just closed (a timeout, a client that went away or stopped
// mid-message).
inline std::optional<LiveOutcome> read_error_refusal(const error_code& ec) {
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return LiveOutcome::kHeadersTooLarge;
  }
  if (ec == http::error::body_limit) return LiveOutcome::kBodyTooLarge;
  const bool beast_http = ec.category() == make_error_code(http::error::bad_target).category();
  if (beast_http && ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return LiveOutcome::kBadRequest;
  }
  return std::nullopt;
}

// kBadRequest for a request whose body framing a cell could read differently from the
// router: more than one Transfer-Encoding field, or one that is not exactly "chunked" (the
// parser takes the last field's last coding, Beast's message the first field, so "gzip" then
// "chunked" would be decoded as chunked and forwarded raw, its bytes framed anew by the cell).
inline std::optional<LiveOutcome> framing_refusal(const http::request<http::string_body>& req) {
  const std::size_t fields = req.count(http::field::transfer_encoding);
  if (fields == 0) return std::nullopt;
  std::string_view value = req[http::field::transfer_encoding];
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  if (fields == 1 && beast::iequals(value, "chunked")) return std::nullopt;
  return LiveOutcome::kBadRequest;
}

// kBadRequest for a chunked body that ends with trailer fields: the parser appends them to
// the header (next to header fields of the same name), so a cell would read them as header
// fields, a trailer X-Tenant beside the one the request was routed on. `header_fields` is the
// header's field count before the body was read.
inline std::optional<LiveOutcome> trailer_refusal(const http::request<http::string_body>& req,
                                                  std::size_t header_fields) {
  if (static_cast<std::size_t>(std::distance(req.begin(), req.end())) == header_fields)
    return std::nullopt;
  return LiveOutcome::kBadRequest;
}

// A Content-Length the parser took ("5, 5", "005", or two fields of 5) is written once, as
// the body's size, so every cell reads the length the router read.
inline void canonical_length(http::request<http::string_body>& req) {
  if (req.count(http::field::content_length) > 0)
    req.set(http::field::content_length, std::to_string(req.body().size()));
}

}  // namespace cellkit::live

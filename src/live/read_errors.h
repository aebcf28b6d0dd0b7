// What the router answers a client whose request could not be read.
#pragma once

#include <optional>

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

}  // namespace cellkit::live

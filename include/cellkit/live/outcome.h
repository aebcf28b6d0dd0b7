// What became of a request at the live router, and the response that says so.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace cellkit::live {

enum class LiveOutcome : std::uint8_t {
  kServed,           // a cell answered; its response is passed on (any status)
  kUnknownTenant,    // 404: the snapshot has no such tenant
  kNoTenant,         // 400: the request names no tenant where the router reads it
  kNoHealthyCell,    // 503: no healthy cell left in the tenant's shard (or the budget is spent)
  kQuarantined,      // 503 + Retry-After: this request's fingerprint crashed cells before
  kCellCrashed,      // 502: the cell died under the request; never retried elsewhere
  kUpstreamTimeout,  // 504: the cell did not answer in time; not retried
  kCellError,        // 502: the cell answered something that is not HTTP, or too much
  kCellBusy,         // 503: every pooled connection to the cell is in use
  kNotReady,         // 503: no snapshot loaded yet
  kBadRequest,       // 400: malformed HTTP
  kHeadersTooLarge,  // 431
  kBodyTooLarge,     // 413
  // The cell's response broke off (crash, stall or bad framing) after the router had begun
  // passing it on: the client's connection is closed mid-response; never retried.
  kResponseCut,
  kNotFound,  // 404 on the admin listener
};
inline constexpr std::size_t kLiveOutcomeCount = 15;

// Stable snake_case names: the X-Cellkit-Outcome header, metrics and logs use them.
std::string_view to_string(LiveOutcome outcome);
// The HTTP status a refusal answers with (200 for kServed, whose status is the cell's).
unsigned http_status(LiveOutcome outcome);
// A one-line explanation for people reading the response body.
std::string_view explanation(LiveOutcome outcome);

// The JSON body of a refusal: {"outcome":"...","status":N,"message":"...",...}; tenant and
// routing version are included when known (tenant empty / version 0: left out).
std::string outcome_body(LiveOutcome outcome, std::string_view tenant, std::uint64_t version);

// Appends `text` to `out` as a JSON string (quotes included), escaping what JSON needs; a
// byte that is not part of valid UTF-8 is written as U+FFFD.
void append_json_string(std::string& out, std::string_view text);

}  // namespace cellkit::live

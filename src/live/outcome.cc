// Outcome names, statuses and bodies.
#include "cellkit/live/outcome.h"

#include "cellkit/base/cut.h"

#include <fmt/format.h>

#include "io/text_fields.h"

namespace cellkit::live {
namespace {

struct OutcomeInfo {
  std::string_view name;
  unsigned status;
  std::string_view explanation;
};

constexpr std::array<OutcomeInfo, kLiveOutcomeCount> kInfo = {{
    {"served", 200, "a cell answered"},
    {"unknown_tenant", 404, "the routing snapshot has no such tenant"},
    {"no_tenant", 400, "the request does not name a tenant where this router reads it"},
    {"no_healthy_cell", 503, "no healthy cell is left in the tenant's shard"},
    {"quarantined", 503,
     "requests like this one crashed cells; they are refused until the quarantine ends"},
    {"cell_crashed", 502, "the cell died handling this request; it is not retried elsewhere"},
    {"upstream_timeout", 504, "the cell did not answer in time"},
    {"cell_error", 502, "the cell's answer was not valid HTTP"},
    {"cell_busy", 503, "every connection to the cell is in use"},
    {"not_ready", 503, "the router has no routing snapshot yet"},
    {"bad_request", 400, "the request is not valid HTTP/1.1"},
    {"headers_too_large", 431, "the request line and headers are over the router's limit"},
    {"body_too_large", 413, "the request body is over the router's limit"},
    {"response_cut", 502,
     "the cell's response broke off after the router had begun passing it on; the connection "
     "was closed"},
    {"not_found", 404, "no such admin resource"},
}};
static_assert(static_cast<std::size_t>(LiveOutcome::kNotFound) + 1 == kLiveOutcomeCount);

const OutcomeInfo& info(LiveOutcome outcome) {
  return kInfo[static_cast<std::size_t>(outcome)];
}

}  // namespace

std::string_view to_string(LiveOutcome outcome) {
  return info(outcome).name;
}
unsigned http_status(LiveOutcome outcome) {
  return info(outcome).status;
}
std::string_view explanation(LiveOutcome outcome) {
  return info(outcome).explanation;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += fmt::format("\\u{:04x}", u);
    } else if (u >= 0x80) {
      // A byte that does not start valid UTF-8 (a name a client sent) becomes U+FFFD, so the
      // body and the access log stay JSON.
      const std::size_t n = utf8_length(text.substr(i));
      if (n == 0) {
        out += "\\ufffd";
        ++i;
        continue;
      }
      out.append(text.substr(i, n));
      i += n;
      continue;
    } else {
      out += c;
    }
    ++i;
  }
  out += '"';
}

std::string outcome_body(LiveOutcome outcome, std::string_view tenant, std::uint64_t version) {
  std::string body = "{\"outcome\":\"";
  body += to_string(outcome);
  body += fmt::format("\",\"status\":{},\"message\":", http_status(outcome));
  append_json_string(body, explanation(outcome));
  if (!tenant.empty()) {
    body += ",\"tenant\":";
    append_json_string(body, cut(tenant));
  }
  if (version > 0) body += fmt::format(",\"routing_version\":{}", version);
  body += "}\n";
  return body;
}

}  // namespace cellkit::live

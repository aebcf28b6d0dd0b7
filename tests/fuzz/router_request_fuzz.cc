// Fuzz target: a request as the live router receives it. The bytes go through Beast's parser
// with the router's limits, in pieces as a socket hands them over; then:
// - a request that cannot be read gets the session's answer (431, 413, 400) or a close;
// - a request read whole names, for each tenant source (header:X-Tenant, path, host), either
//   a tenant the table finds under that very name, or a refusal (no_tenant, unknown_tenant)
//   whose JSON body is valid JSON naming the tenant;
// - the head the router writes for the cell (wire.h) parses back, with its body, to the same
//   request and ends exactly where the body ends (nothing left over to smuggle).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "cellkit/live/outcome.h"
#include "cellkit/live/request_tenant.h"
#include "cellkit/live/router_options.h"
#include "fuzz/fuzz_check.h"
#include "live/read_errors.h"
#include "live/wire.h"

namespace {

using namespace cellkit;
using namespace cellkit::live;
using Parser = http::request_parser<http::string_body>;

std::string_view view(beast::string_view s) {
  return {s.data(), s.size()};
}

// Tenants "acme", "t-1", "7", "été", "a b"; named, or without names (decimal ids name them).
std::array<RoutingTable, 2> make_tables() {
  RoutingSnapshot s{.version = 7, .cells = {CellId{0}, CellId{1}, CellId{2}}};
  const char* names[] = {"acme", "t-1", "7", "\xc3\xa9t\xc3\xa9", "a b"};
  for (std::uint32_t t = 0; t < 5; ++t) {
    s.shards.push_back({TenantId{t}, Shard{CellId{t % 3}, CellId{(t + 1) % 3}}});
    s.tenant_names.push_back({TenantId{t}, names[t]});
  }
  RoutingSnapshot unnamed = s;
  unnamed.tenant_names.clear();
  Result<RoutingTable> a = RoutingTable::build(unnamed);
  Result<RoutingTable> b = RoutingTable::build(s);
  fuzz::require(a.is_ok() && b.is_ok(), "the fuzz target's tables do not build");
  return {std::move(a).value(), std::move(b).value()};
}

const RoutingTable& table(bool named) {
  static const std::array<RoutingTable, 2> tables = make_tables();
  return tables[named ? 1 : 0];
}

// The session's read loop (Session::parse_buffered): bytes arrive `piece` at a time and are
// put until the message is whole; the end of the input is the client closing its side.
error_code read_request(Parser& parser, std::string_view bytes, std::size_t piece) {
  std::size_t at = 0;       // parsed up to here
  std::size_t arrived = 0;  // received up to here
  error_code ec;
  while (!parser.is_done()) {
    if (at < arrived) {
      const std::size_t n = parser.put(net::buffer(bytes.data() + at, arrived - at), ec);
      at += n;
      if (ec && ec != http::error::need_more) return ec;
      ec = {};
      if (n > 0) continue;
    }
    if (arrived == bytes.size()) {
      // As Beast's reads do at the end of the stream (put_eof requires bytes first).
      if (!parser.got_some()) return http::error::end_of_stream;
      parser.put_eof(ec);
      if (ec) return ec;
      return parser.is_done() ? error_code{} : error_code(http::error::partial_message);
    }
    arrived = std::min(bytes.size(), arrived + piece);
  }
  return {};
}

void check_tenant(const TenantSource& source, const http::request<http::string_body>& req,
                  bool named) {
  const std::string_view header =
      source.kind == TenantSource::Kind::kHeader ? view(req[source.header]) : std::string_view{};
  const std::string_view host =
      source.kind == TenantSource::Kind::kHost ? view(req[http::field::host]) : std::string_view{};
  const RoutingTable& t = table(named);
  const RequestTenant found = find_request_tenant(source, t, view(req.target()), host, header);
  if (found.id) {
    fuzz::require(found.refusal == LiveOutcome::kServed, "a found tenant with a refusal");
    if (named)
      fuzz::require(t.tenant_name(*found.id) == found.name, "a tenant found by another name");
    else
      fuzz::require(std::to_string(raw(*found.id)) == found.name,
                    "a tenant id found by another name");
    fuzz::require(!t.shard_of(*found.id).empty(), "a found tenant without a shard");
    return;
  }
  fuzz::require(found.name.empty() ? found.refusal == LiveOutcome::kNoTenant
                                   : found.refusal == LiveOutcome::kUnknownTenant,
                "a tenant refused with the wrong outcome");
  const std::string body = outcome_body(found.refusal, found.name, t.version());
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  fuzz::require(!json.is_discarded(), "a refusal whose body is not JSON");
  fuzz::require(json.value("status", 0u) == http_status(found.refusal), "a refusal's status");
  if (!found.name.empty()) fuzz::require(json.contains("tenant"), "a refusal without the tenant");
}

// What the router sends the cell for a request that is not chunked parses back the same.
void check_forwarded(http::request<http::string_body> req) {
  req.version(11);
  req.keep_alive(true);  // as Session::handle does before forwarding
  std::string wire;
  write_head(wire, req);
  wire += req.body();
  Parser again;
  again.header_limit(64 * 1024 + static_cast<std::uint32_t>(wire.size()));
  again.body_limit(wire.size());
  error_code ec;
  std::size_t n = 0;  // put() stops after the head: parse on until done or stuck
  while (!ec && !again.is_done() && n < wire.size()) {
    const std::size_t used = again.put(net::buffer(wire.data() + n, wire.size() - n), ec);
    n += used;
    if (used == 0) break;
  }
  if (!ec && !again.is_done()) again.put_eof(ec);
  fuzz::require(!ec && again.is_done(), "a forwarded request the cell cannot parse");
  fuzz::require(n == wire.size(), "a forwarded request with bytes after its end");
  const auto& got = again.get();
  fuzz::require(got.method_string() == req.method_string() && got.target() == req.target() &&
                    got.version() == 11 && got.body() == req.body(),
                "a forwarded request that reads back different");
  auto a = req.base().begin();
  auto b = got.base().begin();
  for (; a != req.base().end() && b != got.base().end(); ++a, ++b) {
    fuzz::require(a->name_string() == b->name_string() && a->value() == b->value(),
                  "a forwarded field that reads back different");
  }
  fuzz::require(a == req.base().end() && b == got.base().end(), "forwarded fields lost or added");
}

}  // namespace

// The first byte picks how the bytes arrive (pieces of 1 to 256 bytes); the rest is the stream.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = static_cast<std::size_t>(data[0]) + 1;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const RouterOptions options;
  Parser parser;
  parser.header_limit(options.max_header_bytes);
  parser.body_limit(options.max_body_bytes);
  const error_code ec = read_request(parser, bytes, piece);
  if (ec) {
    const std::optional<LiveOutcome> refusal = read_error_refusal(ec);
    fuzz::require(!refusal || *refusal == LiveOutcome::kHeadersTooLarge ||
                      *refusal == LiveOutcome::kBodyTooLarge ||
                      *refusal == LiveOutcome::kBadRequest,
                  "a read error answered with something else");
    if (ec == http::error::header_limit) {
      fuzz::require(refusal == LiveOutcome::kHeadersTooLarge, "a header limit not answered 431");
    }
    return 0;
  }
  http::request<http::string_body>& req = parser.get();
  if (framing_refusal(req)) {
    fuzz::require(req.count(http::field::transfer_encoding) > 0,
                  "a request without Transfer-Encoding refused for its framing");
    return 0;  // answered 400 by the router (Session::handle), never forwarded
  }
  fuzz::require(req.chunked() == parser.chunked(), "a body framed unlike its fields say");
  for (const TenantSource& source :
       {TenantSource{.kind = TenantSource::Kind::kHeader, .header = "X-Tenant"},
        TenantSource{.kind = TenantSource::Kind::kPath, .header = {}},
        TenantSource{.kind = TenantSource::Kind::kHost, .header = {}}}) {
    check_tenant(source, req, true);
    check_tenant(source, req, false);
  }
  req.erase(http::field::expect);  // answered by the router (Session::read_body)
  if (!req.chunked()) check_forwarded(req);
  return 0;
}

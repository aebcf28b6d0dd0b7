// The chip shop's rules: health, orders, injected failures and the poison order.
#include "cell_handler.h"
#include "cellkit/base/cut.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace cellkit::live {

namespace {

// A path or tenant a client sent may be any bytes: shown with U+FFFD in the reply, never
// thrown on (nlohmann's default refuses text that is not UTF-8 by exception).
std::string text_of(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

CellHandler::CellHandler(const CellOptions& options) : options_(options), random_(options.seed) {}

CellReply CellHandler::error(int status, std::string_view message) const {
  nlohmann::json body = {{"error", message}, {"cell", options_.name}};
  return CellReply{false, status, text_of(body), false};
}

CellReply CellHandler::handle(const CellRequest& request) {
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  if (path == "/healthz") {
    if (request.method != "GET" && request.method != "HEAD") return error(405, "use GET /healthz");
    nlohmann::json body = {{"cell", options_.name}, {"status", "ok"}, {"orders", orders_}};
    return CellReply{false, 200, text_of(body), false};
  }
  if (path == "/orders") {
    if (request.method != "POST") return error(405, "use POST /orders with {\"bags\": N}");
    return order(request);
  }
  return error(404, fmt::format("no such path '{}'; try POST /orders or GET /healthz", cut(path)));
}

CellReply CellHandler::order(const CellRequest& request) {
  if (request.tenant.empty()) return error(400, "missing X-Tenant header");
  const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return error(400, "body is not JSON; expected {\"bags\": N}");
  const auto bags = body.is_object() ? body.find("bags") : body.end();
  if (!body.is_object() || bags == body.end() || !bags->is_number_unsigned() || *bags == 0)
    return error(400, "expected {\"bags\": N} with N a whole number of at least 1");
  const std::uint64_t n = bags->get<std::uint64_t>();
  if (options_.crash_on_bags && n == *options_.crash_on_bags) return CellReply{true, 0, "", false};
  const bool cut = options_.cut_on_bags && n == *options_.cut_on_bags;
  if (options_.fail_rate > 0 && random_.bernoulli(options_.fail_rate))
    return error(500, "injected failure (--fail-rate)");
  ++orders_;
  nlohmann::json receipt = {
      {"cell", options_.name}, {"tenant", request.tenant}, {"bags", n}, {"order", orders_}};
  std::string text = text_of(receipt);
  if (options_.body_bytes > text.size()) {
    receipt["pad"] = "";
    const std::size_t plain = text_of(receipt).size();
    if (options_.body_bytes > plain) {
      receipt["pad"] = receipt_padding(options_.body_bytes - plain);
      text = text_of(receipt);
    }
  }
  return CellReply{false, 200, std::move(text), options_.service_time.count() > 0, cut, true};
}

std::string receipt_padding(std::size_t n) {
  std::string pad((n + 7) / 8 * 8, '0');
  for (std::size_t offset = 0; offset < pad.size(); offset += 8) {
    std::size_t v = offset % 10000000;
    for (std::size_t i = 7; i-- > 0; v /= 10)
      pad[offset + i] = static_cast<char>('0' + v % 10);
    pad[offset + 7] = '|';
  }
  pad.resize(n);
  return pad;
}

}  // namespace cellkit::live

// The control API's routes: parse the request, name the bad field, call one change or read.
#include <charconv>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cellkit/base/cut.h"
#include "cellkit/core/mapping.h"
#include "cellkit/live/control_ops.h"
#include "cellkit/live/control_service.h"

namespace cellkit::live {
namespace {

using nlohmann::json;

struct Target {
  std::vector<std::string> path;  // "/v1/cells/a/drain" → {"v1", "cells", "a", "drain"}
  std::map<std::string, std::string> query;
};

Target split_target(std::string_view target) {
  Target out;
  const std::size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  for (std::size_t start = 0; start < path.size();) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) out.path.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  if (q == std::string_view::npos) return out;
  std::string_view query = target.substr(q + 1);
  for (std::size_t start = 0; start < query.size();) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view pair = query.substr(start, amp - start);
    const std::size_t eq = pair.find('=');
    out.query[std::string(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
    start = amp + 1;
  }
  return out;
}

// A request field's problem, answered 400 naming the field.
struct FieldError {
  std::string field;
  std::string message;
};

using Body = std::variant<json, FieldError>;

Body parse_body(const std::string& text) {
  if (text.empty()) return json::object();
  json body = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return FieldError{"body", "the request body must be a JSON object"};
  }
  return body;
}

std::optional<FieldError> read_string(const json& body, const char* field, bool required,
                                      std::string& out) {
  auto it = body.find(field);
  if (it == body.end()) {
    if (!required) return std::nullopt;
    return FieldError{field, fmt::format("field '{}' is required (a string)", field)};
  }
  if (!it->is_string()) return FieldError{field, fmt::format("field '{}' must be a string", field)};
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<FieldError> read_uint(const json& body, const char* field, bool required,
                                    std::uint32_t& out) {
  auto it = body.find(field);
  if (it == body.end()) {
    if (!required) return std::nullopt;
    return FieldError{field, fmt::format("field '{}' is required (a whole number)", field)};
  }
  if (!it->is_number_unsigned() || it->get<std::uint64_t>() > 0xFFFFFFFFu) {
    return FieldError{field,
                      fmt::format("field '{}' must be a whole number from 0 to 4294967295", field)};
  }
  out = it->get<std::uint32_t>();
  return std::nullopt;
}

ServiceReply bad(const FieldError& e) {
  return error_reply(400, e.message, e.field);
}

std::variant<CellSpec, FieldError> cell_spec(const json& body) {
  CellSpec spec;
  if (auto e = read_string(body, "name", true, spec.name)) return *e;
  if (auto e = read_string(body, "zone", false, spec.zone)) return *e;
  if (auto e = read_string(body, "endpoint", false, spec.endpoint)) return *e;
  if (auto e = read_uint(body, "capacity", false, spec.capacity)) return *e;
  if (spec.name.empty()) return FieldError{"name", "field 'name' must not be empty"};
  return spec;
}

std::variant<TenantSpec, FieldError> tenant_spec(const json& body) {
  TenantSpec spec;
  if (!body.is_object()) return FieldError{"tenants", "each tenant must be a JSON object"};
  if (auto e = read_string(body, "name", true, spec.name)) return *e;
  if (auto e = read_uint(body, "shard_size", true, spec.shard_size)) return *e;
  if (auto e = read_uint(body, "weight", false, spec.weight)) return *e;
  if (spec.name.empty()) return FieldError{"name", "field 'name' must not be empty"};
  if (spec.shard_size == 0)
    return FieldError{"shard_size", "field 'shard_size' must be at least 1"};
  return spec;
}

// {"name": ..., "shard_size": ...} or {"tenants": [{...}, ...]} (one CAS for the batch).
std::variant<std::vector<TenantSpec>, FieldError> tenant_specs(const json& body) {
  std::vector<TenantSpec> specs;
  if (!body.contains("tenants")) {
    auto one = tenant_spec(body);
    if (auto* e = std::get_if<FieldError>(&one)) return *e;
    specs.push_back(std::get<TenantSpec>(one));
    return specs;
  }
  if (!body["tenants"].is_array()) return FieldError{"tenants", "field 'tenants' must be an array"};
  for (const json& t : body["tenants"]) {
    auto one = tenant_spec(t);
    if (auto* e = std::get_if<FieldError>(&one)) return *e;
    specs.push_back(std::get<TenantSpec>(one));
  }
  return specs;
}

std::variant<std::vector<std::string>, FieldError> cell_names(const json& body) {
  auto it = body.find("cells");
  if (it == body.end() || !it->is_array()) {
    return FieldError{"cells", "field 'cells' is required (an array of cell names)"};
  }
  std::vector<std::string> names;
  for (const json& c : *it) {
    if (!c.is_string()) return FieldError{"cells", "field 'cells' must hold cell names (strings)"};
    names.push_back(c.get<std::string>());
  }
  return names;
}

std::optional<std::uint64_t> to_uint(const std::string& text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

ServiceReply ControlService::handle(const ServiceRequest& request) {
  return route(request);
}

ServiceReply ControlService::route(const ServiceRequest& request) {
  const Target t = split_target(request.target);
  const std::string& m = request.method;
  const auto& p = t.path;
  if (p.empty() || p[0] != "v1")
    return error_reply(404, fmt::format("no route {}", cut(request.target)), "");
  Body parsed = parse_body(request.body);
  if (auto* e = std::get_if<FieldError>(&parsed)) return bad(*e);
  const json& body = std::get<json>(parsed);
  const std::size_t n = p.size();
  if (n == 2 && p[1] == "cells" && m == "GET") return list_cells();
  if (n == 2 && p[1] == "cells" && m == "POST") {
    auto spec = cell_spec(body);
    if (auto* e = std::get_if<FieldError>(&spec)) return bad(*e);
    return apply([s = std::get<CellSpec>(spec)](const ControlState& st) { return add_cell(st, s); },
                 "endpoint", "name");
  }
  if (n == 4 && p[1] == "cells" && p[3] == "drain" && m == "POST") {
    return apply([c = p[2]](const ControlState& st) { return drain_cell(st, c); }, "cell", "cell");
  }
  if (n == 3 && p[1] == "cells" && m == "DELETE") {
    return apply([c = p[2]](const ControlState& st) { return remove_cell(st, c); }, "cell", "cell");
  }
  if (n == 4 && p[1] == "cells" && p[3] == "capacity" && m == "PUT") {
    std::uint32_t capacity = 0;
    if (auto e = read_uint(body, "capacity", true, capacity)) return bad(*e);
    return apply(
        [c = p[2], capacity](const ControlState& st) { return set_capacity(st, c, capacity); },
        "capacity", "cell");
  }
  if (n == 2 && p[1] == "tenants" && m == "GET") return list_tenants();
  if (n == 2 && p[1] == "tenants" && m == "POST") {
    auto specs = tenant_specs(body);
    if (auto* e = std::get_if<FieldError>(&specs)) return bad(*e);
    return onboard_tenants(std::get<std::vector<TenantSpec>>(std::move(specs)));
  }
  if (n == 3 && p[1] == "tenants" && m == "DELETE") {
    return remove_tenant(p[2]);
  }
  if (n == 4 && p[1] == "tenants" && p[3] == "pin" && m == "PUT") {
    auto cells = cell_names(body);
    if (auto* e = std::get_if<FieldError>(&cells)) return bad(*e);
    return apply([name = p[2], c = std::get<std::vector<std::string>>(cells)](
                     const ControlState& st) { return pin_tenant(st, name, c); },
                 "cells", "cells");
  }
  if (n == 3 && p[1] == "rebalance" && p[2] == "plan" && m == "GET") return plan();
  if (n == 3 && p[1] == "rebalance" && p[2] == "apply" && m == "POST") {
    std::uint32_t batch = 1;
    if (auto e = read_uint(body, "batch", false, batch)) return bad(*e);
    if (batch == 0) return error_reply(400, "field 'batch' must be at least 1", "batch");
    return rollout(batch);
  }
  if (n == 3 && p[1] == "rebalance" && p[2] == "status" && m == "GET") return rebalance_status();
  if (n == 2 && p[1] == "version" && m == "GET") return version();
  if (n == 2 && p[1] == "routers" && m == "GET") return routers();
  if (n == 3 && p[1] == "routers" && m == "PUT") return record_report(p[2], request.body);
  if (n == 2 && p[1] == "snapshot" && m == "GET") {
    auto after =
        t.query.count("after") ? to_uint(t.query.at("after")) : std::optional<std::uint64_t>(0);
    if (!after) return error_reply(400, "query 'after' must be a whole number", "after");
    auto wait = t.query.count("wait_ms") ? to_uint(t.query.at("wait_ms"))
                                         : std::optional<std::uint64_t>(25000);
    if (!wait) return error_reply(400, "query 'wait_ms' must be a whole number", "wait_ms");
    const bool deltas = t.query.count("deltas") && t.query.at("deltas") == "1";
    return long_poll(*after, std::chrono::milliseconds(*wait), deltas);
  }
  return error_reply(404, fmt::format("no route {} {}", cut(m), cut(request.target)), "");
}

ServiceReply ControlService::version() const {
  std::lock_guard lock(cache_mutex_);  // reads the version in place: no copy of the state
  return {.body = json{{"version", published_.version},
                       {"leader", leader_},
                       {"leader_address", leader_address_},
                       {"address", options_.address},
                       {"store", store_->describe()}}
                      .dump()};
}

ServiceReply ControlService::routers() {
  Result<std::vector<RouterReport>> reports = store_->reports();  // safe beside a change
  if (!reports.is_ok()) return error_reply(503, reports.status().message(), "store");
  json out = json::array();
  for (const RouterReport& r : *reports) {
    out.push_back({{"router", r.router},
                   {"applied", r.applied},
                   {"rejected", r.rejected},
                   {"rejected_as", r.rejected_as},
                   {"reason", r.reason},
                   {"stale_since_ms", r.stale_since_ms}});
  }
  return {.body = json{{"routers", out}}.dump()};
}

ServiceReply ControlService::record_report(const std::string& router, const std::string& body) {
  Result<RouterReport> report = parse_report(body);
  if (!report.is_ok()) return error_reply(400, report.status().message(), "body");
  if (report->router != router) {
    return error_reply(
        400,
        fmt::format("field 'router' ('{}') must be the router named in the path ('{}')",
                    cut(report->router), cut(router)),
        "router");
  }
  // A router reports at every Sync; the store keeps an unchanged record alive without
  // rewriting it. Reports never take store_mutex_: they neither wait for a change in
  // progress nor make tick() skip.
  const Status stored = store_->report(*report);
  if (stored.code() == StatusCode::kInvalidArgument) {
    return error_reply(400, stored.message(), "router");
  }
  if (!stored.is_ok()) return error_reply(503, stored.message(), "store");
  return {.body = json{{"router", router}}.dump()};
}

}  // namespace cellkit::live

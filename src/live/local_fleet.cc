// LocalFleet: cells first (their ports go into the mapping), then the router on it.
#include "cellkit/live/local_fleet.h"
#include "cellkit/base/cut.h"

#include <charconv>

#include <fmt/format.h>

#include "cellkit/io/mapping_file.h"

namespace cellkit::live {

Status LocalFleet::start_cells(const LocalFleetOptions& options) {
  return start_cell_processes(supervisor_, doc_.fleet, options);
}

Status start_cell_processes(Supervisor& supervisor, Fleet& fleet,
                            const LocalFleetOptions& options) {
  for (const Cell& cell : fleet.cells()) {
    ProcessSpec spec;
    spec.name = cell.name;
    spec.argv = {options.binary, "cell", "--name", cell.name};
    if (options.crash_on_bags) {
      spec.argv.push_back("--crash-on-bags");
      spec.argv.push_back(std::to_string(*options.crash_on_bags));
    }
    spec.restart = options.restart_cells;
    spec.recovery_time = options.recovery_time;
    Result<Endpoint> ep = supervisor.start(std::move(spec));
    if (!ep.is_ok()) return ep.status();
    fleet.cell(cell.id).endpoint = to_string(*ep);
  }
  return Status::ok();
}

Status LocalFleet::start_router(const LocalFleetOptions& options) {
  ProcessSpec spec;
  spec.name = kRouterName;
  spec.argv = {options.binary, "router", "--snapshot", mapping_path_, "--admin", "127.0.0.1:0"};
  spec.argv.insert(spec.argv.end(), options.router_flags.begin(), options.router_flags.end());
  spec.port = options.router_port;
  Result<Endpoint> ep = supervisor_.start(std::move(spec));
  if (!ep.is_ok()) return ep.status();
  router_ = *ep;
  // The router's second line names its admin listener: "admin on HOST:PORT".
  Result<std::string> line = supervisor_.read_line(kRouterName, Millis(5000));
  constexpr std::string_view kAdmin = "admin on ";
  if (line.is_ok() && line->rfind(kAdmin, 0) == 0) admin_ = line->substr(kAdmin.size());
  return Status::ok();
}

Result<std::unique_ptr<LocalFleet>> LocalFleet::start(MappingDocument doc,
                                                      const LocalFleetOptions& options) {
  std::unique_ptr<LocalFleet> fleet(new LocalFleet());
  fleet->doc_ = std::move(doc);
  fleet->mapping_path_ = options.dir + "/mapping.json";
  Status s = fleet->start_cells(options);
  if (s.is_ok()) s = write_file_atomically(fleet->mapping_path_, write_mapping_json(fleet->doc_));
  if (s.is_ok()) s = fleet->start_router(options);
  if (!s.is_ok()) {
    fleet->stop(Millis(2000));
    return s;
  }
  return fleet;
}

}  // namespace cellkit::live

namespace cellkit::live {
namespace {

std::optional<CellId> cell_named(const Fleet& fleet, const std::optional<std::string>& name) {
  if (!name) return std::nullopt;
  for (const Cell& c : fleet.cells())
    if (c.name == *name) return c.id;
  return std::nullopt;
}

std::optional<Disposition> disposition_of(const HttpReply& reply) {
  const std::string outcome = reply.header("X-Cellkit-Outcome").value_or("");
  if (reply.status == 200) return Disposition::kServed;
  if (outcome == "cell_crashed") return Disposition::kCellCrashed;
  if (outcome == "no_healthy_cell") return Disposition::kNoHealthyCell;
  if (outcome == "unknown_tenant") return Disposition::kUnknownTenant;
  return std::nullopt;
}

}  // namespace

Result<OrderReply> send_order(const Endpoint& router, std::string_view tenant, std::uint32_t bags,
                              const Fleet& fleet, Millis timeout) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/orders";
  request.headers = {{"X-Tenant", std::string(tenant)}, {"Content-Type", "application/json"}};
  request.body = fmt::format(R"({{"bags": {}}})", bags);
  const HttpResult r = loopback_call(router, request, timeout);
  if (!r.is_ok())
    return failed_precondition(fmt::format("order from {} to the router at {}: {} ({})", tenant,
                                           to_string(router), to_string(r.failure), r.detail));
  const std::optional<Disposition> d = disposition_of(r.reply);
  const std::optional<CellId> cell = cell_named(fleet, r->header("X-Cell"));
  if (!d || (d == Disposition::kServed && !cell)) {
    return failed_precondition(fmt::format(
        "order from {}: unexpected reply {} (X-Cell '{}', X-Cellkit-Outcome '{}'): {}", tenant,
        r->status, cut(r->header("X-Cell").value_or("")),
        cut(r->header("X-Cellkit-Outcome").value_or("")), cut(r->body, kQuotedBodyBytes)));
  }
  OrderReply reply{.delivery = {.disposition = *d, .cell = cell.value_or(CellId{})},
                   .cell_named = cell.has_value()};
  const std::string version = r->header("X-Cellkit-Routing-Version").value_or("0");
  std::from_chars(version.data(), version.data() + version.size(), reply.delivery.version);
  return reply;
}

}  // namespace cellkit::live

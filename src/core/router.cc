// Router: the routing decision, request handling and table acceptance.
#include "cellkit/core/router.h"

#include <algorithm>

#include <fmt/format.h>

namespace cellkit {

bool HealthView::is_healthy_sorted(CellId cell) const {
  return !std::binary_search(unhealthy_.begin(), unhealthy_.end(), cell);
}

void HealthView::mark_unhealthy(CellId cell) {
  auto it = std::lower_bound(unhealthy_.begin(), unhealthy_.end(), cell);
  if (it == unhealthy_.end() || *it != cell) unhealthy_.insert(it, cell);
}

void HealthView::mark_healthy(CellId cell) {
  auto it = std::lower_bound(unhealthy_.begin(), unhealthy_.end(), cell);
  if (it != unhealthy_.end() && *it == cell) unhealthy_.erase(it);
}

std::string_view to_string(RouteOutcome outcome) {
  switch (outcome) {
    case RouteOutcome::kRouted:
      return "routed";
    case RouteOutcome::kNoHealthyCell:
      return "no_healthy_cell";
    case RouteOutcome::kUnknownTenant:
      return "unknown_tenant";
  }
  return "unknown";
}

std::string_view to_string(Disposition disposition) {
  switch (disposition) {
    case Disposition::kServed:
      return "served";
    case Disposition::kCellCrashed:
      return "cell_crashed";
    case Disposition::kNoHealthyCell:
      return "no_healthy_cell";
    case Disposition::kUnknownTenant:
      return "unknown_tenant";
  }
  return "unknown";
}

RouteDecision route(const RoutingTable& table, const HealthView& health, TenantId tenant) {
  RouteDecision decision{.version = table.version()};
  const std::span<const CellId> shard = table.shard_of(tenant);
  if (shard.empty()) {
    decision.outcome = RouteOutcome::kUnknownTenant;
    return decision;
  }
  auto healthy = std::find_if(shard.begin(), shard.end(), [&](CellId cell) {
    return table.is_routable(cell) && health.is_healthy(cell);
  });
  if (healthy == shard.end()) {
    decision.outcome = RouteOutcome::kNoHealthyCell;
    return decision;
  }
  decision.outcome = RouteOutcome::kRouted;
  decision.cell = *healthy;
  return decision;
}

Status Router::accept(const RoutingSnapshot& snapshot) {
  if (snapshot.version <= table_.version()) {
    return failed_precondition(fmt::format(
        "snapshot version {} is not newer than the served version {}; keeping version {}",
        snapshot.version, table_.version(), table_.version()));
  }
  Result<RoutingTable> built = RoutingTable::build(snapshot);
  if (!built.is_ok()) {
    return data_loss(fmt::format("snapshot version {} rejected, keeping version {}: {}",
                                 snapshot.version, table_.version(), built.status().message()));
  }
  table_ = std::move(built).value();
  return Status::ok();
}

Delivery Router::handle(const Request& request, CellTransport& transport) {
  const RouteDecision decision = route(request.tenant);
  Delivery delivery{.cell = decision.cell, .version = decision.version};
  switch (decision.outcome) {
    case RouteOutcome::kUnknownTenant:
      delivery.disposition = Disposition::kUnknownTenant;
      return delivery;
    case RouteOutcome::kNoHealthyCell:
      delivery.disposition = Disposition::kNoHealthyCell;
      return delivery;
    case RouteOutcome::kRouted:
      break;
  }
  if (transport.send(decision.cell, request) == CellReply::kCrashed) {
    health_.mark_unhealthy(decision.cell);
    delivery.disposition = Disposition::kCellCrashed;
    return delivery;
  }
  delivery.disposition = Disposition::kServed;
  return delivery;
}

}  // namespace cellkit

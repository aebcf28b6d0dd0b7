// Router: its health view and table acceptance.
#include "cellkit/core/router.h"

#include <algorithm>

#include <fmt/format.h>

#include "cellkit/core/router_policy.h"

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

RouteDecision Router::route(TenantId tenant) const {
  return route_attempt(table_, health_, tenant, RouterPolicy{}, 0).route;
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

}  // namespace cellkit

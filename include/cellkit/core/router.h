// Router (data plane): its validated table and its own health view. The decisions are
// route_attempt (router_policy.h) and the request-attempt seam (request_attempts.h).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/routing_table.h"

namespace cellkit {

// The router's own view of which cells are unhealthy. Cells not marked are healthy.
class HealthView {
 public:
  // Inline: asked for every candidate cell of every request; usually nothing is unhealthy.
  bool is_healthy(CellId cell) const { return unhealthy_.empty() || is_healthy_sorted(cell); }
  void mark_unhealthy(CellId cell);
  void mark_healthy(CellId cell);
  // Sorted by id.
  const std::vector<CellId>& unhealthy() const { return unhealthy_; }

  bool operator==(const HealthView&) const = default;

 private:
  bool is_healthy_sorted(CellId cell) const;
  std::vector<CellId> unhealthy_;
};

enum class RouteOutcome : std::uint8_t {
  kRouted,         // `cell` is an eligible cell of the tenant's shard
  kNoHealthyCell,  // every cell of the shard is unhealthy
  kUnknownTenant,  // the table has no shard for the tenant
};
std::string_view to_string(RouteOutcome outcome);

struct RouteDecision {
  RouteOutcome outcome = RouteOutcome::kUnknownTenant;
  CellId cell{};              // meaningful only when routed
  std::uint64_t version = 0;  // version of the table that decided

  bool operator==(const RouteDecision&) const = default;
};

// The seed demo's outcomes (a subset of RequestOutcome, in the demo's own order).
enum class Disposition : std::uint8_t {
  kServed,         // a cell handled the request
  kCellCrashed,    // the cell died handling it; not retried elsewhere
  kNoHealthyCell,  // refused: every cell of the shard is unhealthy
  kUnknownTenant,  // refused: the tenant is not in the table
};
std::string_view to_string(Disposition disposition);

struct Delivery {
  Disposition disposition = Disposition::kUnknownTenant;
  CellId cell{};              // the cell tried, when one was
  std::uint64_t version = 0;  // the table version that routed it

  bool operator==(const Delivery&) const = default;
};

// Holds its current table and health view and never calls the control plane: it keeps
// routing on its last accepted table however long the control plane is gone.
class Router {
 public:
  // Starts with the empty table (version 0): every tenant is unknown until a snapshot lands.
  Router() = default;

  // Replaces the table when the snapshot is newer than the one served and valid as a
  // whole; otherwise keeps the current table and says why (kFailedPrecondition for a
  // stale version, kDataLoss for an invalid snapshot).
  Status accept(const RoutingSnapshot& snapshot);

  // A first attempt under the default policy: the first healthy, routable cell of the
  // tenant's shard (route_attempt decides; a shorthand for tests and tools).
  RouteDecision route(TenantId tenant) const;

  void mark_unhealthy(CellId cell) { health_.mark_unhealthy(cell); }
  void mark_healthy(CellId cell) { health_.mark_healthy(cell); }

  const RoutingTable& table() const { return table_; }
  std::uint64_t version() const { return table_.version(); }
  const HealthView& health() const { return health_; }

 private:
  RoutingTable table_;
  HealthView health_;
};

}  // namespace cellkit

// Router policies: routing mode names, candidate cells under the naive policy, and
// policy validation.
#include "cellkit/core/router_policy.h"

#include <algorithm>

#include <fmt/format.h>

namespace cellkit {
namespace {

inline bool usable(const RoutingTable& table, const HealthView& health, CellId cell) {
  return table.is_routable(cell) && health.is_healthy(cell);
}

// The next usable cell after `dead` in id order (wrapping) that is not in `taken`.
// Naive on purpose: it knows nothing of why the cell died.
const CellId* replacement(const RoutingTable& table, const HealthView& health, CellId dead,
                          const Shard& taken) {
  const std::vector<CellId>& cells = table.cells();
  auto start = std::upper_bound(cells.begin(), cells.end(), dead) - cells.begin();
  for (std::size_t step = 0; step < cells.size(); ++step) {
    const CellId& c = cells[(static_cast<std::size_t>(start) + step) % cells.size()];
    if (usable(table, health, c) && std::find(taken.begin(), taken.end(), c) == taken.end()) {
      return &c;
    }
  }
  return nullptr;
}

}  // namespace

std::string_view to_string(RoutingMode mode) {
  switch (mode) {
    case RoutingMode::kFirstHealthy:
      return "first-healthy";
    case RoutingMode::kSpread:
      return "spread";
  }
  return "unknown";
}

std::optional<RoutingMode> parse_routing_mode(std::string_view name) {
  for (RoutingMode m : {RoutingMode::kFirstHealthy, RoutingMode::kSpread}) {
    if (name == to_string(m)) return m;
  }
  return std::nullopt;
}

Status RouterPolicy::validate() const {
  if (max_attempts < 1 || max_attempts > kMaxCandidates) {
    return invalid_argument(
        fmt::format("max_attempts ({}) must be between 1 and {}", max_attempts, kMaxCandidates));
  }
  if (routing == RoutingMode::kSpread && !failover) {
    return invalid_argument(
        "routing (spread) needs failover: without it only a shard's first cell is eligible");
  }
  if (quarantine_after > 0 && quarantine_for <= Duration::zero()) {
    return invalid_argument(
        fmt::format("quarantine_for ({}us) must be positive", quarantine_for.count()));
  }
  return Status::ok();
}

Shard candidate_cells(const RoutingTable& table, const HealthView& health, TenantId tenant,
                      const RouterPolicy& policy) {
  const std::span<const CellId> shard = table.shard_of(tenant);
  Shard candidates(shard.begin(), shard.end());
  if (!policy.replace_dead_cells) return candidates;
  for (CellId& cell : candidates) {
    if (usable(table, health, cell)) continue;
    if (const CellId* other = replacement(table, health, cell, candidates)) cell = *other;
  }
  return candidates;
}

}  // namespace cellkit

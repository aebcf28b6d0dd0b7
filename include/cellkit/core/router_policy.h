// Router policies for one request's attempts: failover within the shard, the retry
// budget, poison containment by fingerprint quarantine, and the deliberately naive
// "replace a dead cell" policy. Pure functions and a small state machine, shared by the
// simulator and (later) live mode.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <span>

#include "cellkit/base/status.h"
#include "cellkit/base/time.h"
#include "cellkit/core/router.h"

namespace cellkit {

struct RouterPolicy {
  // On: an attempt may go to any healthy cell of the shard, in preference order.
  // Off: only the shard's first cell; when it is unhealthy the request is refused.
  bool failover = true;
  // Attempts per request, the first included (the retry budget). At least 1.
  std::uint32_t max_attempts = 3;
  // Naive: retry a request whose attempt crashed a cell on another cell. Containment
  // keeps this off: a request that killed one cell kills the next.
  bool retry_after_crash = false;
  // Naive: route as if every dead cell of a shard were replaced by the next healthy cell
  // outside it (in id order, wrapping), so a poisoned tenant walks through the fleet.
  bool replace_dead_cells = false;
  // Crashes of one request fingerprint before it is quarantined; 0 never quarantines.
  std::uint32_t quarantine_after = 2;
  // The first quarantine's length; each relapse doubles it.
  Duration quarantine_for = std::chrono::minutes(1);

  // Names the first bad field and what is allowed.
  Status validate() const;
  bool operator==(const RouterPolicy&) const = default;
};

// The cells one request may use, in preference order: the tenant's shard, or under
// replace_dead_cells the shard with each unusable cell swapped for the next healthy,
// routable cell outside it. Empty when the tenant is unknown.
Shard candidate_cells(const RoutingTable& table, const HealthView& health, TenantId tenant,
                      const RouterPolicy& policy);

// One attempt's decision: the route and, when routed, the index of its cell among the
// candidates (so the caller can mark it tried).
struct Attempt {
  RouteDecision route;
  std::uint32_t candidate = 0;
};

namespace detail {

// The first candidate not tried yet that takes traffic (only the first under no failover).
// This and route_attempt are forced inline: they run once per request, and the call cost
// the simulator 5% of its time (docs/performance.md).
[[gnu::always_inline]] inline Attempt first_usable(const RoutingTable& table,
                                                   const HealthView& health,
                                                   std::span<const CellId> candidates,
                                                   const RouterPolicy& policy,
                                                   std::uint32_t tried) {
  Attempt attempt{.route = {.outcome = RouteOutcome::kNoHealthyCell, .version = table.version()}};
  const std::size_t eligible = policy.failover ? std::min<std::size_t>(candidates.size(), 32) : 1;
  for (std::size_t i = 0; i < eligible; ++i) {
    if (((tried >> i) & 1u) != 0) continue;
    if (!table.is_routable(candidates[i]) || !health.is_healthy(candidates[i])) continue;
    attempt.route.outcome = RouteOutcome::kRouted;
    attempt.route.cell = candidates[i];
    attempt.candidate = static_cast<std::uint32_t>(i);
    return attempt;
  }
  return attempt;
}

// The naive policy's path (router_policy.cc): it copies the shard, the common path does not.
Attempt route_replacing(const RoutingTable& table, const HealthView& health, TenantId tenant,
                        const RouterPolicy& policy, std::uint32_t tried);

}  // namespace detail

// Decides one attempt. `tried` has bit i set when candidate i was tried already by this
// request; those are skipped. Without failover only candidate 0 is eligible.
// kNoHealthyCell when no eligible candidate is healthy and routable. Inline: the simulator
// and a live router decide once per request.
[[gnu::always_inline]] inline Attempt route_attempt(const RoutingTable& table,
                                                    const HealthView& health, TenantId tenant,
                                                    const RouterPolicy& policy,
                                                    std::uint32_t tried) {
  const std::span<const CellId> shard = table.shard_of(tenant);
  if (shard.empty()) {
    return {.route = {.outcome = RouteOutcome::kUnknownTenant, .version = table.version()}};
  }
  if (policy.replace_dead_cells) {
    return detail::route_replacing(table, health, tenant, policy, tried);
  }
  return detail::first_usable(table, health, shard, policy, tried);
}

// Counts cell crashes per request fingerprint and quarantines a fingerprint after
// `quarantine_after` crashes. A crash after a quarantine expired is a relapse: the
// fingerprint is quarantined again at once for twice the previous length.
class PoisonQuarantine {
 public:
  explicit PoisonQuarantine(const RouterPolicy& policy)
      : threshold_(policy.quarantine_after), base_(policy.quarantine_for) {}

  bool is_quarantined(std::uint64_t fingerprint, TimePoint now) const;
  // Records that a request with this fingerprint crashed a cell at `now`. Returns true
  // when this crash (re)started a quarantine.
  bool record_crash(std::uint64_t fingerprint, TimePoint now);
  // Crashes recorded for the fingerprint; 0 when never seen.
  std::uint32_t crashes(std::uint64_t fingerprint) const;
  // When the fingerprint's latest quarantine ends (or ended); time 0 when never quarantined.
  TimePoint quarantined_until(std::uint64_t fingerprint) const;
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    std::uint32_t crashes = 0;
    Duration next_length{};  // 0 until the first quarantine
    TimePoint until{};
  };
  std::uint32_t threshold_;
  Duration base_;
  std::map<std::uint64_t, Entry> entries_;
};

}  // namespace cellkit

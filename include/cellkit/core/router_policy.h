// Router policies and the one routing decision: which cell one attempt of a request goes
// to (first healthy or spread), failover within the shard, the retry budget, poison
// containment by fingerprint quarantine, and the deliberately naive "replace a dead cell"
// policy. The simulator and the live router both decide with route_attempt.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string_view>

#include "cellkit/base/inline.h"
#include "cellkit/base/status.h"
#include "cellkit/base/time.h"
#include "cellkit/core/router.h"

namespace cellkit {

// How an attempt picks among the eligible cells of a shard.
enum class RoutingMode : std::uint8_t {
  kFirstHealthy,  // the first in preference order: a shard's first cell carries its tenant
  kSpread,        // the less loaded of two drawn by the request's key (power of two choices)
};
std::string_view to_string(RoutingMode mode);  // "first-healthy", "spread"
std::optional<RoutingMode> parse_routing_mode(std::string_view name);

// A request tracks the candidates it tried in 16 bits, so at most this many cells of a
// shard are eligible and a request makes at most this many attempts.
inline constexpr std::uint32_t kMaxCandidates = 16;

struct RouterPolicy {
  RoutingMode routing = RoutingMode::kFirstHealthy;  // how an attempt picks among eligible cells
  // On: an attempt may go to any healthy cell of the shard, in preference order.
  // Off: only the shard's first cell; when it is unhealthy the request is refused.
  bool failover = true;
  // Attempts per request, the first included (the retry budget). 1..kMaxCandidates.
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

// The load view of a router that knows no loads: every cell is idle, so `spread` picks
// between its two draws by the key alone.
struct NoLoad {
  std::uint64_t operator()(CellId) const { return 0; }
};

// A key at hand (0 for a caller without one). route_attempt takes its key as a callable so
// that it is computed only under spread; tests and tools that route one attempt pass a
// value this way, a request its own computation (SpreadKey keeps it for its attempts).
struct FixedKey {
  std::uint64_t value = 0;
  std::uint64_t operator()() const { return value; }
};

namespace detail {

inline bool eligible(const RoutingTable& table, const HealthView& health,
                     std::span<const CellId> candidates, std::uint32_t tried, std::size_t i) {
  return ((tried >> i) & 1u) == 0 && table.is_routable(candidates[i]) &&
         health.is_healthy(candidates[i]);
}

inline Attempt routed(const RoutingTable& table, std::span<const CellId> candidates,
                      std::size_t i) {
  return {.route = {.outcome = RouteOutcome::kRouted,
                    .cell = candidates[i],
                    .version = table.version()},
          .candidate = static_cast<std::uint32_t>(i)};
}

inline std::size_t eligible_count(const RouterPolicy& policy, std::span<const CellId> candidates) {
  return policy.failover ? std::min<std::size_t>(candidates.size(), kMaxCandidates) : 1;
}

// A uniform index below n from 32 bits of a well-mixed key (multiply-shift, no division).
inline std::uint32_t draw_below(std::uint64_t bits, std::uint32_t n) {
  return static_cast<std::uint32_t>(
      (static_cast<std::uint64_t>(static_cast<std::uint32_t>(bits)) * n) >> 32);
}

// The first candidate not tried yet that takes traffic (only the first under no failover).
// Requires a candidate (route_attempt answers an empty shard as an unknown tenant). These and
// route_attempt are forced inline: they run once per request, and the call cost the simulator 5% of
// its time (docs/performance.md). The first candidate is asked before the loop: most attempts are a
// request's first, to a healthy first cell, and then neither the loop's bound nor its registers are
// set up (the request-attempt seam cost 23 instructions an attempt, most of them here).
CELLKIT_ALWAYS_INLINE inline Attempt first_usable(const RoutingTable& table,
                                                  const HealthView& health,
                                                  std::span<const CellId> candidates,
                                                  const RouterPolicy& policy, std::uint32_t tried) {
  if (eligible(table, health, candidates, tried, 0)) return routed(table, candidates, 0);
  const std::size_t n = eligible_count(policy, candidates);
  for (std::size_t i = 1; i < n; ++i) {
    if (eligible(table, health, candidates, tried, i)) return routed(table, candidates, i);
  }
  return {.route = {.outcome = RouteOutcome::kNoHealthyCell, .version = table.version()}};
}

// Power of two choices: two distinct eligible candidates drawn by the key, the one with
// less load wins; a tie goes to the first drawn, so equal loads spread by the key alone.
// The key is asked for only here, once, and first: a hash then runs beside the eligibility
// checks instead of after them (bench/live_attempts_bench, docs/performance.md).
template <class Key, class Load>
CELLKIT_ALWAYS_INLINE inline Attempt less_loaded_of_two(
    const RoutingTable& table, const HealthView& health, std::span<const CellId> candidates,
    const RouterPolicy& policy, std::uint32_t tried, const Key& key, const Load& load) {
  const std::uint64_t bits = key();
  std::uint8_t usable[kMaxCandidates];
  std::uint32_t count = 0;
  const std::size_t n = eligible_count(policy, candidates);
  for (std::size_t i = 0; i < n; ++i) {
    if (eligible(table, health, candidates, tried, i))
      usable[count++] = static_cast<std::uint8_t>(i);
  }
  if (count == 0) {
    return {.route = {.outcome = RouteOutcome::kNoHealthyCell, .version = table.version()}};
  }
  if (count == 1) return routed(table, candidates, usable[0]);
  const std::uint32_t a = draw_below(bits, count);
  std::uint32_t b = draw_below(bits >> 32, count - 1);
  if (b >= a) ++b;
  const bool second = load(candidates[usable[b]]) < load(candidates[usable[a]]);
  return routed(table, candidates, usable[second ? b : a]);
}

template <class Key, class Load>
CELLKIT_ALWAYS_INLINE inline Attempt choose(const RoutingTable& table, const HealthView& health,
                                            std::span<const CellId> candidates,
                                            const RouterPolicy& policy, std::uint32_t tried,
                                            const Key& key, const Load& load) {
  if (policy.routing == RoutingMode::kSpread) {
    return less_loaded_of_two(table, health, candidates, policy, tried, key, load);
  }
  return first_usable(table, health, candidates, policy, tried);
}

}  // namespace detail

// THE routing decision: every attempt of every request, in the simulator and in the live
// router, is decided here. Picks among the eligible candidates: the tenant's shard (or,
// under replace_dead_cells, candidate_cells), its first kMaxCandidates cells under
// failover, only the first without; skipping those whose bit is set in `tried` (tried
// already by this request), disabled cells and cells the health view marks unhealthy.
// first-healthy takes the first eligible one; spread draws two by `key()` (any well-mixed
// 64-bit value per request, such as a hash of it) and takes the one `load(cell)` says is
// less loaded. `key()` is called once under spread when the tenant is known, never under
// first-healthy. kUnknownTenant when the table has no shard for the tenant; kNoHealthyCell
// when no candidate is eligible. Never a cell outside the candidates.
template <class Key = FixedKey, class Load = NoLoad>
CELLKIT_ALWAYS_INLINE inline Attempt route_attempt(const RoutingTable& table,
                                                   const HealthView& health, TenantId tenant,
                                                   const RouterPolicy& policy, std::uint32_t tried,
                                                   const Key& key = {}, const Load& load = {}) {
  const std::span<const CellId> shard = table.shard_of(tenant);
  if (shard.empty()) {
    return {.route = {.outcome = RouteOutcome::kUnknownTenant, .version = table.version()}};
  }
  if (policy.replace_dead_cells) [[unlikely]] {
    // The naive policy's path copies the shard; the common path does not.
    const Shard candidates = candidate_cells(table, health, tenant, policy);
    return detail::choose(table, health, candidates, policy, tried, key, load);
  }
  return detail::choose(table, health, shard, policy, tried, key, load);
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

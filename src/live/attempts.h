// The live router's one contact with core's decisions, in one small adapter: each attempt
// of a request is routed by core's route_attempt (first-healthy or spread), what an
// attempt's result means is core's RequestAttempts::settle (a crash is never retried
// elsewhere unless the naive policy says so; a refused connection is retried on the next
// healthy cell of the same shard within the attempt budget), and poison is contained by
// core's PoisonQuarantine.
//
// Core's RequestAttempts::next/observe take a RouterContext built on a core Router, which
// owns its table by value and a single-threaded PoisonQuarantine. The live router shares
// one immutable table (shared_ptr) and one quarantine between its threads, and ejects
// cells through its HealthBoard (ejection times), so next() and observe() below are the
// same steps over those: the quarantine check, the budget, route_attempt; then settle().
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

#include "cellkit/base/time.h"
#include "cellkit/core/request_attempts.h"
#include "cellkit/core/router_policy.h"
#include "cellkit/live/health_board.h"
#include "cellkit/live/outcome.h"

namespace cellkit::live {

// Core's PoisonQuarantine shared by the router's threads. The request path takes the lock
// only while something is quarantined or counted (empty() is an atomic).
class SharedQuarantine {
 public:
  explicit SharedQuarantine(const RouterPolicy& policy) : quarantine_(policy) {}
  bool empty() const { return empty_.load(std::memory_order_acquire); }
  bool is_quarantined(std::uint64_t fingerprint, TimePoint now) const {
    std::lock_guard lock(mutex_);
    return quarantine_.is_quarantined(fingerprint, now);
  }
  TimePoint until(std::uint64_t fingerprint) const {
    std::lock_guard lock(mutex_);
    return quarantine_.quarantined_until(fingerprint);
  }
  bool record_crash(std::uint64_t fingerprint, TimePoint now) {
    std::lock_guard lock(mutex_);
    empty_.store(false, std::memory_order_release);
    const bool started = quarantine_.record_crash(fingerprint, now);
    if (started) ++started_;
    return started;
  }
  std::uint64_t started() const {
    std::lock_guard lock(mutex_);
    return started_;
  }

 private:
  mutable std::mutex mutex_;
  PoisonQuarantine quarantine_;
  std::atomic<bool> empty_{true};
  std::uint64_t started_ = 0;
};

// Core's request outcomes as the live router answers them.
inline LiveOutcome live_outcome(RequestOutcome outcome) {
  switch (outcome) {
    case RequestOutcome::kServed:
      return LiveOutcome::kServed;
    case RequestOutcome::kShed:
      return LiveOutcome::kCellBusy;
    case RequestOutcome::kNoHealthyCell:
      return LiveOutcome::kNoHealthyCell;
    case RequestOutcome::kUnknownTenant:
      return LiveOutcome::kUnknownTenant;
    case RequestOutcome::kQuarantined:
      return LiveOutcome::kQuarantined;
    case RequestOutcome::kCellCrashed:
      return LiveOutcome::kCellCrashed;
    case RequestOutcome::kTimedOut:
      return LiveOutcome::kUpstreamTimeout;
    case RequestOutcome::kCellError:
      return LiveOutcome::kCellError;
  }
  return LiveOutcome::kCellError;
}

// What the live router's decisions read and update.
struct Decider {
  const RoutingTable& table;
  const HealthView& health;
  const RouterPolicy& policy;
  SharedQuarantine& quarantine;
  HealthBoard& board;
};

struct LiveStep {
  bool send = false;
  CellId cell{};
  LiveOutcome outcome = LiveOutcome::kNoHealthyCell;
};

struct LiveVerdict {
  bool retry = false;
  LiveOutcome outcome = LiveOutcome::kServed;
};

// One request's attempts: core's 4-byte RequestAttempts.
struct LiveAttempts {
  RequestAttempts state;

  std::uint32_t made() const { return state.made; }

  // `key` and `load` are route_attempt's (they matter under spread only).
  template <class Fingerprint, class Load>
  LiveStep next(const Decider& d, TenantId tenant, TimePoint now, const Fingerprint& fingerprint,
                std::uint64_t key, const Load& load) {
    if (!d.quarantine.empty() && d.quarantine.is_quarantined(fingerprint(), now)) {
      return {.outcome = LiveOutcome::kQuarantined};
    }
    if (state.made >= d.policy.max_attempts) return {.outcome = live_outcome(state.last_failure)};
    const Attempt a = route_attempt(d.table, d.health, tenant, d.policy, state.tried, key, load);
    switch (a.route.outcome) {
      case RouteOutcome::kUnknownTenant:
        return {.outcome = LiveOutcome::kUnknownTenant};
      case RouteOutcome::kNoHealthyCell:
        return {.outcome = live_outcome(state.last_failure)};
      case RouteOutcome::kRouted:
        break;
    }
    ++state.made;
    state.tried = static_cast<std::uint16_t>(state.tried | (1u << a.candidate));
    return {.send = true, .cell = a.route.cell};
  }

  // A crash or a refused connection ejects the cell; a crash counts against the request's
  // fingerprint; then core's settle() says what the result means.
  template <class Fingerprint>
  LiveVerdict observe(const Decider& d, CellId cell, AttemptResult result,
                      const Fingerprint& fingerprint, TimePoint now,
                      HealthBoard::Clock::time_point wall) {
    if (result == AttemptResult::kCrashed) {
      d.board.eject(cell, EjectCause::kCrash, wall);
      d.quarantine.record_crash(fingerprint(), now);
    } else if (result == AttemptResult::kRefused) {
      d.board.eject(cell, EjectCause::kRefused, wall);
    }
    const Verdict v = state.settle(result, d.policy);
    return {.retry = v.retry, .outcome = live_outcome(v.outcome)};
  }
};

}  // namespace cellkit::live

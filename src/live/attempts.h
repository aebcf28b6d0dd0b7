// The live router's one contact with core's decisions, in one small adapter: each request
// goes through core's request-attempt seam (RequestAttempts::next and observe over a
// RouterContext): route_attempt picks each attempt's cell (first-healthy or spread), a
// crash is never retried elsewhere unless the naive policy says so, a refused connection is
// retried on the next healthy cell of the same shard within the attempt budget, and poison
// is contained by core's PoisonQuarantine. What is live's own: the table is the shared
// immutable one, the quarantine is shared by the router's threads, a cell is taken out by
// ejecting it on the HealthBoard with its cause, and outcomes are named as LiveOutcome.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

#include "cellkit/base/hash.h"
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

// A crash or a refused connection ejects the cell, with that cause, at `wall`.
struct Eject {
  HealthBoard& board;
  HealthBoard::Clock::time_point wall;
  void operator()(CellId cell, AttemptResult result) const {
    board.eject(cell, result == AttemptResult::kCrashed ? EjectCause::kCrash : EjectCause::kRefused,
                wall);
  }
};

inline RouterContext<SharedQuarantine, Eject> router_context(const Decider& d,
                                                             HealthBoard::Clock::time_point wall) {
  return {d.table, d.health, d.policy, d.quarantine, Eject{d.board, wall}};
}

struct LiveStep {
  bool send = false;
  CellId cell{};
  LiveOutcome outcome = LiveOutcome::kNoHealthyCell;
};

struct LiveVerdict {
  bool retry = false;
  LiveOutcome outcome = LiveOutcome::kServed;
};

// The live router's spread key of a request: its number on its worker thread, hashed with
// its tenant.
inline std::uint64_t spread_key(std::uint64_t request, TenantId tenant) {
  return hash64_of(request, raw(tenant));
}

// One request's attempts: core's 4-byte RequestAttempts, its outcomes named as live's, and
// its spread key once an attempt computed it.
struct LiveAttempts {
  RequestAttempts state;
  SpreadKey key;

  std::uint32_t made() const { return state.made; }

  // Core's next(); `load` is route_attempt's. `compute_key()` gives the request's spread key:
  // it is called at most once per request, by its first attempt under spread, and never
  // under first-healthy.
  template <class Fingerprint, class ComputeKey, class Load>
  LiveStep next(const Decider& d, TenantId tenant, TimePoint now, const Fingerprint& fingerprint,
                const ComputeKey& compute_key, const Load& load) {
    const auto request_key = [&] { return key.get(compute_key); };
    // next() never takes a cell out, so its context needs no wall time.
    const NextStep s =
        state.next(router_context(d, {}), tenant, now, fingerprint, request_key, load);
    return {.send = s.send, .cell = s.cell, .outcome = live_outcome(s.outcome)};
  }

  // Core's observe(): a crash or a refused connection ejects the cell at `wall`, a crash
  // counts against the request's fingerprint, and settle() says what the result means.
  template <class Fingerprint>
  LiveVerdict observe(const Decider& d, CellId cell, AttemptResult result,
                      const Fingerprint& fingerprint, TimePoint now,
                      HealthBoard::Clock::time_point wall) {
    const Verdict v = state.observe(router_context(d, wall), cell, result, fingerprint, now);
    return {.retry = v.retry, .outcome = live_outcome(v.outcome)};
  }
};

}  // namespace cellkit::live

// The request-attempt seam: every decision one request meets on its way through a router,
// attempt by attempt, as a small per-request state and two inline steps. The simulator
// and the live router both drive a request through these; neither decides on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cellkit/base/inline.h"
#include "cellkit/base/time.h"
#include "cellkit/core/router.h"
#include "cellkit/core/router_policy.h"

namespace cellkit {

// Every request ends in exactly one of these.
enum class RequestOutcome : std::uint8_t {
  kServed,         // a cell answered in time
  kShed,           // every cell tried turned it away (overloaded)
  kNoHealthyCell,  // the router found no healthy cell of the shard to try
  kUnknownTenant,  // the router's table does not know the tenant
  kQuarantined,    // the request's fingerprint is quarantined as poison
  kCellCrashed,    // the cell handling it crashed (and containment forbids a retry)
  kTimedOut,       // not answered within the request's deadline
  kCellError,      // the cell answered with an error
};
inline constexpr std::size_t kRequestOutcomeCount =
    static_cast<std::size_t>(RequestOutcome::kCellError) + 1;
std::string_view to_string(RequestOutcome outcome);  // "served", "no_healthy_cell", ...

// What one attempt came to, as the router saw it.
enum class AttemptResult : std::uint8_t {
  kServed,     // the cell answered
  kCellError,  // the cell answered with an error
  kCrashed,    // the cell died handling it: the connection broke after the request was sent
  kRefused,    // the connection was refused: nothing was sent
  kShed,       // the cell turned it away unprocessed (overloaded)
  kTimedOut,   // no answer within the request's deadline
};

// The router's state that a request's decisions read and update, as references: the
// caller owns them. `Quarantine` is core's PoisonQuarantine or one with its empty(),
// is_quarantined(fingerprint, now) and record_crash(fingerprint, now) (a live router's,
// shared by its threads); `mark_unhealthy(cell, result)` is called when a crash or a
// refused connection takes a cell out of the health view (a live router ejects it with
// its cause). Four references and a small callable: build one where it is used, so an
// inlined request path reads the caller's members directly.
template <class Quarantine, class MarkUnhealthy>
struct RouterContext {
  const RoutingTable& table;
  const HealthView& health;
  const RouterPolicy& policy;
  Quarantine& quarantine;
  MarkUnhealthy mark_unhealthy;
};
template <class Quarantine, class MarkUnhealthy>
RouterContext(const RoutingTable&, const HealthView&, const RouterPolicy&, Quarantine&,
              MarkUnhealthy) -> RouterContext<Quarantine, MarkUnhealthy>;

// A core Router's context: decides by its table and health view; a crash or a refusal
// marks the cell unhealthy in it.
CELLKIT_ALWAYS_INLINE inline auto router_context(Router& router, PoisonQuarantine& quarantine,
                                                 const RouterPolicy& policy) {
  return RouterContext{router.table(), router.health(), policy, quarantine,
                       [&router](CellId cell, AttemptResult) { router.mark_unhealthy(cell); }};
}

// What to do with a request now.
struct NextStep {
  bool send = false;  // true: send an attempt to `cell`; false: the request ends with `outcome`
  CellId cell{};
  RequestOutcome outcome = RequestOutcome::kNoHealthyCell;
};

// What an attempt's result means for its request.
struct Verdict {
  bool retry = false;  // true: ask next() again; false: the request ends with `outcome`
  RequestOutcome outcome = RequestOutcome::kServed;
  bool quarantined = false;  // this crash (re)started a quarantine of the fingerprint
};

// One request's attempts so far; 4 bytes, so a simulator keeps one per request in flight.
struct RequestAttempts {
  std::uint16_t tried = 0;                                       // bit i: candidate i was tried
  std::uint8_t made = 0;                                         // attempts sent
  RequestOutcome last_failure = RequestOutcome::kNoHealthyCell;  // the outcome if none is left

  bool operator==(const RequestAttempts&) const = default;

  // Before each attempt. Ends the request as quarantined when its fingerprint is, with its
  // last failure when the budget is spent or no eligible cell is left, as unknown_tenant
  // when the table does not know it; otherwise counts the attempt and names the cell
  // (route_attempt decides). `fingerprint()` is called only when something is quarantined;
  // `key` and `load` are route_attempt's: `key()` is called only under spread (a request's
  // SpreadKey keeps it for its later attempts).
  template <class Q, class M, class Fingerprint, class Key = FixedKey, class Load = NoLoad>
  CELLKIT_ALWAYS_INLINE NextStep next(const RouterContext<Q, M>& c, TenantId tenant, TimePoint now,
                                      const Fingerprint& fingerprint, const Key& key = {},
                                      const Load& load = {});

  // What the result means, without touching the router: served, cell_error and timed_out
  // end the request; shed and refused are retried (next() ends it when the budget is
  // spent); a crash ends it as cell_crashed unless the naive retry_after_crash allows one
  // more attempt. Also the whole story of a request lost with a cell the router did not
  // see die (the simulator's bystanders of a crash).
  CELLKIT_ALWAYS_INLINE Verdict settle(AttemptResult result, const RouterPolicy& policy);

  // The router's side of an attempt sent to `cell`, then settle(): a crash marks the cell
  // unhealthy and counts against the request's fingerprint (poison containment; called
  // only on a crash); a refused connection marks the cell unhealthy.
  template <class Q, class M, class Fingerprint>
  CELLKIT_ALWAYS_INLINE Verdict observe(const RouterContext<Q, M>& c, CellId cell,
                                        AttemptResult result, const Fingerprint& fingerprint,
                                        TimePoint now);
};
static_assert(sizeof(RequestAttempts) == 4);

// One request's spread key, kept once computed: a request whose attempts ask next() with
// the key `[&] { return spread_key.get(compute); }` calls compute() at most once, at its
// first next() under spread for a known tenant (before it is known whether any cell is
// eligible, so also for a request that ends as no healthy cell), and never under
// first-healthy. A value apart from RequestAttempts, which stays 4 bytes; assign {} to
// reuse it for another request.
class SpreadKey {
 public:
  template <class Compute>
  CELLKIT_ALWAYS_INLINE std::uint64_t get(const Compute& compute) {
    if (!known_) {
      value_ = compute();
      known_ = true;
    }
    return value_;
  }

 private:
  std::uint64_t value_ = 0;
  bool known_ = false;
};

template <class Q, class M, class Fingerprint, class Key, class Load>
inline NextStep RequestAttempts::next(const RouterContext<Q, M>& c, TenantId tenant, TimePoint now,
                                      const Fingerprint& fingerprint, const Key& key,
                                      const Load& load) {
  if (!c.quarantine.empty() && c.quarantine.is_quarantined(fingerprint(), now)) {
    return {.outcome = RequestOutcome::kQuarantined};
  }
  if (made >= c.policy.max_attempts) return {.outcome = last_failure};
  const Attempt a = route_attempt(c.table, c.health, tenant, c.policy, tried, key, load);
  switch (a.route.outcome) {
    case RouteOutcome::kUnknownTenant:
      return {.outcome = RequestOutcome::kUnknownTenant};
    case RouteOutcome::kNoHealthyCell:
      return {.outcome = last_failure};
    case RouteOutcome::kRouted:
      break;
  }
  ++made;
  tried = static_cast<std::uint16_t>(tried | (1u << a.candidate));
  return {.send = true, .cell = a.route.cell};
}

inline Verdict RequestAttempts::settle(AttemptResult result, const RouterPolicy& policy) {
  switch (result) {
    case AttemptResult::kServed:
      return {.outcome = RequestOutcome::kServed};
    case AttemptResult::kCellError:
      return {.outcome = RequestOutcome::kCellError};
    case AttemptResult::kTimedOut:
      return {.outcome = RequestOutcome::kTimedOut};
    case AttemptResult::kRefused:
      last_failure = RequestOutcome::kNoHealthyCell;
      return {.retry = true};
    case AttemptResult::kShed:
      last_failure = RequestOutcome::kShed;
      return {.retry = true};
    case AttemptResult::kCrashed:
      break;
  }
  last_failure = RequestOutcome::kCellCrashed;
  return {.retry = policy.retry_after_crash && made < policy.max_attempts,
          .outcome = RequestOutcome::kCellCrashed};
}

template <class Q, class M, class Fingerprint>
inline Verdict RequestAttempts::observe(const RouterContext<Q, M>& c, CellId cell,
                                        AttemptResult result, const Fingerprint& fingerprint,
                                        TimePoint now) {
  bool quarantined = false;
  if (result == AttemptResult::kCrashed || result == AttemptResult::kRefused) {
    c.mark_unhealthy(cell, result);
  }
  if (result == AttemptResult::kCrashed) {
    quarantined = c.quarantine.record_crash(fingerprint(), now);
  }
  Verdict v = settle(result, c.policy);
  v.quarantined = quarantined;
  return v;
}

}  // namespace cellkit

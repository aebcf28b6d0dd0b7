// The event loop and the requests' path: arrivals, the router's attempts, cells' servers
// and queues, and outcomes. Functions on every request's path are defined and used only in
// this file and forced inline into the loop: the calls between them were a tenth of the
// instructions per request, and the simulator runs 5% faster without them
// (docs/decisions/0006-simulator-engine.md).
#include <algorithm>
#include <cmath>

#include "cellkit/base/hash.h"
#include "sim/world.h"

namespace cellkit::sim {
namespace {

constexpr std::uint64_t kPoisonTag = 0x706f69736f6eULL;  // "poison"

std::uint32_t saturate(std::int64_t v) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(v, 0, UINT32_MAX));
}

}  // namespace

// Events after the end are dropped except service completions: arrivals stop at the end
// and requests already in flight are drained, so every arrival gets its one outcome.
void World::run() {
  std::uint64_t next_progress = options_.progress ? options_.progress_every : UINT64_MAX;
  while (!queue_.empty()) {
    result_.peak_pending_events =
        std::max<std::uint64_t>(result_.peak_pending_events, queue_.size());
    const Event e = queue_.pop();
    if (e.time > end_ && e.kind() != kServiceDone) continue;
    now_ = e.time;
    ++result_.events;
    // The two events of every request are handled here, where their handlers inline.
    if (e.kind() == kArrival) {
      on_arrival();
    } else if (e.kind() == kServiceDone) {
      on_service_done(e);
    } else {
      handle(e);
    }
    if (result_.events >= next_progress) [[unlikely]] {
      options_.progress({.now = now_, .events = result_.events});
      next_progress += options_.progress_every;
    }
  }
}

[[gnu::always_inline]] inline void World::on_arrival() {
  next_arrival_us_ += workload_.exponential(mean_gap_us_);
  const TimePoint next{round_us(next_arrival_us_)};
  if (next < end_) queue_.push_beside(next, kArrival);
  const TenantId tenant{tenant_choice_.sample(workload_)};
  dispatch(admit(tenant, draw_poison(tenant)));
}

void World::on_scripted_arrival(std::uint32_t index) {
  const ScriptedRequest& r = scenario_.workload.script[index];
  if (r.poison) ++result_.poison_requests;
  dispatch(admit(TenantId{r.tenant}, r.poison));
}

// A new request in flight, counted as an arrival; returns its slot.
[[gnu::always_inline]] inline SlotId World::admit(TenantId tenant, bool poison) {
  const SlotId s = slots_.allocate();
  Slot& r = slots_[s];
  r.arrival_us = now_.time_since_epoch().count();
  r.tenant = tenant;
  r.poison = poison;
  ++traffic_[raw(tenant)].arrivals;  // the run's totals are the tenants' sums (close_run)
  ++current_.arrivals;
  return s;
}

// The poison tenant's own stream decides, so its draws do not shift anyone else's.
inline bool World::draw_poison(TenantId tenant) {
  for (PoisonRuntime& p : poison_) {
    if (p.tenant != tenant || (p.limit > 0 && p.sent >= p.limit)) continue;
    if (!p.random.bernoulli(p.probability)) return false;
    ++p.sent;
    ++result_.poison_requests;
    return true;
  }
  return false;
}

// A poison request always carries the same payload, so the same fingerprint; other
// requests are unique.
std::uint64_t World::fingerprint(const Slot& slot) const {
  if (slot.poison) return hash64_of(kPoisonTag, raw(slot.tenant));
  return hash64_of(seed_, raw(slot.tenant), static_cast<std::uint64_t>(slot.arrival_us));
}

// Routes the request and hands it to the chosen cell; again while cells turn it away and
// attempts are left. The core's request-attempt seam decides every step; the loop (rather
// than mutual recursion) lets all of it inline. Spread's key is the request's fingerprint,
// computed by the first attempt under spread and kept for the attempts of this dispatch
// (a naive retry after a crash dispatches again and computes the same value again: the
// slot has no room to keep it); never under first-healthy.
void World::dispatch(SlotId s) {
  SpreadKey spread_key;
  for (;;) {
    Slot& r = slots_[s];
    const auto print = [&] { return fingerprint(r); };
    const auto key = [&] { return spread_key.get(print); };
    const auto load = [&](CellId cell) {
      const CellRuntime& c = cells_[raw(cell)];
      return std::uint64_t{c.busy} + c.queue.size();
    };
    const NextStep step = r.attempts.next(decider(), r.tenant, now_, print, key, load);
    if (!step.send) return end_request(s, step.outcome);
    r.cell = step.cell;
    if (!deliver(s)) return;
  }
}

// Returns true when the cell turned the request away and it should be routed again.
[[gnu::always_inline]] inline bool World::deliver(SlotId s) {
  Slot& r = slots_[s];
  CellRuntime& c = cells_[raw(r.cell)];
  if (!c.up) {
    // The connection is refused: the router learns the cell is down and may fail over.
    const auto unused = [] { return std::uint64_t{0}; };
    return r.attempts.observe(decider(), r.cell, AttemptResult::kRefused, unused, now_).retry;
  }
  ++c.taken;
  if (r.poison) {
    crash_under(s, CrashCause::kPoison);
    return false;
  }
  if (c.bad_build_crashes()) {
    crash_under(s, CrashCause::kBadBuild);
    return false;
  }
  if (c.busy < scenario_.cells.servers) {
    start_service(r.cell, s);
    return false;
  }
  if (c.queue.size() < scenario_.cells.queue_limit) {
    r.queued_after_us = saturate(now_.time_since_epoch().count() - r.arrival_us);
    c.queue.push_back(s);
    return false;
  }
  ++c.shed;
  return r.attempts.settle(AttemptResult::kShed, policy_).retry;
}

[[gnu::always_inline]] inline void World::start_service(CellId cell, SlotId s) {
  Slot& r = slots_[s];
  const Duration age = now_.time_since_epoch() - Duration(r.arrival_us);
  const Duration timeout = scenario_.workload.timeout;
  if (timeout > Duration::zero() && age >= timeout) return end_attempt(s, AttemptResult::kTimedOut);
  CellRuntime& c = cells_[raw(cell)];
  update_busy(c);
  ++c.busy;
  result_.wait.record(age - Duration(r.queued_after_us));
  queue_.push(now_ + scenario_.cells.service.sample(c.random), kServiceDone, raw(s), r.generation);
}

[[gnu::always_inline]] inline void World::on_service_done(const Event& e) {
  const SlotId s{e.target};
  Slot& r = slots_[s];
  if (!r.live || r.generation != e.aux) return;  // its cell crashed meanwhile
  const CellId cell = r.cell;
  CellRuntime& c = cells_[raw(cell)];
  update_busy(c);
  --c.busy;
  ++c.served;
  const Duration age = now_.time_since_epoch() - Duration(r.arrival_us);
  const Duration timeout = scenario_.workload.timeout;
  if (c.bad_build_errs()) {
    end_attempt(s, AttemptResult::kCellError);
  } else if (timeout > Duration::zero() && age > timeout) {
    end_attempt(s, AttemptResult::kTimedOut);
  } else {
    interval_latency_.record(age);
    end_attempt(s, AttemptResult::kServed);
  }
  pull_next(cell);
}

[[gnu::always_inline]] inline void World::pull_next(CellId cell) {
  CellRuntime& c = cells_[raw(cell)];
  while (c.up && c.busy < scenario_.cells.servers && !c.queue.empty()) {
    const SlotId s = c.queue.front();
    c.queue.pop_front();
    start_service(cell, s);
  }
}

// A request whose cell crashed under it: the verdict retries it only under the naive policy.
void World::after_crash(SlotId s, const Verdict& verdict) {
  ++slots_[s].generation;  // its completion event at the dead cell must not complete the retry
  if (verdict.retry) return dispatch(s);
  end_request(s, verdict.outcome);
}

// An attempt that came to an end without a crash: served, answered with an error, too late.
[[gnu::always_inline]] inline void World::end_attempt(SlotId s, AttemptResult result) {
  const Verdict v = slots_[s].attempts.settle(result, policy_);
  if (v.retry) return dispatch(s);
  end_request(s, v.outcome);
}

[[gnu::always_inline]] inline void World::end_request(SlotId s, Outcome outcome) {
  Slot& r = slots_[s];
  if (options_.on_request) {
    options_.on_request({.arrival = TimePoint{Duration(r.arrival_us)},
                         .tenant = r.tenant,
                         .outcome = outcome,
                         .cell = r.cell,
                         .version = router_.version(),
                         .poison = r.poison});
  }
  const auto o = static_cast<std::size_t>(outcome);
  ++traffic_[raw(r.tenant)].outcomes[o];
  ++current_.outcomes[o];
  slots_.release(s);
}

}  // namespace cellkit::sim

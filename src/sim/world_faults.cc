// Faults and the control loop: crashes and restarts, health checks, publishing,
// control-plane and zone outages, router restarts, interval samples, tenants' health.
#include <algorithm>
#include <cassert>
#include <utility>

#include "cellkit/base/hash.h"
#include "cellkit/core/snapshot_codec.h"
#include "sim/world.h"

namespace cellkit::sim {
namespace {

// In double: utilisations are fractions, summed in cell order (the same bits every run).
double mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values)
    sum += v;
  return sum / static_cast<double>(values.size());
}

}  // namespace

void World::handle(const Event& e) {
  switch (static_cast<Kind>(e.kind())) {
    case kArrival:
    case kServiceDone:
      assert(false && "run() handles a request's two events itself");
      return;
    case kRestart:
      return on_restart(CellId{e.target});
    case kRandomCrash:
      return on_random_crash(CellId{e.target});
    case kScheduledCrash: {
      const CellCrash& c = scenario_.faults.cell_crashes[e.target];
      const Duration d = c.duration > Duration::zero() ? c.duration : scenario_.cells.restart_after;
      return crash(CellId{c.cell}, d, CrashCause::kScheduled);
    }
    case kHealthCheck:
      return on_health_check();
    case kPublish:
      return on_publish();
    case kControlPlaneDown:
      control_loop_.go_down();
      return note(timeline::ControlPlaneDown{control_.published_version()});
    case kControlPlaneUp:
      note(timeline::ControlPlaneUp{});
      onboard(control_loop_.come_back());
      return static_cast<void>(control_.publish());
    case kRouterRestart:
      return on_router_restart();
    case kZoneDown:
    case kZoneUp:
      return on_zone(e.target, e.kind() == kZoneDown,
                     scenario_.faults.zone_outages[e.target].duration);
    case kSample:
      return on_sample();
    case kScriptedArrival:
      return on_scripted_arrival(e.target);
    case kDeployWave:
      return queue_.push(rollouts_.deploy_wave(e.target, now_), kBakeEnd, e.target);
    case kBakeEnd:
      if (auto next = rollouts_.end_bake(e.target, now_)) queue_.push(*next, kBakeEnd, e.target);
      return;
    case kOnboard:
      return onboard(scenario_.growth.onboarding[e.target].count);
    case kScaleOut:
      return add_cells(scenario_.growth.scale_out[e.target].cells, 0.0);
  }
}

void World::crash(CellId cell, Duration down, CrashCause cause, TenantId by) {
  CellRuntime& c = cells_[raw(cell)];
  const TimePoint until = now_ + down;
  if (!c.up) {  // already down: the later of the two restarts wins
    if (until > c.down_until) {
      c.down_until = until;
      queue_.push(until, kRestart, raw(cell));
    }
    return;
  }
  update_busy(c);
  c.up = false;
  c.down_until = until;
  c.down_since = now_;
  ++c.crashes;
  note(timeline::CellCrashed{.cell = cell, .cause = cause, .by = by});
  queue_.push(until, kRestart, raw(cell));
  std::vector<std::uint32_t> victims = in_service_at(cell);
  assert(victims.size() == c.busy);
  victims.insert(victims.end(), c.queue.begin(), c.queue.end());
  c.queue.clear();
  c.busy = 0;
  ledger_.cell_changed(cell, true, now_);
  // Bystanders: the router does not see the cell die under them (it learns from a probe or
  // a refused connection); only the naive policy retries them.
  for (std::uint32_t s : victims)
    after_crash(s, slots_[s].attempts.settle(AttemptResult::kCrashed, policy_));
}

// The requests a cell is serving are those whose completion event there is still live, in
// the order they started (their events' sequence). Found only when a cell crashes, so the
// request path keeps no per-cell list.
std::vector<std::uint32_t> World::in_service_at(CellId cell) const {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> serving;  // (sequence, slot)
  queue_.for_each([&](const Event& e) {
    if (e.kind() != kServiceDone) return;
    const Slot& r = slots_[e.target];
    if (r.live && r.generation == e.aux && r.cell == cell) {
      serving.emplace_back(e.seq(), e.target);
    }
  });
  std::sort(serving.begin(), serving.end());
  std::vector<std::uint32_t> slots;
  slots.reserve(serving.size());
  for (const auto& [seq, slot] : serving)
    slots.push_back(slot);
  return slots;
}

// A request whose cell crashed as it took it: poison, or a bad build. The router sees the
// connection die under it and cannot tell why: it marks the cell unhealthy and counts the
// crash against the request's fingerprint (a poison request's is its tenant's; any other
// is unique, so it is quarantined only when quarantine_after is 1).
void World::crash_under(std::uint32_t s, CrashCause cause) {
  Slot& r = slots_[s];
  const CellId cell = r.cell;
  const TenantId tenant = r.tenant;
  const std::uint64_t print = fingerprint(r);
  const Verdict v = r.attempts.observe(
      decider(), cell, AttemptResult::kCrashed, [print] { return print; }, now_);
  if (v.quarantined) {
    note(timeline::FingerprintQuarantined{.tenant = tenant,
                                          .duration = quarantine_.quarantined_until(print) - now_});
  }
  const TenantId by = cause == CrashCause::kPoison ? tenant : TenantId{};
  crash(cell, scenario_.cells.restart_after, cause, by);
  after_crash(s, v);
}

void World::on_restart(CellId cell) {
  CellRuntime& c = cells_[raw(cell)];
  if (c.up || now_ < c.down_until) return;  // a later outage extended the downtime
  c.up = true;
  c.last_change = now_;
  c.down_for += clamp(now_) - clamp(c.down_since);
  note(timeline::CellRestarted{cell});
  ledger_.cell_changed(cell, false, now_);
}

void World::on_random_crash(CellId cell) {
  CellRuntime& c = cells_[raw(cell)];
  const Duration repair = c.random.exponential(scenario_.cells.mttr);
  const bool was_up = c.up;
  if (was_up) crash(cell, repair, CrashCause::kRandom);
  const TimePoint back = was_up ? now_ + repair : std::max(now_, c.down_until);
  queue_.push(back + c.random.exponential(scenario_.cells.mtbf), kRandomCrash, raw(cell));
}

// The router probes every cell itself (data plane only); the control plane records the
// same health when it is up, for placement.
void World::on_health_check() {
  for (std::uint32_t i = 0; i < cells_.size(); ++i) {
    const CellId id{i};
    cells_[i].up ? router_.mark_healthy(id) : router_.mark_unhealthy(id);
    if (control_loop_.up() && !control_.set_health(id, cells_[i].up).is_ok()) {
      ++result_.refusals.health_not_recorded;
      note(timeline::HealthNotRecorded{id});
    }
  }
  queue_.push(now_ + scenario_.router.health_check_interval, kHealthCheck);
}

void World::on_publish() {
  if (control_loop_.up()) control_.publish();
  queue_.push(now_ + scenario_.control_plane.publish_interval, kPublish);
}

// A restarted router has lost its memory: it reads the persisted snapshot, if any, and
// assumes every cell healthy until probes or failed sends say otherwise.
void World::on_router_restart() {
  router_ = Router{};
  const std::vector<std::byte>& bytes = publisher_.persisted();
  if (!bytes.empty()) {
    Result<RoutingSnapshot> snapshot = decode_snapshot(bytes);
    const Status accepted = snapshot.is_ok() ? router_.accept(*snapshot) : snapshot.status();
    if (!accepted.is_ok()) {
      ++result_.refusals.snapshots_refused;
      note(timeline::SnapshotRefused{snapshot.is_ok() ? snapshot->version : 0});
    }
  }
  note(timeline::RouterRestarted{router_.version()});
}

void World::on_zone(std::uint32_t index, bool down, Duration duration) {
  const ZoneId zone{static_cast<std::uint16_t>(scenario_.faults.zone_outages[index].zone)};
  if (!down) return note(timeline::ZoneUp{zone});
  note(timeline::ZoneDown{zone});
  for (std::uint32_t i = 0; i < cells_.size(); ++i) {
    if (cells_[i].zone == zone) crash(CellId{i}, duration, CrashCause::kZone);
  }
}

void World::on_sample() {
  IntervalResult sample = std::move(current_);
  current_ = IntervalResult{};
  ledger_.close_interval(now_, sample);
  sample.end = now_;
  const TimePoint start = intervals_.empty() ? TimePoint{} : intervals_.back().end;
  const auto span = static_cast<double>((now_ - start).count()) * scenario_.cells.servers;
  for (CellRuntime& c : cells_) {
    update_busy(c);
    sample.healthy_cells += c.up ? 1 : 0;
    sample.cell_utilization.push_back(
        span > 0 ? static_cast<double>(c.busy_area - c.interval_mark) / span : 0.0);
    c.interval_mark = c.busy_area;
  }
  maybe_auto_scale(sample.cell_utilization.empty() ? 0.0 : mean(sample.cell_utilization));
  sample.tenants_down = ledger_.tenants_down_now();
  sample.tenants_degraded = ledger_.tenants_degraded_now();
  close_interval_latency(sample);
  intervals_.push_back(std::move(sample));
  if (now_ < end_) queue_.push(clamp(now_ + scenario_.interval), kSample);
}

void World::close_interval_latency(IntervalResult& sample) {
  sample.latency_p50 = interval_latency_.percentile(0.5);
  sample.latency_p99 = interval_latency_.percentile(0.99);
  result_.latency.merge(interval_latency_);
  std::swap(last_interval_latency_, interval_latency_);
  interval_latency_.clear();
}

}  // namespace cellkit::sim

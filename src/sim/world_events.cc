// The events that are not a request's own: each goes to the part of the world it concerns
// (faults, rollouts, the control loop, growth); and the ones World keeps: a crash under a
// request, health checks, publishing, interval samples.
#include <cassert>
#include <utility>

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
      return faults_.restart(CellId{e.target}, now_);
    case kRandomCrash:
      return faults_.random_crash(CellId{e.target}, now_);
    case kScheduledCrash:
      return faults_.scheduled_crash(e.target, now_);
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
      return faults_.restart_router(router_, publisher_.persisted(), now_);
    case kZoneDown:
      return faults_.zone_down(e.target, now_);
    case kZoneUp:
      return faults_.zone_up(e.target, now_);
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

// A request whose cell crashed as it took it: poison, or a bad build. The router sees the
// connection die under it and cannot tell why: it marks the cell unhealthy and counts the
// crash against the request's fingerprint (a poison request's is its tenant's; any other
// is unique, so it is quarantined only when quarantine_after is 1).
void World::crash_under(SlotId s, CrashCause cause) {
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
  faults_.crash(cell, scenario_.cells.restart_after, cause, by, now_);
  after_crash(s, v);
}

// A bystander of a crash: a request queued or in service at the cell. The router does not
// see the cell die under it (it learns from a probe or a refused connection); only the naive
// policy retries it.
void World::lose_request(SlotId s) {
  after_crash(s, slots_[s].attempts.settle(AttemptResult::kCrashed, policy_));
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

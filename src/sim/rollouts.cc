// Deployments in waves: canary first, bake, alarm on the wave's error rate, roll back.
#include "sim/rollouts.h"

namespace cellkit::sim {

TimePoint Rollouts::deploy_wave(std::uint32_t index, TimePoint now) {
  const Deployment& d = deployments_[index];
  State& rollout = state_[index];
  rollout.taken_mark = 0;
  rollout.failed_mark = 0;
  for (std::uint32_t cell : d.waves[rollout.wave]) {
    CellRuntime& c = cells_[cell];
    c.error_probability = d.bad ? d.error_probability : 0.0;
    c.crash_probability = d.bad ? d.crash_probability : 0.0;
    rollout.updated.push_back(CellId{cell});
    rollout.taken_mark += c.taken;
    rollout.failed_mark += c.failed;
  }
  timeline_.note(now, timeline::WaveDeployed{rollout.wave});
  return now + d.bake;
}

// The alarm looks only at the wave just deployed, over its bake: a canary's errors stop
// the rollout before a second cell is touched.
std::optional<TimePoint> Rollouts::end_bake(std::uint32_t index, TimePoint now) {
  const Deployment& d = deployments_[index];
  State& rollout = state_[index];
  const double rate = failure_rate(d, rollout);
  if (rate > d.alarm_error_rate) {
    timeline_.note(now, timeline::RolloutStopped{.wave = rollout.wave, .error_rate = rate});
    roll_back(rollout);
    return std::nullopt;
  }
  if (++rollout.wave < d.waves.size()) return deploy_wave(index, now);
  timeline_.note(now, timeline::RolloutCompleted{rollout.wave - 1});
  return std::nullopt;
}

// Failed over taken by the current wave's cells since it was deployed; 0 when none took any.
double Rollouts::failure_rate(const Deployment& d, const State& rollout) const {
  std::uint64_t taken = 0, failed = 0;
  for (std::uint32_t cell : d.waves[rollout.wave]) {
    taken += cells_[cell].taken;
    failed += cells_[cell].failed;
  }
  taken -= rollout.taken_mark;
  failed -= rollout.failed_mark;
  return taken == 0 ? 0.0 : static_cast<double>(failed) / static_cast<double>(taken);
}

void Rollouts::roll_back(State& rollout) {
  for (CellId cell : rollout.updated) {
    cells_[raw(cell)].error_probability = 0;
    cells_[raw(cell)].crash_probability = 0;
  }
  rollout.updated.clear();
}

}  // namespace cellkit::sim

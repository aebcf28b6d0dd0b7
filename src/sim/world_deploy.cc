// Deployments in waves: canary first, bake, alarm on the wave's error rate, roll back.
#include "sim/world.h"

namespace cellkit::sim {

void World::on_deploy_wave(std::uint32_t index) {
  const Deployment& d = scenario_.deployments[index];
  DeploymentRuntime& rollout = deployments_[index];
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
  note({.kind = EventKind::kWaveDeployed, .wave = rollout.wave});
  queue_.push(now_ + d.bake, kBakeEnd, index);
}

// The alarm looks only at the wave just deployed, over its bake: a canary's errors stop
// the rollout before a second cell is touched.
void World::on_bake_end(std::uint32_t index) {
  const Deployment& d = scenario_.deployments[index];
  DeploymentRuntime& rollout = deployments_[index];
  std::uint64_t taken = 0, failed = 0;
  for (std::uint32_t cell : d.waves[rollout.wave]) {
    taken += cells_[cell].taken;
    failed += cells_[cell].failed;
  }
  taken -= rollout.taken_mark;
  failed -= rollout.failed_mark;
  const double rate = taken == 0 ? 0.0 : static_cast<double>(failed) / static_cast<double>(taken);
  if (rate > d.alarm_error_rate) {
    note({.kind = EventKind::kRolloutStopped, .wave = rollout.wave, .error_rate = rate});
    return roll_back(rollout);
  }
  if (++rollout.wave < d.waves.size()) return on_deploy_wave(index);
  note({.kind = EventKind::kRolloutCompleted, .wave = rollout.wave - 1});
}

void World::roll_back(DeploymentRuntime& rollout) {
  for (CellId cell : rollout.updated) {
    cells_[raw(cell)].error_probability = 0;
    cells_[raw(cell)].crash_probability = 0;
  }
  rollout.updated.clear();
}

// Draws only on cells running a bad build, so good runs draw exactly what they did before.
}  // namespace cellkit::sim

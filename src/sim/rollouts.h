// Deployments in waves: the new build on each wave's cells, a bake, the alarm on the wave's
// failure rate, and the roll-back of every updated cell when it fires.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "cellkit/base/ids.h"
#include "cellkit/base/time.h"
#include "cellkit/sim/scenario.h"
#include "sim/cell_runtime.h"
#include "sim/timeline.h"

namespace cellkit::sim {

class Rollouts {
 public:
  // Rolls out `deployments` (validated: their cells exist) onto `cells`, noting each step on
  // `timeline`; all three must outlive this.
  Rollouts(std::span<const Deployment> deployments, std::vector<CellRuntime>& cells,
           Timeline& timeline)
      : deployments_(deployments), cells_(cells), timeline_(timeline), state_(deployments.size()) {}

  // Puts rollout `index`'s current wave on the new build at `now`; returns when its bake ends.
  TimePoint deploy_wave(std::uint32_t index, TimePoint now);
  // The bake of rollout `index`'s current wave ended at `now`: on an alarm it stops and rolls
  // back; otherwise the next wave is deployed (returns when its bake ends) or it completes.
  std::optional<TimePoint> end_bake(std::uint32_t index, TimePoint now);

 private:
  struct State {
    std::uint32_t wave = 0;        // the wave baking now
    std::uint64_t taken_mark = 0;  // the wave's cells' `taken` when it was deployed
    std::uint64_t failed_mark = 0;
    std::vector<CellId> updated;  // cells on the new build
  };

  double failure_rate(const Deployment& d, const State& rollout) const;
  void roll_back(State& rollout);

  std::span<const Deployment> deployments_;
  std::vector<CellRuntime>& cells_;
  Timeline& timeline_;
  std::vector<State> state_;  // by deployment
};

}  // namespace cellkit::sim

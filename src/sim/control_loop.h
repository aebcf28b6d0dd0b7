// The control plane's state in a run: whether it is up, the tenants waiting for it to place
// them, and when automatic scale-out adds cells.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "cellkit/base/time.h"
#include "cellkit/sim/scenario.h"

namespace cellkit::sim {

class ControlLoop {
 public:
  explicit ControlLoop(const AutoScale& auto_scale) : auto_scale_(auto_scale) {}

  // Whether it is up: it records health, publishes, onboards and rebalances only then.
  bool up() const { return up_; }
  void go_down() { up_ = false; }
  // Back up; returns the tenants that waited for it, and forgets them.
  std::uint32_t come_back() {
    up_ = true;
    return std::exchange(waiting_, 0);
  }
  // While it is down, `count` new tenants wait for it; returns whether they must.
  bool hold_onboarding(std::uint32_t count) {
    if (up_) return false;
    waiting_ += count;
    return true;
  }
  // The cells to add at `now` to a fleet of `cells` whose last interval's mean utilization
  // was `utilization` (0: none). A scale-out decided here starts the cool-down.
  std::uint32_t cells_to_add(double utilization, TimePoint now, std::size_t cells) {
    const AutoScale& a = auto_scale_;
    if (a.utilization_above <= 0 || utilization <= a.utilization_above) return 0;
    if (scaled_out_ && now - last_scale_out_ < a.cooldown) return 0;
    if (a.max_cells > 0 && cells >= a.max_cells) return 0;
    last_scale_out_ = now;
    scaled_out_ = true;
    if (a.max_cells == 0) return a.add;
    return static_cast<std::uint32_t>(std::min<std::size_t>(a.add, a.max_cells - cells));
  }

 private:
  const AutoScale& auto_scale_;
  bool up_ = true;
  std::uint32_t waiting_ = 0;  // tenants waiting to be onboarded
  TimePoint last_scale_out_{};
  bool scaled_out_ = false;
};

}  // namespace cellkit::sim

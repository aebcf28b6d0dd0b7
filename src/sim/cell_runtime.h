// A simulated cell's state during a run: its servers and queue, whether it is up, the build
// it runs, and its counters.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>

#include "cellkit/base/ids.h"
#include "cellkit/base/random.h"
#include "cellkit/base/time.h"
#include "sim/request_slots.h"

namespace cellkit::sim {

struct CellRuntime {
  explicit CellRuntime(Random r) : random(r) {}
  Random random;  // service times and random crashes
  std::deque<SlotId> queue;
  std::uint32_t busy = 0;
  std::int64_t busy_area = 0;      // server-microseconds busy, up to the run's end
  std::int64_t interval_mark = 0;  // busy_area at the last interval's end
  TimePoint last_change{};
  TimePoint down_until{};
  TimePoint down_since{};
  Duration down_for{};
  std::uint64_t served = 0;
  std::uint64_t shed = 0;
  std::uint32_t crashes = 0;
  ZoneId zone{};
  bool up = true;
  // The build it runs: 0 when good; else what the bad build does to requests.
  double error_probability = 0;
  double crash_probability = 0;
  std::uint64_t taken = 0;   // requests that reached it while up (for deployment alarms)
  std::uint64_t failed = 0;  // of those, answered with an error or crashed by the build

  // Adds the busy server-time since the last change, at `now`; busy time integrates only up to
  // the run's `end` (the drain after it is not counted). Inline: every request's start and end
  // call it.
  void update_busy(TimePoint now, TimePoint end) {
    const TimePoint t = std::min(now, end);
    busy_area += static_cast<std::int64_t>(busy) * (t - std::min(last_change, end)).count();
    last_change = now;
  }

  // Whether the build crashes under (errs on) the request it takes; counts it as failed.
  // Inline: every request asks, and on a good build the answer is a single comparison. Draws
  // only on a bad build, so good runs draw exactly what they did before deployments existed.
  bool bad_build_crashes() {
    if (crash_probability <= 0 || !random.bernoulli(crash_probability)) return false;
    ++failed;
    return true;
  }
  bool bad_build_errs() {
    if (error_probability <= 0 || !random.bernoulli(error_probability)) return false;
    ++failed;
    return true;
  }
};

}  // namespace cellkit::sim

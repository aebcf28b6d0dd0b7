// The run's timeline as it is recorded: notable moments up to the run's end, at most
// kTimelineLimit of them, and a count of those past the limit.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "cellkit/base/time.h"
#include "cellkit/sim/run_result.h"

namespace cellkit::sim {

class Timeline {
 public:
  explicit Timeline(TimePoint end) : end_(end) {}

  // Records `what` at `now`; nothing after the run's end (the drain), and past the limit
  // only a count.
  void note(TimePoint now, const TimelinePayload& what) {
    if (now > end_) return;
    if (entries_.size() >= kTimelineLimit) {
      ++dropped_;
      return;
    }
    entries_.push_back({.time = now, .what = what});
  }

  // Hands the entries and the count over to the run's result; leaves this one empty.
  void move_into(RunResult& result) {
    result.timeline = std::exchange(entries_, {});
    result.timeline_dropped = std::exchange(dropped_, 0);
  }

 private:
  TimePoint end_;
  std::vector<TimelineEntry> entries_;
  std::uint64_t dropped_ = 0;
};

}  // namespace cellkit::sim

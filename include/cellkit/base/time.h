// Integer time: microseconds since the start of a run. Never floating-point seconds.
#pragma once

#include <chrono>
#include <cstdint>

namespace cellkit {

using Duration = std::chrono::duration<std::int64_t, std::micro>;

// A clock with no now(): time is passed in, never read, so runs are reproducible.
struct SimClock {
  using rep = Duration::rep;
  using period = Duration::period;
  using duration = Duration;
  using time_point = std::chrono::time_point<SimClock, Duration>;
  static constexpr bool is_steady = true;
};

using TimePoint = SimClock::time_point;

// A non-negative count of microseconds held in a double (a random draw), rounded to the
// nearest Duration by truncating us + 0.5: half up, except where that sum itself rounds
// (0.49999999999999994 gives 1; so do values near 2^52). Cheaper than std::llround on the
// simulator's hot path; requires us >= 0.
inline Duration round_us(double us) {
  return Duration(static_cast<std::int64_t>(us + 0.5));
}

}  // namespace cellkit

// Limits on durations that every reader and the simulator share (docs/limits.md).
#pragma once

#include <chrono>
#include <cstdint>

#include "cellkit/base/time.h"

namespace cellkit {

// The longest duration an input may give (100,000 hours, about 11 years): a time plus a
// few such durations, or one doubled, stays far from overflowing 64 bits of microseconds.
inline constexpr std::int64_t kMaxDurationHours = 100'000;
inline constexpr Duration kMaxDuration = std::chrono::hours(kMaxDurationHours);

}  // namespace cellkit

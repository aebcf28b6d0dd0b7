// Limits on durations and counts that every reader, command and the simulator share
// (docs/limits.md).
#pragma once

#include <chrono>
#include <cstdint>

#include "cellkit/base/time.h"

namespace cellkit {

// The longest duration an input may give (100,000 hours, about 11 years): a time plus a
// few such durations, or one doubled, stays far from overflowing 64 bits of microseconds.
inline constexpr std::int64_t kMaxDurationHours = 100'000;
inline constexpr Duration kMaxDuration = std::chrono::hours(kMaxDurationHours);

// Every cell and tenant has state in a run or a placement, so their counts are bounded
// before anything is allocated: cells in a simulated fleet, tenants in a run or placed at once.
inline constexpr std::uint64_t kMaxRunCells = 100'000;
inline constexpr std::uint64_t kMaxTenants = 10'000'000;

// The longest line a line-based file may hold (CSV mappings, tenant lists, a sweep's
// runs.csv), line feed not counted: a line names one tenant and its cells, far below this.
inline constexpr std::uint64_t kMaxLineBytes = std::uint64_t{1} << 20;

}  // namespace cellkit

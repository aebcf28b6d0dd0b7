// Shared formatting of times, durations and timeline entries for simulation reports.
#pragma once

#include <string>

#include "cellkit/sim/run_result.h"

namespace cellkit {

std::string format_ms(Duration d);          // "12.345 ms"
std::string format_duration(Duration d);    // "0s", "850.0ms", "42.5s", "12m 05s", "3h 02m 00s"
std::string format_clock(TimePoint t);      // "00:12:05.250" since the run's start
std::string shard_ids(const Shard& shard);  // "0,5,7"
// One readable line for a timeline entry, naming cells and tenants.
std::string describe(const sim::RunResult& run, const sim::TimelineEntry& entry);

}  // namespace cellkit

// Shared formatting of times, durations and timeline entries for simulation reports.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "cellkit/sim/replications.h"
#include "cellkit/sim/run_result.h"

namespace cellkit {

std::string format_ms(Duration d);          // "12.345 ms"
std::string format_duration(Duration d);    // "0s", "850.0ms", "42.5s", "12m 05s", "3h 02m 00s"
std::string format_clock(TimePoint t);      // "00:12:05.250" since the run's start
std::string shard_ids(const Shard& shard);  // "0,5,7"
// One readable line for a timeline entry, naming cells and tenants.
std::string describe(const sim::RunResult& run, const sim::TimelineEntry& entry);

// How a metric of sim::summarize reads in a report: its label, its section and how its
// value prints. A metric no entry describes keeps its JSON name, so none is ever lost.
struct MetricText {
  std::string_view name;
  std::string_view label;
  std::string_view section;
  enum Kind : std::uint8_t { kShare, kMs, kCount } kind;
};
MetricText metric_text(std::string_view name);
// The mean and the half-width of its 95% confidence interval in the number style:
// {"98.501%", "± 0.022"}, {"7.050 ms", "± 0.092"}, {"12.00", "± 0.00"}.
std::pair<std::string, std::string> estimate_text(MetricText::Kind kind, const sim::Estimate& e);

}  // namespace cellkit

// Replications: a metric's mean over independent runs with its 95% confidence interval.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "cellkit/sim/run_result.h"

namespace cellkit::sim {

struct Estimate {
  double mean = 0;
  double half_width = 0;  // of the 95% confidence interval (Student's t); 0 for one run
  std::uint32_t runs = 0;
};

// The mean of the samples and the half-width of its 95% confidence interval.
Estimate estimate(std::span<const double> samples);

// The metrics summarized over replications, in report order.
struct MetricEstimate {
  std::string_view name;  // snake_case, as in JSON and CSV
  Estimate value;
};

// One estimate per metric: availability, each failure outcome's share, latency percentiles (ms),
// mean wait (ms), mean utilization, cells crashed, tenants down/degraded. Requires runs.
std::vector<MetricEstimate> summarize(std::span<const RunResult> runs);

}  // namespace cellkit::sim

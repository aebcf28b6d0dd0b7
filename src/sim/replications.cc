// Means and Student-t confidence intervals over replications.
#include "cellkit/sim/replications.h"

#include <array>
#include <cmath>
#include <functional>

namespace cellkit::sim {
namespace {

// Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom; 1.96 beyond.
constexpr std::array<double, 30> kT95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                         2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                         2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                         2.060,  2.056, 2.052, 2.048, 2.045, 2.042};

double t95(std::size_t degrees) {
  return degrees <= kT95.size() ? kT95[degrees - 1] : 1.96;
}

double ms(Duration d) {
  return static_cast<double>(d.count()) / 1000.0;
}

double share(const RunResult& r, Outcome o) {
  return r.arrivals == 0 ? 0.0 : static_cast<double>(r.count(o)) / static_cast<double>(r.arrivals);
}

struct Metric {
  std::string_view name;
  std::function<double(const RunResult&)> of;
};

const std::vector<Metric>& metrics() {
  static const std::vector<Metric> all = {
      {"availability", [](const RunResult& r) { return r.availability(); }},
      {"shed_share", [](const RunResult& r) { return share(r, Outcome::kShed); }},
      {"no_healthy_cell_share",
       [](const RunResult& r) { return share(r, Outcome::kNoHealthyCell); }},
      {"cell_crashed_share", [](const RunResult& r) { return share(r, Outcome::kCellCrashed); }},
      {"unknown_tenant_share",
       [](const RunResult& r) { return share(r, Outcome::kUnknownTenant); }},
      {"quarantined_share", [](const RunResult& r) { return share(r, Outcome::kQuarantined); }},
      {"timed_out_share", [](const RunResult& r) { return share(r, Outcome::kTimedOut); }},
      {"cell_error_share", [](const RunResult& r) { return share(r, Outcome::kCellError); }},
      {"latency_p50_ms", [](const RunResult& r) { return ms(r.latency.percentile(0.5)); }},
      {"latency_p99_ms", [](const RunResult& r) { return ms(r.latency.percentile(0.99)); }},
      {"latency_p999_ms", [](const RunResult& r) { return ms(r.latency.percentile(0.999)); }},
      {"mean_wait_ms", [](const RunResult& r) { return r.wait.mean_us() / 1000.0; }},
      {"utilization", [](const RunResult& r) { return r.mean_utilization(); }},
      {"cells_crashed",
       [](const RunResult& r) { return static_cast<double>(r.blast.cells_crashed); }},
      {"tenants_down",
       [](const RunResult& r) { return static_cast<double>(r.blast.tenants_down); }},
      {"tenants_degraded",
       [](const RunResult& r) { return static_cast<double>(r.blast.tenants_degraded); }},
  };
  return all;
}

}  // namespace

Estimate estimate(std::span<const double> samples) {
  Estimate e{.runs = static_cast<std::uint32_t>(samples.size())};
  if (samples.empty()) return e;
  double sum = 0;
  for (double x : samples)
    sum += x;
  const auto n = static_cast<double>(samples.size());
  e.mean = sum / n;
  if (samples.size() < 2) return e;
  double squares = 0;
  for (double x : samples)
    squares += (x - e.mean) * (x - e.mean);
  const double sd = std::sqrt(squares / (n - 1));
  e.half_width = t95(samples.size() - 1) * sd / std::sqrt(n);
  return e;
}

std::vector<MetricEstimate> summarize(std::span<const RunResult> runs) {
  std::vector<MetricEstimate> out;
  std::vector<double> samples(runs.size());
  for (const Metric& m : metrics()) {
    for (std::size_t i = 0; i < runs.size(); ++i)
      samples[i] = m.of(runs[i]);
    out.push_back({m.name, estimate(samples)});
  }
  return out;
}

}  // namespace cellkit::sim

// A log-bucketed latency histogram: exact below 128 us, within 1/64 (1.6%) above.
#pragma once

#include <cstdint>
#include <vector>

#include "cellkit/base/time.h"

namespace cellkit::sim {

// Buckets of 64 sub-buckets per power of two (the HDR histogram layout), so memory stays
// a few kilobytes whatever the range. A value type: copy, compare, merge.
class LatencyHistogram {
 public:
  // Negative durations count as 0.
  void record(Duration value);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  // The smallest recorded bucket value v such that at least q of the values are <= v,
  // reported as its bucket's midpoint; 0 when empty. Requires 0 <= q <= 1.
  Duration percentile(double q) const;
  // Exact mean of the recorded values; 0 when empty.
  double mean_us() const;
  Duration max() const { return Duration(max_); }

  bool operator==(const LatencyHistogram&) const = default;

  // Bucket arithmetic, exposed for tests.
  static std::size_t bucket_of(std::uint64_t value);
  static std::uint64_t bucket_low(std::size_t bucket);
  static std::uint64_t bucket_high(std::size_t bucket);

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t sum_ = 0;  // microseconds: overflows only past ~584,000 years of latency
};

}  // namespace cellkit::sim

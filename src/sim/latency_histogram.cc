// Log-linear bucket arithmetic and percentiles.
#include "cellkit/sim/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>

namespace cellkit::sim {
std::uint64_t LatencyHistogram::bucket_low(std::size_t bucket) {
  if (bucket < kLinear) return bucket;
  const std::uint64_t e = bucket / kHalf - 1;
  const std::uint64_t m = bucket - e * kHalf;
  return m << e;
}

std::uint64_t LatencyHistogram::bucket_high(std::size_t bucket) {
  if (bucket < kLinear) return bucket;
  const std::uint64_t e = bucket / kHalf - 1;
  return bucket_low(bucket) + (std::uint64_t{1} << e) - 1;
}

void LatencyHistogram::grow(std::size_t bucket) {
  counts_.resize(bucket + 1, 0);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void LatencyHistogram::clear() {
  counts_.clear();  // keeps its capacity; a cleared histogram equals a new one
  count_ = 0;
  max_ = 0;
  sum_ = 0;
}

Duration LatencyHistogram::percentile(double q) const {
  assert(q >= 0.0 && q <= 1.0);
  if (count_ == 0) return Duration::zero();
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < counts_.size(); ++b) {
    seen += counts_[b];
    if (seen >= rank) {
      const std::uint64_t mid = (bucket_low(b) + bucket_high(b)) / 2;
      return Duration(static_cast<std::int64_t>(std::min(mid, max_)));
    }
  }
  return Duration(static_cast<std::int64_t>(max_));
}

double LatencyHistogram::mean_us() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

}  // namespace cellkit::sim

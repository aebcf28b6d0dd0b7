// A log-bucketed latency histogram: exact below 128 us, within 1/64 (1.6%) above.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "cellkit/base/time.h"

namespace cellkit::sim {

// Buckets of 64 sub-buckets per power of two (the HDR histogram layout), so memory stays
// a few kilobytes whatever the range. A value type: copy, compare, merge.
class LatencyHistogram {
 public:
  // Negative durations count as 0. Inline: the simulator records once or twice a request.
  void record(Duration value) {
    const auto v = static_cast<std::uint64_t>(value.count() < 0 ? 0 : value.count());
    const std::size_t b = bucket_of(v);
    if (b >= counts_.size()) [[unlikely]]
      grow(b);
    ++counts_[b];
    ++count_;
    if (v > max_) max_ = v;
    sum_ += v;
  }
  void merge(const LatencyHistogram& other);
  // Forgets every value (then equal to a new histogram); keeps the buckets' storage.
  void clear();

  std::uint64_t count() const { return count_; }
  // The smallest recorded bucket value v such that at least q of the values are <= v,
  // reported as its bucket's midpoint; 0 when empty. Requires 0 <= q <= 1.
  Duration percentile(double q) const;
  // Exact mean of the recorded values; 0 when empty.
  double mean_us() const;
  Duration max() const { return Duration(max_); }

  bool operator==(const LatencyHistogram&) const = default;

  // Bucket arithmetic, exposed for tests.
  // Above 128 a value v with top bit at position b lands in bucket e*64 + (v >> e),
  // e = b - 6: the top 7 bits select the bucket, so a bucket spans 1/64 of its value.
  static std::size_t bucket_of(std::uint64_t value) {
    if (value < kLinear) return static_cast<std::size_t>(value);
    const auto e = static_cast<std::uint64_t>(std::bit_width(value)) - 7;
    return static_cast<std::size_t>(e * kHalf + (value >> e));
  }
  static std::uint64_t bucket_low(std::size_t bucket);
  static std::uint64_t bucket_high(std::size_t bucket);

 private:
  static constexpr std::uint64_t kLinear = 128;  // values below this have a bucket each
  static constexpr std::uint64_t kHalf = 64;     // sub-buckets per power of two above that

  void grow(std::size_t bucket);

  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t sum_ = 0;  // microseconds: overflows only past ~584,000 years of latency
};

}  // namespace cellkit::sim

// Seeded random streams with our own reductions, so output never depends on the
// standard library's distributions.
#pragma once

#include <array>
#include <cstdint>

#include "cellkit/base/time.h"

namespace cellkit {

// xoshiro256** seeded through SplitMix64. Every draw is specified here, bit for bit:
// the same seed yields the same sequence on every platform and compiler.
class Random {
 public:
  explicit Random(std::uint64_t seed);

  std::uint64_t next_u64();
  // Uniform integer in [lo, hi] (both inclusive); requires lo <= hi. Unbiased.
  std::uint64_t uniform_int(std::uint64_t lo, std::uint64_t hi);
  // Uniform index in [0, n); requires n > 0.
  std::uint64_t index(std::uint64_t n) { return uniform_int(0, n - 1); }
  // Uniform real in [0, 1) with 53 random bits.
  double uniform_real();
  // True with probability p (p <= 0: never, p >= 1: always).
  bool bernoulli(double p);
  // Exponentially distributed with the given mean (>= 0).
  double exponential(double mean);
  // An exponentially distributed duration, rounded to the microsecond.
  Duration exponential(Duration mean);

  // An independent stream for a sub-entity (a cell, a tenant), derived from this
  // stream's seed and the id without consuming draws from this stream.
  Random derive(std::uint64_t stream_id) const;

  std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
  std::array<std::uint64_t, 4> state_;
};

// SplitMix64 step: advances *state and returns the next output. Exposed for seeding.
std::uint64_t splitmix64(std::uint64_t& state);

}  // namespace cellkit

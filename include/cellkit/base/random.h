// Seeded random streams with our own reductions, so output never depends on the
// standard library's distributions.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

#include "cellkit/base/time.h"
#include "cellkit/base/uint128.h"

namespace cellkit {

namespace detail {

// The exponential ziggurat's tables, for standard_exponential.
// Layer i draws u * x[i] from 53-bit u; `inside[i]` is the u below which that value lies
// under the curve whatever the height, `scale[i]` is x[i] / 2^53, `height[i]` is e^-x[i].
struct Ziggurat {
  std::array<std::uint64_t, 256> inside{};
  std::array<double, 256> scale{};
  std::array<double, 257> height{};
};
// Constant-initialised from generated literals (src/base/ziggurat_tables.inc).
extern const Ziggurat kExponentialZiggurat;

}  // namespace detail

// xoshiro256** seeded through SplitMix64. Every draw is specified here, bit for bit:
// the same seed yields the same sequence on every platform and compiler.
class Random {
 public:
  explicit Random(std::uint64_t seed);

  std::uint64_t next_u64() {
    const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = std::rotl(state_[3], 45);
    return result;
  }
  // Uniform integer in [lo, hi] (both inclusive); requires lo <= hi. Unbiased.
  std::uint64_t uniform_int(std::uint64_t lo, std::uint64_t hi);
  // Uniform index in [0, n); requires n > 0. The same draws as uniform_int(0, n - 1).
  // Lemire's multiply-and-reject; inline because the simulator draws one per request.
  std::uint64_t index(std::uint64_t n) {
    UInt128 product = static_cast<UInt128>(next_u64()) * n;
    if (static_cast<std::uint64_t>(product) < n) [[unlikely]]
      product = redraw_below(product, n);
    return static_cast<std::uint64_t>(product >> 64);
  }
  // Uniform real in [0, 1) with 53 random bits.
  double uniform_real() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // True with probability p (p <= 0: never, p >= 1: always).
  bool bernoulli(double p);
  // Exponentially distributed with the given mean (>= 0), by a 256-layer ziggurat: one
  // draw for about 97.8% of values, more only in a layer's overhang or in the tail.
  double exponential(double mean) { return mean * standard_exponential(); }
  // Exponentially distributed with mean 1. Inline for the one-draw case.
  double standard_exponential() {
    const std::uint64_t bits = next_u64();
    const std::size_t layer = bits & 0xff;
    const std::uint64_t u = bits >> 11;
    const detail::Ziggurat& z = detail::kExponentialZiggurat;
    if (u < z.inside[layer]) [[likely]]
      return static_cast<double>(u) * z.scale[layer];
    return exponential_outside(bits);
  }
  // An exponentially distributed duration, rounded to the microsecond.
  Duration exponential(Duration mean);

  // An independent stream for a sub-entity (a cell, a tenant), derived from this
  // stream's seed and the id without consuming draws from this stream.
  Random derive(std::uint64_t stream_id) const;

  std::uint64_t seed() const { return seed_; }

 private:
  // The rejection step of index(): draws again while the low word is below 2^64 mod n.
  UInt128 redraw_below(UInt128 product, std::uint64_t n);
  // standard_exponential() when the first draw's point is not inside its layer.
  double exponential_outside(std::uint64_t bits);

  std::uint64_t seed_;
  std::array<std::uint64_t, 4> state_;
};

// SplitMix64 step: advances *state and returns the next output. Exposed for seeding.
std::uint64_t splitmix64(std::uint64_t& state);

}  // namespace cellkit

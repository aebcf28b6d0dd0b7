// xoshiro256** with SplitMix64 seeding, and the reductions to ranges and distributions.
#include "cellkit/base/random.h"

#include <array>
#include <cassert>
#include <cmath>

#include "cellkit/base/hash.h"

namespace cellkit {
namespace {

__extension__ using uint128 = unsigned __int128;

// The exponential ziggurat (Marsaglia & Tsang's layout): 256 layers of equal area kArea
// under e^-x. Layer 0 is the base, of width x[0] = kArea / e^-kTail (it holds the tail past
// kTail); layer i > 0 spans x in [0, x[i]) between heights e^-x[i] and e^-x[i+1], with
// x[1] = kTail, x decreasing to x[256] = 0. A draw inside x[i+1] is under the curve at any
// height of its layer: that is the one-draw case, about 97.8% of draws.
constexpr double kTail = 7.69711747013104972;
constexpr double kArea = 0.0039496598225815571993;

detail::Ziggurat build_ziggurat() {
  std::array<double, 257> x{};
  x[0] = kArea / std::exp(-kTail);
  x[1] = kTail;
  for (int i = 1; i < 255; ++i)
    x[i + 1] = -std::log(kArea / x[i] + std::exp(-x[i]));
  x[256] = 0.0;
  detail::Ziggurat z;
  for (int i = 0; i < 256; ++i) {
    z.inside[i] = static_cast<std::uint64_t>(x[i + 1] / x[i] * 0x1.0p53);
    z.scale[i] = x[i] * 0x1.0p-53;
  }
  for (int i = 0; i <= 256; ++i)
    z.height[i] = std::exp(-x[i]);
  return z;
}

}  // namespace

const detail::Ziggurat detail::kExponentialZiggurat = build_ziggurat();

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Random::Random(std::uint64_t seed) : seed_(seed) {
  std::uint64_t s = seed;
  for (auto& word : state_)
    word = splitmix64(s);
}

std::uint64_t Random::uniform_int(std::uint64_t lo, std::uint64_t hi) {
  assert(lo <= hi);
  const std::uint64_t span = hi - lo;
  if (span == UINT64_MAX) return next_u64();
  return lo + index(span + 1);
}

// Lemire's multiply-and-reject: unbiased, and defined here rather than by the
// standard library, whose uniform_int_distribution differs between implementations.
uint128 Random::redraw_below(uint128 product, std::uint64_t n) {
  const std::uint64_t threshold = (0 - n) % n;
  while (static_cast<std::uint64_t>(product) < threshold)
    product = static_cast<uint128>(next_u64()) * n;
  return product;
}

bool Random::bernoulli(double p) {
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  return uniform_real() < p;
}

// One 64-bit draw picks the layer (low 8 bits) and the position in it (high 53 bits); the
// inline part has returned already when the point is inside its layer.
double Random::exponential_outside(std::uint64_t bits) {
  const detail::Ziggurat& z = detail::kExponentialZiggurat;
  for (;;) {
    const std::size_t layer = bits & 0xff;
    const std::uint64_t u = bits >> 11;
    const double x = static_cast<double>(u) * z.scale[layer];
    if (u < z.inside[layer]) return x;
    // The tail is exponential again, shifted: memorylessness.
    if (layer == 0) return kTail - std::log1p(-uniform_real());
    // In the overhang: accept if a uniform height falls under the curve.
    const double y = z.height[layer] + uniform_real() * (z.height[layer + 1] - z.height[layer]);
    if (y < std::exp(-x)) return x;
    bits = next_u64();
  }
}

Duration Random::exponential(Duration mean) {
  assert(mean.count() >= 0);
  return round_us(exponential(static_cast<double>(mean.count())));
}

Random Random::derive(std::uint64_t stream_id) const {
  return Random(hash64_of(seed_, stream_id));
}

}  // namespace cellkit

// xoshiro256** with SplitMix64 seeding, and the reductions to ranges and distributions.
#include "cellkit/base/random.h"

#include <cassert>
#include <cmath>

#include "cellkit/base/hash.h"

namespace cellkit {
namespace {

__extension__ using uint128 = unsigned __int128;

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

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

std::uint64_t Random::next_u64() {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

// Lemire's multiply-and-reject: unbiased, and defined here rather than by the
// standard library, whose uniform_int_distribution differs between implementations.
std::uint64_t Random::uniform_int(std::uint64_t lo, std::uint64_t hi) {
  assert(lo <= hi);
  const std::uint64_t span = hi - lo;
  if (span == UINT64_MAX) return next_u64();
  const std::uint64_t n = span + 1;
  uint128 product = static_cast<uint128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(product);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      product = static_cast<uint128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return lo + static_cast<std::uint64_t>(product >> 64);
}

double Random::uniform_real() {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

bool Random::bernoulli(double p) {
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  return uniform_real() < p;
}

double Random::exponential(double mean) {
  assert(mean >= 0.0);
  return -mean * std::log1p(-uniform_real());
}

Duration Random::exponential(Duration mean) {
  return Duration(std::llround(exponential(static_cast<double>(mean.count()))));
}

Random Random::derive(std::uint64_t stream_id) const {
  return Random(hash64_of(seed_, stream_id));
}

}  // namespace cellkit

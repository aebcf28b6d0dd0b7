// GF(q) tables: a primitive modulus found by trying monic polynomials in order.
#include "cellkit/base/galois_field.h"

#include <cassert>

#include <fmt/format.h>

namespace cellkit {
namespace {

// Base-p digits of a, least significant first, e of them.
std::vector<std::uint32_t> digits(std::uint32_t a, std::uint32_t p, std::uint32_t e) {
  std::vector<std::uint32_t> d(e);
  for (std::uint32_t i = 0; i < e; ++i, a /= p)
    d[i] = a % p;
  return d;
}

std::uint32_t from_digits(const std::vector<std::uint32_t>& d, std::uint32_t p) {
  std::uint32_t a = 0;
  for (std::size_t i = d.size(); i-- > 0;)
    a = a * p + d[i];
  return a;
}

// x·a modulo the monic x^e + Σ low[i]·x^i, on digit vectors.
void times_x(std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& low,
             std::uint32_t p) {
  const std::uint32_t top = a.back();
  for (std::size_t i = a.size() - 1; i > 0; --i)
    a[i] = a[i - 1];
  a[0] = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    a[i] = (a[i] + (p - low[i]) * top) % p;
}

}  // namespace

std::optional<PrimePower> prime_power(std::uint32_t q) {
  if (q < 2) return std::nullopt;
  std::uint32_t p = q;
  for (std::uint32_t d = 2; d * d <= q; ++d) {
    if (q % d == 0) {
      p = d;
      break;
    }
  }
  std::uint32_t e = 0;
  while (q % p == 0) {
    q /= p;
    ++e;
  }
  if (q != 1) return std::nullopt;
  return PrimePower{p, e};
}

Result<GaloisField> GaloisField::make(std::uint32_t q) {
  const std::optional<PrimePower> pp = prime_power(q);
  if (!pp || q > kMaxOrder) {
    return invalid_argument(fmt::format(
        "GF({}) does not exist here: the order must be a prime power at most {}", q, kMaxOrder));
  }
  GaloisField field(pp->prime, pp->exponent, q);
  // Every order has a primitive polynomial, so the loop always ends with one.
  for (std::uint32_t low = 0; low < q; ++low) {
    if (field.try_modulus(digits(low, pp->prime, pp->exponent))) return field;
  }
  assert(false && "no primitive polynomial found");
  return invalid_argument(fmt::format("GF({}): no primitive polynomial found", q));
}

// Builds the tables when x generates the multiplicative group modulo the polynomial: its
// powers reach every nonzero element before returning to 1. Otherwise returns false.
bool GaloisField::try_modulus(const std::vector<std::uint32_t>& low) {
  if (low[0] == 0) return false;  // x would divide the modulus
  exp_.assign(2 * (q_ - 1) + 1, 0);
  log_.assign(q_, 0);
  std::vector<std::uint32_t> power = digits(1, p_, e_);
  if (e_ == 1) power[0] = (p_ - low[0]) % p_;  // in GF(p), x stands for the root -low[0]
  std::uint32_t value = 1;
  for (std::uint32_t i = 0; i < q_ - 1; ++i) {
    if (i > 0 && value == 1) return false;
    exp_[i] = value;
    log_[value] = i;
    if (p_ == 2 && e_ > 1) {
      value <<= 1;  // binary fields: digits are bits, so x·a is a shift and a reduction
      if (value & q_) value ^= q_ | from_digits(low, 2);
    } else if (e_ == 1) {
      value = static_cast<std::uint32_t>(std::uint64_t{value} * power[0] % p_);
    } else {
      std::vector<std::uint32_t> d = digits(value, p_, e_);
      times_x(d, low, p_);
      value = from_digits(d, p_);
    }
  }
  if (value != 1) return false;
  for (std::uint32_t i = q_ - 1; i < exp_.size(); ++i)
    exp_[i] = exp_[i - (q_ - 1)];
  return true;
}

std::uint32_t GaloisField::add(std::uint32_t a, std::uint32_t b) const {
  assert(a < q_ && b < q_);
  if (p_ == 2) return a ^ b;
  std::uint32_t sum = 0;
  for (std::uint32_t scale = 1; a != 0 || b != 0; scale *= p_, a /= p_, b /= p_)
    sum += ((a % p_ + b % p_) % p_) * scale;
  return sum;
}

std::uint32_t GaloisField::neg(std::uint32_t a) const {
  assert(a < q_);
  if (p_ == 2) return a;
  std::uint32_t out = 0;
  for (std::uint32_t scale = 1; a != 0; scale *= p_, a /= p_)
    out += ((p_ - a % p_) % p_) * scale;
  return out;
}

std::uint32_t GaloisField::inv(std::uint32_t a) const {
  assert(a != 0 && a < q_);
  return exp_[(q_ - 1 - log_[a]) % (q_ - 1)];
}

}  // namespace cellkit

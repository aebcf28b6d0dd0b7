// GF(q): arithmetic in the finite field of prime-power order q <= 65,536, by tables.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "cellkit/base/status.h"

namespace cellkit {

// q = p^e with p prime, or nothing when q is not a prime power (q < 2 included).
struct PrimePower {
  std::uint32_t prime = 0;     // p
  std::uint32_t exponent = 0;  // e

  bool operator==(const PrimePower&) const = default;
};
std::optional<PrimePower> prime_power(std::uint32_t q);

// Elements are the integers 0..q-1: the base-p digits of an element are the coefficients of
// a polynomial over GF(p), reduced modulo the first monic primitive polynomial of degree e
// (in the order of its coefficients read as a base-p number). 0 and 1 are the field's zero
// and one. Multiplication goes through log/exp tables (about 12 bytes per element); addition
// is XOR for p = 2 and digit-wise modulo p otherwise. Arguments must be below order()
// (asserts); inv(0) is a bug.
class GaloisField {
 public:
  static constexpr std::uint32_t kMaxOrder = 65'536;

  // Fails (naming q) when q is not a prime power or exceeds kMaxOrder.
  static Result<GaloisField> make(std::uint32_t q);

  std::uint32_t order() const { return q_; }
  std::uint32_t characteristic() const { return p_; }
  std::uint32_t add(std::uint32_t a, std::uint32_t b) const;
  std::uint32_t neg(std::uint32_t a) const;
  std::uint32_t sub(std::uint32_t a, std::uint32_t b) const { return add(a, neg(b)); }
  std::uint32_t mul(std::uint32_t a, std::uint32_t b) const {
    return (a == 0 || b == 0) ? 0 : exp_[log_[a] + log_[b]];
  }
  std::uint32_t inv(std::uint32_t a) const;
  // A generator of the multiplicative group: every nonzero element is a power of it.
  std::uint32_t primitive() const { return exp_[1]; }

 private:
  GaloisField(std::uint32_t p, std::uint32_t e, std::uint32_t q) : p_(p), e_(e), q_(q) {}
  bool try_modulus(const std::vector<std::uint32_t>& low_coefficients);

  std::uint32_t p_;
  std::uint32_t e_;
  std::uint32_t q_;
  std::vector<std::uint32_t> exp_;  // exp_[i] = g^i for i < 2(q-1)
  std::vector<std::uint32_t> log_;  // log_[a] for a != 0
};

}  // namespace cellkit

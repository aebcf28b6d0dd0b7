// Exact 128-bit integer arithmetic for combinatorics: checked products, binomials, printing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cellkit/base/uint128.h"

namespace cellkit {

// a·b, or nothing when the product does not fit in 128 bits.
std::optional<UInt128> checked_mul(UInt128 a, UInt128 b);
// a+b, or nothing on overflow.
std::optional<UInt128> checked_add(UInt128 a, UInt128 b);

// C(n, k) exactly (0 when k > n), or nothing when it does not fit in 128 bits. Every
// intermediate value divides exactly, so no intermediate overflows unless the result would.
std::optional<UInt128> choose(std::uint64_t n, std::uint64_t k);

// C(t, 2): the number of unordered pairs among t items.
constexpr UInt128 pairs_of(std::uint64_t t) {
  if (t < 2) return 0;
  return t % 2 == 0 ? UInt128{t / 2} * (t - 1) : UInt128{t} * ((t - 1) / 2);
}

// Decimal digits ("730862190080") and with thousands separators ("730,862,190,080").
std::string to_decimal(UInt128 value);
std::string with_separators(UInt128 value);

// The value as a long double (rounded to 64 bits of mantissa).
long double to_long_double(UInt128 value);

// a/b rounded to the nearest integer, halves up; requires b > 0 and no overflow of a + b/2.
UInt128 divide_rounded(UInt128 a, UInt128 b);

}  // namespace cellkit

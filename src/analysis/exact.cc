// Checked 128-bit arithmetic and exact printing.
#include "cellkit/analysis/exact.h"

#include <algorithm>
#include <cassert>

namespace cellkit {
namespace {

UInt128 gcd(UInt128 a, UInt128 b) {
  while (b != 0) {
    const UInt128 r = a % b;
    a = b;
    b = r;
  }
  return a;
}

}  // namespace

std::optional<UInt128> checked_mul(UInt128 a, UInt128 b) {
  UInt128 product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

std::optional<UInt128> checked_add(UInt128 a, UInt128 b) {
  UInt128 sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

std::optional<UInt128> choose(std::uint64_t n, std::uint64_t k) {
  if (k > n) return UInt128{0};
  k = std::min(k, n - k);
  UInt128 result = 1;
  for (std::uint64_t i = 0; i < k; ++i) {
    // result·(n−i) is divisible by (i+1); dividing by the common factor first keeps the
    // product within range whenever the next value C(n, i+1) is.
    const UInt128 d = i + 1;
    const UInt128 g = gcd(result, d);
    const UInt128 factor = (n - i) / (d / g);
    const std::optional<UInt128> next = checked_mul(result / g, factor);
    if (!next) return std::nullopt;
    result = *next;
  }
  return result;
}

std::string to_decimal(UInt128 value) {
  if (value == 0) return "0";
  std::string digits;
  for (; value != 0; value /= 10)
    digits.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string with_separators(UInt128 value) {
  const std::string digits = to_decimal(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

long double to_long_double(UInt128 value) {
  const auto high = static_cast<std::uint64_t>(value >> 64);
  const auto low = static_cast<std::uint64_t>(value);
  return static_cast<long double>(high) * 18446744073709551616.0L + static_cast<long double>(low);
}

UInt128 divide_rounded(UInt128 a, UInt128 b) {
  assert(b > 0);
  return (a + b / 2) / b;
}

}  // namespace cellkit

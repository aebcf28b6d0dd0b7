// Names for cells added to a fleet: the fleet's own scheme when one is evident, or a prefix.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cellkit {

// Names of the form <prefix><number>: "cell-7", "a3", "use1-cell-007" (width 3 keeps zeros).
struct NameScheme {
  std::string prefix;
  std::uint64_t next = 0;  // the number the next name takes
  std::size_t width = 0;   // digits, zero-padded; 0 = as many as the number needs

  // The next name; advances `next`.
  std::string take();
};

// The scheme every one of `names` follows: one prefix followed by a decimal number (zero
// padding kept when all numbers have the same number of digits and one starts with 0), next
// one past the largest number. Nothing when `names` is empty or any name does not fit.
std::optional<NameScheme> evident_scheme(std::span<const std::string> names);

// The scheme of `prefix`: next one past the largest number any name `prefix`<digits> in
// `names` uses, 0 when none does.
NameScheme prefix_scheme(std::string_view prefix, std::span<const std::string> names);

}  // namespace cellkit

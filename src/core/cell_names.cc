// Naming schemes for added cells.
#include "cellkit/core/cell_names.h"

#include <algorithm>

#include <fmt/format.h>

namespace cellkit {
namespace {

// "cell-07" splits into "cell-" and "07"; a name without trailing digits has none.
std::pair<std::string_view, std::string_view> split(std::string_view name) {
  std::size_t digits = name.size();
  while (digits > 0 && name[digits - 1] >= '0' && name[digits - 1] <= '9')
    --digits;
  return {name.substr(0, digits), name.substr(digits)};
}

// Numbers of more than 18 digits are not a counting scheme; they would overflow.
std::optional<std::uint64_t> number_of(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : digits)
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  return n;
}

}  // namespace

std::string NameScheme::take() {
  return fmt::format("{}{:0{}}", prefix, next++, width);
}

std::optional<NameScheme> evident_scheme(std::span<const std::string> names) {
  if (names.empty()) return std::nullopt;
  NameScheme scheme{.prefix = std::string(split(names.front()).first)};
  std::optional<std::size_t> same_width;
  bool padded = false;
  for (const std::string& name : names) {
    const auto [prefix, digits] = split(name);
    const std::optional<std::uint64_t> n = number_of(digits);
    if (prefix != scheme.prefix || !n) return std::nullopt;
    scheme.next = std::max(scheme.next, *n + 1);
    padded = padded || (digits.size() > 1 && digits[0] == '0');
    same_width = (!same_width || *same_width == digits.size()) ? digits.size() : 0;
  }
  if (padded && same_width.value_or(0) > 0) scheme.width = *same_width;
  return scheme;
}

NameScheme prefix_scheme(std::string_view prefix, std::span<const std::string> names) {
  NameScheme scheme{.prefix = std::string(prefix)};
  for (const std::string& name : names) {
    const auto [head, digits] = split(name);
    if (head != prefix) continue;
    if (const std::optional<std::uint64_t> n = number_of(digits)) {
      scheme.next = std::max(scheme.next, *n + 1);
    }
  }
  return scheme;
}

}  // namespace cellkit

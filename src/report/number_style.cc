// The shared number style and aligned text tables of the terminal reports.
#include "cellkit/report/number_style.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <fmt/format.h>

namespace cellkit {
namespace {

constexpr int kMostDecimals = 18;

// Inserts a separator every three digits of the whole part of "-1234567.89".
std::string group_thousands(const std::string& digits) {
  const std::size_t sign = (!digits.empty() && digits[0] == '-') ? 1 : 0;
  const std::size_t end = std::min(digits.find('.'), digits.size());
  std::string out = digits.substr(0, sign);
  for (std::size_t i = sign; i < end; ++i) {
    if (i > sign && (end - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out + digits.substr(end);
}

// Display width: UTF-8 continuation bytes take no column ("±", "²").
std::size_t columns_of(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string format_count(std::uint64_t n) {
  return group_thousands(std::to_string(n));
}

std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  std::string text = fmt::format("{:.{}f}", value, std::clamp(decimals, 0, kMostDecimals));
  // "-0.00" reads as a negative nothing.
  if (text.find_first_not_of("-0.") == std::string::npos && text[0] == '-') text.erase(0, 1);
  return group_thousands(text);
}

int decimals_for(double value, int least) {
  const double magnitude = std::fabs(value);
  if (magnitude == 0 || !std::isfinite(magnitude) || magnitude >= 1) return least;
  // 3 significant digits: the first non-zero decimal is at -floor(log10) places.
  const int first = static_cast<int>(-std::floor(std::log10(magnitude)));
  return std::clamp(first + 2, least, std::max(least, kMostDecimals));
}

int decimals_for(std::span<const double> values, int least) {
  int decimals = least;
  for (double v : values)
    decimals = std::max(decimals, decimals_for(v, least));
  return decimals;
}

std::string format_probability(double p) {
  return format_fixed(p, decimals_for(p, 6));
}

std::string format_measure(double value) {
  return format_fixed(value, 2);
}

std::string format_percent(double share) {
  return format_fixed(100.0 * share, 3) + "%";
}

std::string format_csv_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  constexpr int kSignificant = 6;
  const double magnitude = std::fabs(value);
  const int whole_digits =
      magnitude == 0 ? 1 : static_cast<int>(std::floor(std::log10(magnitude))) + 1;
  const int decimals = std::clamp(kSignificant - whole_digits, 0, kMostDecimals);
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

TextTable::TextTable(std::vector<TextColumn> columns) : columns_(std::move(columns)) {}

void TextTable::add_row(std::vector<std::string> cells) {
  assert(cells.size() == columns_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::render(std::size_t indent) const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    width[c] = columns_of(columns_[c].header);
    for (const auto& row : rows_)
      width[c] = std::max(width[c], columns_of(row[c]));
  }
  std::string out;
  const auto line = [&](auto cell_of) {
    std::string text(indent, ' ');
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const std::string& cell = cell_of(c);
      const std::string pad(width[c] - columns_of(cell), ' ');
      if (c > 0) text += "  ";
      text += columns_[c].align == Align::kRight ? pad + cell : cell + pad;
    }
    text.erase(text.find_last_not_of(' ') + 1);
    out += text + '\n';
  };
  const bool headed = std::any_of(columns_.begin(), columns_.end(),
                                  [](const TextColumn& c) { return !c.header.empty(); });
  if (headed) line([&](std::size_t c) -> const std::string& { return columns_[c].header; });
  for (const auto& row : rows_)
    line([&](std::size_t c) -> const std::string& { return row[c]; });
  return out;
}

}  // namespace cellkit

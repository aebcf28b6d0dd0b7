// One number style for every text report: counts with thousands separators, everything else
// with fixed decimals, never an exponent; and tables whose columns line up.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace cellkit {

// A count: "1,234,567".
std::string format_count(std::uint64_t n);

// `value` with exactly `decimals` decimals and thousands separators on the whole part:
// "1,234.50". Never an exponent; a value that is not finite prints as "n/a".
std::string format_fixed(double value, int decimals);

// The decimals that show `value` with at least 3 significant digits and never fewer than
// `least`: 6 for 0.5 (least 6), 9 for 0.000000255. At most 18 (smaller values print as 0).
int decimals_for(double value, int least);

// The decimals one column of `values` needs so that every value shows 3 significant digits
// (and never fewer than `least`); the column then lines up on its decimal point.
int decimals_for(std::span<const double> values, int least);

// A probability or share of 1: 6 decimals, more when 3 significant digits need them:
// "0.847174", "0.000000255".
std::string format_probability(double p);

// A measured value (mean, standard deviation, weight, expected count, factor): 2 decimals,
// "19.60", "156,848.59".
std::string format_measure(double value);

// A share of 1 as a percentage with 3 decimals: 0.120202 prints "12.020%".
std::string format_percent(double share);

// A number in a CSV file: 6 significant digits (all the digits of a larger whole part),
// trailing zeros dropped, never an exponent and no thousands separators, so every CSV reader
// takes it as one number: 0.000004 prints "0.000004" (not "4e-06"), 1234567.8 "1234568",
// 0.5 "0.5", 2 "2". A value that is not finite prints "nan", "inf" or "-inf".
std::string format_csv_number(double value);

enum class Align : std::uint8_t { kLeft, kRight };

struct TextColumn {
  std::string header;
  Align align = Align::kRight;  // numbers right, names left
};

// A table for the terminal: each column as wide as its widest cell, two spaces apart, each
// line indented; no trailing spaces; no header line when every header is empty. Rows must
// have one cell per column (asserted).
class TextTable {
 public:
  explicit TextTable(std::vector<TextColumn> columns);
  void add_row(std::vector<std::string> cells);
  // Every line ends with a newline; `indent` spaces before each.
  std::string render(std::size_t indent = 2) const;

 private:
  std::vector<TextColumn> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace cellkit

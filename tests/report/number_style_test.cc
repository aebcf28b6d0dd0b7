#include "cellkit/report/number_style.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace cellkit {
namespace {

TEST(NumberStyle, CountsCarryThousandsSeparators) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1000), "1,000");
  EXPECT_EQ(format_count(18446744073709551615ull), "18,446,744,073,709,551,615");
}

TEST(NumberStyle, FixedDecimalsNeverUseAnExponent) {
  EXPECT_EQ(format_fixed(1234567.891, 2), "1,234,567.89");
  EXPECT_EQ(format_fixed(4e-06, 6), "0.000004");
  EXPECT_EQ(format_fixed(1e20, 0), "100,000,000,000,000,000,000");
  EXPECT_EQ(format_fixed(-1234.5, 1), "-1,234.5");
  EXPECT_EQ(format_fixed(-0.0001, 2), "0.00");
  EXPECT_EQ(format_fixed(1.0 / 0.0, 2), "n/a");
}

TEST(NumberStyle, ProbabilitiesKeepThreeSignificantDigits) {
  EXPECT_EQ(format_probability(0.847174034), "0.847174");
  EXPECT_EQ(format_probability(2.55022e-07), "0.000000255");
  EXPECT_EQ(format_probability(0.04), "0.040000");
  EXPECT_EQ(format_probability(0), "0.000000");
  const std::vector<double> column = {0.5, 9.79286e-05};
  EXPECT_EQ(decimals_for(column, 6), 7);
}

TEST(NumberStyle, MeasuresHaveTwoDecimals) {
  EXPECT_EQ(format_measure(19.5959), "19.60");
  EXPECT_EQ(format_measure(156848.6), "156,848.60");
}

TEST(NumberStyle, CsvNumbersHaveSixSignificantDigitsAndNoExponentOrSeparator) {
  EXPECT_EQ(format_csv_number(0.000004), "0.000004");
  EXPECT_EQ(format_csv_number(0.0000012345678), "0.00000123457");
  EXPECT_EQ(format_csv_number(0.999123456), "0.999123");
  EXPECT_EQ(format_csv_number(1234567.8), "1234568");
  EXPECT_EQ(format_csv_number(12.5), "12.5");
  EXPECT_EQ(format_csv_number(2), "2");
  EXPECT_EQ(format_csv_number(0), "0");
  EXPECT_EQ(format_csv_number(-0.0), "0");
  EXPECT_EQ(format_csv_number(-0.0000000001), "-0.0000000001");
  EXPECT_EQ(format_csv_number(-3.25), "-3.25");
  EXPECT_EQ(format_csv_number(999999.7), "1000000");
  EXPECT_EQ(format_csv_number(std::numeric_limits<double>::infinity()), "inf");
}

TEST(TextTable, ColumnsAreAsWideAsTheirWidestCellAndLineUp) {
  TextTable table({{"name", Align::kLeft}, {"count"}, {"", Align::kLeft}});
  table.add_row({"cell-1", "7", ""});
  table.add_row({"a", "1,234", "poison"});
  EXPECT_EQ(table.render(),
            "  name    count\n"
            "  cell-1      7\n"
            "  a       1,234  poison\n");
}

TEST(TextTable, CountsColumnsNotBytesOfUtf8) {
  TextTable table({{"", Align::kLeft}, {""}});
  table.add_row({"±", "1"});
  table.add_row({"ab", "2"});
  EXPECT_EQ(table.render(0), "±   1\nab  2\n");
}

}  // namespace
}  // namespace cellkit

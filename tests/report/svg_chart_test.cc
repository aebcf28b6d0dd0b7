// Charts: one <g class="series"> per series, deterministic bytes, min/max downsampling that
// keeps every spike while bounding the size, log scales, escaping.
#include "cellkit/report/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "report/svg_scale.h"

namespace cellkit::chart {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

Chart line_chart(std::size_t points) {
  Chart c{.id = "c", .title = "Does it fit?", .kind = Kind::kLine};
  c.x.label = "time (s)";
  c.y.label = "requests";
  Series s{.name = "a"};
  for (std::size_t i = 0; i < points; ++i) {
    s.x.push_back(static_cast<double>(i));
    s.y.push_back(i == points / 3 ? 1000.0 : std::sin(static_cast<double>(i)));
  }
  c.series.push_back(s);
  return c;
}

TEST(SvgChart, DrawsOneGroupPerSeriesAndSaysHowMany) {
  Chart c = line_chart(10);
  c.series.push_back(c.series.front());
  c.series.back().name = "b";
  const std::string svg = render_svg(c);
  EXPECT_EQ(count(svg, "<g class=\"series\""), 2u);
  EXPECT_NE(svg.find("data-series=\"2\""), std::string::npos);
  EXPECT_NE(svg.find("Does it fit?"), std::string::npos);
}

TEST(SvgChart, SameChartGivesSameBytes) {
  EXPECT_EQ(render_svg(line_chart(5000)), render_svg(line_chart(5000)));
}

TEST(SvgChart, AMillionPointsCostAtMostTwoPerPixelColumnAndKeepTheSpike) {
  const Chart c = line_chart(1'000'000);
  const std::string svg = render_svg(c);
  // The plot is under 900 px wide: at most two points per column.
  EXPECT_LT(count(svg, " L"), 2u * 900);
  EXPECT_LT(svg.size(), 40'000u);
  // The spike of 1000 reaches the top of the plot (y = 64.0, the frame's top).
  EXPECT_NE(svg.find(",64.0"), std::string::npos);
}

TEST(SvgScale, ColumnsKeepTheLeastAndLargestInOrder) {
  using report_internal::Columns;
  using report_internal::Scale;
  const Scale x = Scale::make(0, 10, 0, 10, false, true);
  const Scale y = Scale::make(0, 100, 100, 0, false, true);
  Columns columns(x, y);
  for (double v : {50.0, 90.0, 10.0, 60.0})
    columns.add(2.0, v);  // one column
  columns.add(5.0, 30.0);
  const auto points = columns.points();
  ASSERT_EQ(points.size(), 3u);
  EXPECT_DOUBLE_EQ(points[0].second, 10.0);  // 90 came first: the top (y px 10)
  EXPECT_DOUBLE_EQ(points[1].second, 90.0);  // then 10
  EXPECT_DOUBLE_EQ(points[2].first, 5.0);
}

TEST(SvgScale, LogTicksAreWholeDecades) {
  const auto s = report_internal::Scale::make(3, 4500, 0, 100, true, false);
  EXPECT_EQ(s.ticks(), (std::vector<double>{1, 10, 100, 1000, 10000}));
}

TEST(SvgScale, LinearTicksAreRound) {
  const auto s = report_internal::Scale::make(0, 37, 0, 100, false, false);
  EXPECT_EQ(s.ticks(), (std::vector<double>{0, 10, 20, 30, 40}));
}

TEST(SvgChart, BarsBeyondFourPixelsEachAreBucketed) {
  Chart c{.id = "bars", .title = "t", .kind = Kind::kBars};
  Series s{.name = "load"};
  for (int i = 0; i < 10'000; ++i) {
    c.categories.push_back("cell-" + std::to_string(i));
    s.y.push_back(i % 7);
  }
  c.series.push_back(s);
  const std::string svg = render_svg(c);
  EXPECT_LE(count(svg, "<rect class=\"bar"), 2u * 216);
}

TEST(SvgChart, LogScaleLeavesOutZeroBars) {
  Chart c{.id = "o", .title = "t", .kind = Kind::kBars};
  c.y.log = true;
  c.categories = {"0", "1", "2"};
  c.series.push_back({.name = "pairs", .y = {100, 0, 3}});
  EXPECT_EQ(count(render_svg(c), "<rect class=\"bar\""), 2u);
}

TEST(SvgChart, EscapesTextFromUsers) {
  Chart c = line_chart(3);
  c.series.front().name = "<script>&\"";
  const std::string svg = render_svg(c);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;&amp;&quot;"), std::string::npos);
}

TEST(FormatNumber, IsCompactAndIgnoresTheLocale) {
  EXPECT_EQ(format_number(12345), "12,345");
  EXPECT_EQ(format_number(0.5), "0.5");
  EXPECT_EQ(format_number(2'500'000), "2.5M");
  EXPECT_EQ(format_number(7), "7");
}

}  // namespace
}  // namespace cellkit::chart

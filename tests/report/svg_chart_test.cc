// Charts: one <g class="series"> per series, deterministic bytes, min/max downsampling that
// keeps every spike while bounding the size, log scales, escaping.
#include "cellkit/report/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <string>
#include <utility>

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
}

const std::string kStyle =
    "<style>.title{font:bold 15px sans-serif}text{font:12px sans-serif;fill:#222}"
    ".grid{stroke:#e3e3e3}.axis,.tickmark{stroke:#444}.line{fill:none;stroke-width:1.8}"
    ".dashed{stroke-dasharray:5 3}.band{opacity:.22;stroke:none}.area{stroke:none;opacity:.9}"
    ".range{opacity:.4}.whisker{stroke:#222;stroke-width:1.2;fill:none}.markers "
    "line{stroke:#b00;stroke-dasharray:3 3}.markers path{fill:#b00}"
    ".note{fill:#555;font-size:11px}</style>";

// A grid line and its label at pixel row `y` (the label 4 px lower).
std::string grid(const std::string& y, const std::string& label_y, const std::string& label) {
  return R"(<line class="grid" x1="76.0" x2="176.0" y1=")" + y + R"(" y2=")" + y + R"("/>)" +
         R"(<text class="tick" x="70.0" y=")" + label_y + R"(" text-anchor="end">)" + label +
         "</text>";
}

// 200 × 140 px: the plot spans x 76..176 and y 84 (bottom) .. 64 (top). Text from users is
// escaped in the legend, the series' name, the markers' titles.
TEST(SvgChart, ALineChartIsItsFrameLegendLineAxesAndMarkersExactly) {
  Chart c{.id = "l", .title = "Up?", .kind = Kind::kLine, .width = 200, .height = 140};
  c.x.label = "time (s)";
  c.y.label = "n";
  c.series = {
      {.name = "a<\"b", .x = {0, 1, 2}, .y = {0, 2, 1}, .color = "#123456", .dashed = true}};
  // Two markers in one pixel column (x 1 and 1.004 are both column 126) are drawn once.
  c.markers = {{.x = 1, .label = "deploy"}, {.x = 1.004, .label = "b&c"}};
  std::string ticks;
  for (const auto& [x, label] :
       {std::pair{"76.0", "0"}, std::pair{"101.0", "0.5"}, std::pair{"126.0", "1"},
        std::pair{"151.0", "1.5"}, std::pair{"176.0", "2"}}) {
    ticks += std::string(R"(<line class="tickmark" x1=")") + x + R"(" x2=")" + x +
             R"(" y1="84.0" y2="89.0"/><text class="tick" x=")" + x +
             R"(" y="102.0" text-anchor="middle">)" + label + "</text>";
  }
  EXPECT_EQ(
      render_svg(c),
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="l" viewBox="0 0 200 140" )"
      R"(width="200" height="140" role="img" aria-label="Up?" data-series="1">)" +
          kStyle + R"(<text class="title" x="76.0" y="22">Up?</text>)" +
          R"(<g class="legend-item"><rect x="76.0" y="34.0" width="12" height="12" )"
          R"(fill="#123456"/><text x="92.0" y="44.0">a&lt;&quot;b</text></g>)" +
          grid("84.0", "88.0", "0") + grid("79.0", "83.0", "0.5") + grid("74.0", "78.0", "1") +
          grid("69.0", "73.0", "1.5") + grid("64.0", "68.0", "2") +
          R"svg(<text class="axis-label" x="14" y="74.0" text-anchor="middle" transform="rotate(-90 14 74.0)">n</text>)svg"
          R"(<g class="series" data-name="a&lt;&quot;b"><title>a&lt;&quot;b</title>)"
          R"(<path class="line dashed" d="M76.0,84.0 L126.0,64.0 L176.0,74.0" )"
          R"(stroke="#123456"/></g>)"
          R"(<line class="axis" x1="76.0" x2="176.0" y1="84.0" y2="84.0"/>)" +
          ticks +
          R"(<text class="axis-label" x="126.0" y="126.0" text-anchor="middle">)"
          R"(time (s)</text>)"
          R"(<g class="markers"><g class="marker"><title>deploy; b&amp;c</title>)"
          R"(<line x1="126" x2="126" y1="64.0" y2="84.0"/><path d="M126,64.0 l-4,-7 h8 Z"/>)"
          R"(</g></g></svg>)");
}

// 200 × 140 px, two categories of one series with whiskers (lo..hi), and a note.
TEST(SvgChart, ABarChartIsItsFrameBarsWhiskersCategoriesAndNoteExactly) {
  Chart c{.id = "b", .title = "t", .kind = Kind::kBars, .width = 200, .height = 140};
  c.categories = {"x", "y"};
  c.series = {{.name = "n", .y = {1, 3}, .lo = {0.5, 2}, .hi = {1.5, 3}}};
  c.note = "n & m";
  EXPECT_EQ(
      render_svg(c),
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="b" viewBox="0 0 200 140" )"
      R"(width="200" height="140" role="img" aria-label="t" data-series="1">)" +
          kStyle + R"(<text class="title" x="76.0" y="22">t</text>)" +
          R"(<g class="legend-item"><rect x="76.0" y="34.0" width="12" height="12" )"
          R"(fill="#0072B2"/><text x="92.0" y="44.0">n</text></g>)" +
          grid("84.0", "88.0", "0") + grid("77.3", "81.3", "1") + grid("70.7", "74.7", "2") +
          grid("64.0", "68.0", "3") +
          R"svg(<text class="axis-label" x="14" y="74.0" text-anchor="middle" transform="rotate(-90 14 74.0)"></text>)svg"
          R"(<g class="series" data-name="n"><title>n</title>)"
          R"(<rect class="bar" x="81.0" y="77.3" width="40.0" height="6.7" fill="#0072B2"/>)"
          R"(<path class="whisker" d="M101.0,80.7 V74.0 M97.0,74.0 H105.0 M97.0,80.7 H105.0"/>)"
          R"(<rect class="bar" x="131.0" y="64.0" width="40.0" height="20.0" fill="#0072B2"/>)"
          R"(<path class="whisker" d="M151.0,70.7 V64.0 M147.0,64.0 H155.0 M147.0,70.7 H155.0"/>)"
          R"(</g><line class="axis" x1="76.0" x2="176.0" y1="84.0" y2="84.0"/>)"
          R"(<text class="tick" x="101.0" y="102.0" text-anchor="middle">x</text>)"
          R"(<text class="tick" x="151.0" y="102.0" text-anchor="middle">y</text>)"
          R"(<text class="axis-label" x="126.0" y="126.0" text-anchor="middle"></text>)"
          R"(<text class="note" x="176.0" y="138.0" text-anchor="end">n &amp; m</text>)"
          R"(</svg>)");
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

TEST(FormatNumber, IsCompactAndIgnoresTheLocale) {
  EXPECT_EQ(format_number(12345), "12,345");
  EXPECT_EQ(format_number(0.5), "0.5");
  EXPECT_EQ(format_number(2'500'000), "2.5M");
  EXPECT_EQ(format_number(7), "7");
}

}  // namespace
}  // namespace cellkit::chart

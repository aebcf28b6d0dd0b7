// Charts as SVG text, generated here so reports need no script and their bytes are
// deterministic (golden tests pin them). Long series are downsampled to one min/max pair per
// pixel column, so a chart's size depends on its width, not on how many points it has.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace cellkit::chart {

enum class Kind {
  kLine,     // x/y series; `lo`/`hi` (when given) draw a band around the line
  kStacked,  // x/y series stacked bottom to top in order (areas)
  kBars,     // one value per category per series, grouped side by side
};

struct Series {
  std::string name;        // shown in the legend
  std::vector<double> x;   // kLine, kStacked: ascending; kBars: unused
  std::vector<double> y;   // one per x, or per category
  std::vector<double> lo;  // optional band (kLine): empty or one per x
  std::vector<double> hi;
  std::string color;  // "#rrggbb"; empty picks from the palette by position
  bool dashed = false;
};

// A vertical marker on the x axis (a fault, a deployment); `label` is its tooltip.
struct Marker {
  double x = 0;
  std::string label;
};

struct Axis {
  std::string label;        // with its unit: "time (s)", "requests per interval"
  bool log = false;         // log10 scale (values <= 0 are not drawn)
  bool percent = false;     // tick labels as percentages of 1
  double min = 0, max = 0;  // fixed range when min < max; otherwise from the data (from 0)
};

struct Chart {
  std::string id;     // DOM id, unique in a page ("outcomes")
  std::string title;  // the question the chart answers
  Kind kind = Kind::kLine;
  Axis x, y;
  std::vector<std::string> categories;  // kBars: one per value
  std::vector<Series> series;
  std::vector<Marker> markers;
  std::string note;  // one line under the plot (how it was drawn, what was left out)
  int width = 960, height = 340;
};

// The chart as one <svg> element (no XML prolog), ready to inline in HTML or save as a
// file. Every series is a <g class="series" data-name="..."> so tests can count them. The
// same chart gives the same bytes.
std::string render_svg(const Chart& chart);

// The Okabe–Ito colour-blind-safe palette used when a series names no colour.
const std::string& palette(std::size_t index);

// Text safe inside XML/HTML element content and attribute values.
std::string escape_xml(std::string_view text);

// A compact tick or table label: 1234 → "1,234", 0.5 → "0.5", 2.5e6 → "2.5M".
std::string format_number(double value);

}  // namespace cellkit::chart

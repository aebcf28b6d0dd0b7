// Charts as SVG: frame (title, legend, axes, grid), then lines, stacked areas or bars.
#include "cellkit/report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "report/svg_scale.h"

namespace cellkit::chart {
namespace {

using report_internal::Columns;
using report_internal::Scale;

constexpr double kLeft = 76, kRight = 24, kTop = 64, kBottom = 56;

struct Frame {
  Scale x, y;
  double top = 0, bottom = 0, left = 0, right = 0;
};

std::string px(double v) {
  return fmt::format("{:.1f}", v);
}

std::string color_of(const Series& s, std::size_t i) {
  return s.color.empty() ? palette(i) : s.color;
}

double finite_or(double v, double fallback) {
  return std::isfinite(v) ? v : fallback;
}

// The data's extent on y: stacked totals, bands and values; 0 is always included.
std::pair<double, double> y_extent(const Chart& c) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  const auto take = [&](double v) {
    if (!std::isfinite(v) || (c.y.log && v <= 0)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  };
  if (c.kind == Kind::kStacked && !c.series.empty()) {
    for (std::size_t i = 0; i < c.series.front().y.size(); ++i) {
      double sum = 0;
      for (const Series& s : c.series)
        sum += i < s.y.size() ? s.y[i] : 0;
      take(sum);
    }
  } else {
    for (const Series& s : c.series) {
      for (double v : s.y)
        take(v);
      for (double v : s.hi)
        take(v);
      for (double v : s.lo)
        take(v);
    }
  }
  lo = c.y.log ? std::min(finite_or(lo, 1), 1.0) : std::min(finite_or(lo, 0), 0.0);
  return {finite_or(lo, c.y.log ? 1 : 0), finite_or(hi, 1)};
}

std::pair<double, double> x_extent(const Chart& c) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const Series& s : c.series) {
    for (double v : s.x) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  return {finite_or(lo, 0), finite_or(hi, 1)};
}

Scale make_scale(const Axis& a, std::pair<double, double> extent, double from, double to) {
  if (a.min < a.max) extent = {a.min, a.max};
  return Scale::make(extent.first, extent.second, from, to, a.log, a.min < a.max);
}

Frame make_frame(const Chart& c) {
  Frame f;
  f.left = kLeft;
  f.right = c.width - kRight;
  f.top = kTop;
  f.bottom = c.height - kBottom;
  f.y = make_scale(c.y, y_extent(c), f.bottom, f.top);
  if (c.kind == Kind::kBars) {
    f.x = Scale::make(0, std::max<double>(1, static_cast<double>(c.categories.size())), f.left,
                      f.right, false, true);
  } else {
    f.x = make_scale(c.x, x_extent(c), f.left, f.right);
  }
  return f;
}

std::string tick_label(const Axis& a, double v) {
  if (a.percent) return format_number(v * 100) + "%";
  return format_number(v);
}

void title_and_legend(const Chart& c, std::string& out) {
  out +=
      fmt::format(R"(<text class="title" x="{}" y="22">{}</text>)", px(kLeft), escape_xml(c.title));
  double x = kLeft, y = 44;
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    const double w = 30 + 7.2 * static_cast<double>(s.name.size());
    if (x + w > c.width - kRight && x > kLeft) {
      x = kLeft;
      y += 16;
    }
    out += fmt::format(
        R"(<g class="legend-item"><rect x="{}" y="{}" width="12" height="12" fill="{}"/>)"
        R"(<text x="{}" y="{}">{}</text></g>)",
        px(x), px(y - 10), color_of(s, i), px(x + 16), px(y), escape_xml(s.name));
    x += w;
  }
}

void y_axis(const Chart& c, const Frame& f, std::string& out) {
  for (double t : f.y.ticks()) {
    const double y = f.y(t);
    out += fmt::format(R"(<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>)", px(f.left),
                       px(f.right), px(y), px(y));
    out += fmt::format(R"(<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>)",
                       px(f.left - 6), px(y + 4), tick_label(c.y, t));
  }
  const double mid = (f.top + f.bottom) / 2;
  out += fmt::format(
      R"svg(<text class="axis-label" x="14" y="{}" text-anchor="middle" transform="rotate(-90 14 {})">{}</text>)svg",
      px(mid), px(mid), escape_xml(c.y.label));
}

void x_ticks_numeric(const Chart& c, const Frame& f, std::string& out) {
  for (double t : f.x.ticks()) {
    const double x = f.x(t);
    out += fmt::format(R"(<line class="tickmark" x1="{}" x2="{}" y1="{}" y2="{}"/>)", px(x), px(x),
                       px(f.bottom), px(f.bottom + 5));
    out += fmt::format(R"(<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>)", px(x),
                       px(f.bottom + 18), tick_label(c.x, t));
  }
}

void x_ticks_categories(const Chart& c, const Frame& f, std::string& out) {
  const std::size_t n = c.categories.size();
  const std::size_t every = std::max<std::size_t>(1, (n + 11) / 12);
  for (std::size_t i = 0; i < n; i += every) {
    const double x = f.x(static_cast<double>(i) + 0.5);
    out += fmt::format(R"(<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>)", px(x),
                       px(f.bottom + 18), escape_xml(c.categories[i]));
  }
}

void x_axis(const Chart& c, const Frame& f, std::string& out) {
  out += fmt::format(R"(<line class="axis" x1="{}" x2="{}" y1="{}" y2="{}"/>)", px(f.left),
                     px(f.right), px(f.bottom), px(f.bottom));
  if (c.kind == Kind::kBars) {
    x_ticks_categories(c, f, out);
  } else {
    x_ticks_numeric(c, f, out);
  }
  out += fmt::format(R"(<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>)",
                     px((f.left + f.right) / 2), px(c.height - 14.0), escape_xml(c.x.label));
}

// "M x,y L x,y ..." through the points, one min/max pair per pixel column.
std::string polyline(const Frame& f, const std::vector<double>& xs, const std::vector<double>& ys) {
  std::string d;
  Columns columns(f.x, f.y);
  for (std::size_t i = 0; i < xs.size() && i < ys.size(); ++i)
    columns.add(xs[i], ys[i]);
  for (const auto& [x, y] : columns.points()) {
    d += fmt::format("{}{},{}", d.empty() ? "M" : " L", px(x), px(y));
  }
  return d;
}

// The reversed points of a polyline string's coordinates, for closing an area.
std::string reversed(const std::string& d) {
  std::vector<std::string> points;
  std::size_t at = 0;
  while (at < d.size()) {
    const std::size_t start = d.find_first_of("0123456789-", at);
    if (start == std::string::npos) break;
    const std::size_t end = d.find(' ', start);
    points.push_back(d.substr(start, end == std::string::npos ? end : end - start));
    at = end == std::string::npos ? d.size() : end + 1;
  }
  std::string r;
  for (auto it = points.rbegin(); it != points.rend(); ++it)
    r += " L" + *it;
  return r;
}

std::string open_series(const Series& s) {
  return fmt::format(R"(<g class="series" data-name="{}"><title>{}</title>)", escape_xml(s.name),
                     escape_xml(s.name));
}

void lines(const Chart& c, const Frame& f, std::string& out) {
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    out += open_series(s);
    const std::string color = color_of(s, i);
    if (!s.lo.empty() && !s.hi.empty()) {
      const std::string top = polyline(f, s.x, s.hi);
      out += fmt::format(R"(<path class="band" d="{}{} Z" fill="{}"/>)", top,
                         reversed(polyline(f, s.x, s.lo)), color);
    }
    out += fmt::format(R"(<path class="line{}" d="{}" stroke="{}"/></g>)",
                       s.dashed ? " dashed" : "", polyline(f, s.x, s.y), color);
  }
}

void stacked(const Chart& c, const Frame& f, std::string& out) {
  if (c.series.empty()) return;
  const std::vector<double>& xs = c.series.front().x;
  std::vector<double> below(xs.size(), 0), above(xs.size(), 0);
  std::string lower = polyline(f, xs, below);
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    for (std::size_t p = 0; p < xs.size(); ++p)
      above[p] = below[p] + (p < s.y.size() ? s.y[p] : 0);
    const std::string upper = polyline(f, xs, above);
    out += open_series(s);
    out += fmt::format(R"(<path class="area" d="{}{} Z" fill="{}"/></g>)", upper, reversed(lower),
                       color_of(s, i));
    lower = upper;
    below = above;
  }
}

void bar(const Frame& f, double x, double w, double value, const std::string& color,
         const char* cls, std::string& out) {
  if (!std::isfinite(value) || (f.y.log() && value <= 0)) return;
  const double base = f.y(f.y.log() ? f.y.floor() : std::max(0.0, f.y.floor()));
  const double top = f.y(value);
  out += fmt::format(R"(<rect class="{}" x="{}" y="{}" width="{}" height="{}" fill="{}"/>)", cls,
                     px(x), px(std::min(top, base)), px(w), px(std::abs(base - top)), color);
}

// An error bar from lo to hi (a confidence interval) over a bar's centre.
void whisker(const Frame& f, double x, double lo, double hi, std::string& out) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || hi <= lo) return;
  const double top = f.y(hi), bottom = f.y(lo);
  out += fmt::format(R"(<path class="whisker" d="M{},{} V{} M{},{} H{} M{},{} H{}"/>)", px(x),
                     px(bottom), px(top), px(x - 4), px(top), px(x + 4), px(x - 4), px(bottom),
                     px(x + 4));
}

// Bars, grouped per category; more categories than fit four pixels each are bucketed, each
// bucket drawn from its least (solid) to its largest value (light).
void bars(const Chart& c, const Frame& f, std::string& out) {
  const std::size_t n = c.categories.size();
  const std::size_t buckets =
      std::min<std::size_t>(n, static_cast<std::size_t>((f.right - f.left) / 4));
  const double slot = (f.right - f.left) / static_cast<double>(std::max<std::size_t>(buckets, 1));
  const double width = slot * 0.8 / static_cast<double>(std::max<std::size_t>(c.series.size(), 1));
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    out += open_series(s);
    for (std::size_t b = 0; b < buckets; ++b) {
      const std::size_t from = b * n / buckets, to = (b + 1) * n / buckets;
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (std::size_t k = from; k < to && k < s.y.size(); ++k) {
        lo = std::min(lo, s.y[k]);
        hi = std::max(hi, s.y[k]);
      }
      const double x =
          f.left + slot * static_cast<double>(b) + slot * 0.1 + width * static_cast<double>(i);
      if (hi > lo) bar(f, x, width, hi, color_of(s, i), "bar range", out);
      bar(f, x, width, lo, color_of(s, i), "bar", out);
      if (buckets == n && b < s.lo.size() && b < s.hi.size())
        whisker(f, x + width / 2, s.lo[b], s.hi[b], out);
    }
    out += "</g>";
  }
}

// Markers in one pixel column are drawn once, their labels joined.
void markers(const Chart& c, const Frame& f, std::string& out) {
  std::vector<std::pair<long, std::string>> columns;
  for (const Marker& m : c.markers) {
    const long col = std::lround(f.x(m.x));
    if (!columns.empty() && columns.back().first == col) {
      columns.back().second += "; " + m.label;
    } else {
      columns.emplace_back(col, m.label);
    }
  }
  if (columns.empty()) return;
  out += R"(<g class="markers">)";
  for (const auto& [col, label] : columns) {
    const std::string text = label.size() > 300 ? label.substr(0, 297) + "..." : label;
    out +=
        fmt::format(R"(<g class="marker"><title>{}</title><line x1="{}" x2="{}" y1="{}" y2="{}"/>)"
                    R"(<path d="M{},{} l-4,-7 h8 Z"/></g>)",
                    escape_xml(text), col, col, px(f.top), px(f.bottom), col, px(f.top));
  }
  out += "</g>";
}

// 12345 → "12,345", whatever the process's locale says.
std::string thousands(long long v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

}  // namespace

const std::string& palette(std::size_t index) {
  static const std::vector<std::string> colors = {"#0072B2", "#E69F00", "#009E73",
                                                  "#D55E00", "#CC79A7", "#56B4E9",
                                                  "#999999", "#F0E442", "#000000"};
  return colors[index % colors.size()];
}

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string format_number(double v) {
  if (!std::isfinite(v)) return "n/a";
  const double a = std::abs(v);
  if (a >= 1e9) return fmt::format("{:.3g}G", v / 1e9);
  if (a >= 1e6) return fmt::format("{:.3g}M", v / 1e6);
  if (a >= 1e4 && std::floor(v) == v) return thousands(static_cast<long long>(v));
  if (a >= 1e4) return fmt::format("{:.4g}", v);
  if (std::floor(v) == v) return fmt::format("{}", static_cast<long long>(v));
  if (a >= 1e-3) return fmt::format("{:.4g}", v);
  return fmt::format("{:.2g}", v);
}

std::string render_svg(const Chart& c) {
  const Frame f = make_frame(c);
  std::string out = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{}" viewBox="0 0 {} {}" )"
      R"(width="{}" height="{}" role="img" aria-label="{}" data-series="{}">)",
      escape_xml(c.id), c.width, c.height, c.width, c.height, escape_xml(c.title), c.series.size());
  out +=
      "<style>.title{font:bold 15px sans-serif}text{font:12px sans-serif;fill:#222}"
      ".grid{stroke:#e3e3e3}.axis,.tickmark{stroke:#444}.line{fill:none;stroke-width:1.8}"
      ".dashed{stroke-dasharray:5 3}.band{opacity:.22;stroke:none}.area{stroke:none;opacity:.9}"
      ".range{opacity:.4}.whisker{stroke:#222;stroke-width:1.2;fill:none}.markers "
      "line{stroke:#b00;stroke-dasharray:3 3}.markers path{fill:#b00}"
      ".note{fill:#555;font-size:11px}</style>";
  title_and_legend(c, out);
  y_axis(c, f, out);
  switch (c.kind) {
    case Kind::kLine:
      lines(c, f, out);
      break;
    case Kind::kStacked:
      stacked(c, f, out);
      break;
    case Kind::kBars:
      bars(c, f, out);
      break;
  }
  x_axis(c, f, out);
  markers(c, f, out);
  if (!c.note.empty()) {
    out += fmt::format(R"(<text class="note" x="{}" y="{}" text-anchor="end">{}</text>)",
                       px(f.right), px(c.height - 2.0), escape_xml(c.note));
  }
  return out + "</svg>";
}

}  // namespace cellkit::chart

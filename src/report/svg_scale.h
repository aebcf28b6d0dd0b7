// Axis scales with round ticks, and the min/max-per-pixel-column downsampler of the charts.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace cellkit::report_internal {

// Maps values onto pixels, linearly or by log10. Unless fixed, the range is widened to round
// tick values (1, 2 or 5 × 10^n; whole decades on a log scale).
class Scale {
 public:
  static Scale make(double lo, double hi, double from, double to, bool log, bool fixed);
  double operator()(double v) const;  // clamped to the axis
  std::vector<double> ticks() const;
  double floor() const { return lo_; }
  bool log() const { return log_; }

 private:
  double lo_ = 0, hi_ = 1, from_ = 0, to_ = 1, step_ = 1;
  bool log_ = false;
};

// Collects points in x order and keeps, per pixel column, the least and the largest y in the
// order they came (the first alone when the column has one point), so a line over a million
// points keeps every spike and dip and costs at most two points per column.
class Columns {
 public:
  Columns(const Scale& x, const Scale& y) : x_(x), y_(y) {}
  void add(double x, double y);
  // Pixel coordinates, left to right.
  std::vector<std::pair<double, double>> points() const;

 private:
  struct Column {
    long pixel = 0;
    double min = 0, max = 0;
    std::size_t min_at = 0, max_at = 0;
  };
  const Scale& x_;
  const Scale& y_;
  std::vector<Column> columns_;
  std::size_t seen_ = 0;
};

}  // namespace cellkit::report_internal

// Axis scales and the per-pixel-column downsampler.
#include "report/svg_scale.h"

#include <algorithm>
#include <cmath>

namespace cellkit::report_internal {
namespace {

// The round step (1, 2 or 5 × 10^n) that cuts `range` into about `parts` pieces.
double nice_step(double range, int parts) {
  const double raw = range / parts;
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * decade >= raw) return m * decade;
  }
  return 10 * decade;
}

}  // namespace

Scale Scale::make(double lo, double hi, double from, double to, bool log, bool fixed) {
  Scale s;
  s.from_ = from;
  s.to_ = to;
  s.log_ = log;
  if (log) {
    lo = std::log10(lo > 0 ? lo : 1);
    hi = std::log10(hi > 0 ? hi : 1);
    if (!fixed) {
      lo = std::floor(lo);
      hi = std::ceil(hi);
    }
    if (hi <= lo) hi = lo + 1;
    s.step_ = hi - lo > 8 ? 2 : 1;
  } else {
    if (hi <= lo) hi = lo + 1;
    s.step_ = nice_step(hi - lo, 5);
    if (!fixed) {
      lo = std::floor(lo / s.step_) * s.step_;
      hi = std::ceil(hi / s.step_ - 1e-9) * s.step_;
    }
  }
  s.lo_ = log ? std::pow(10.0, lo) : lo;
  s.hi_ = log ? std::pow(10.0, hi) : hi;
  return s;
}

double Scale::operator()(double v) const {
  double a = lo_, b = hi_;
  if (log_) {
    v = std::log10(std::max(v, lo_));
    a = std::log10(lo_);
    b = std::log10(hi_);
  }
  const double t = std::clamp((v - a) / (b - a), 0.0, 1.0);
  return from_ + t * (to_ - from_);
}

std::vector<double> Scale::ticks() const {
  std::vector<double> out;
  if (log_) {
    const double a = std::log10(lo_), b = std::log10(hi_);
    for (double e = std::ceil(a - 1e-9); e <= b + 1e-9; e += step_)
      out.push_back(std::pow(10.0, e));
    return out;
  }
  const double first = std::ceil(lo_ / step_ - 1e-9);
  for (double i = first; i * step_ <= hi_ + step_ * 1e-9; i += 1) {
    const double v = i * step_;
    out.push_back(std::abs(v) < step_ * 1e-9 ? 0 : v);
  }
  return out;
}

void Columns::add(double x, double y) {
  const std::size_t at = seen_++;
  if (!std::isfinite(x) || !std::isfinite(y)) return;
  const long pixel = std::lround(x_(x));
  if (columns_.empty() || columns_.back().pixel != pixel) {
    columns_.push_back({pixel, y, y, at, at});
    return;
  }
  Column& c = columns_.back();
  if (y < c.min) {
    c.min = y;
    c.min_at = at;
  }
  if (y > c.max) {
    c.max = y;
    c.max_at = at;
  }
}

std::vector<std::pair<double, double>> Columns::points() const {
  std::vector<std::pair<double, double>> out;
  out.reserve(columns_.size() * 2);
  for (const Column& c : columns_) {
    const auto px = static_cast<double>(c.pixel);
    if (c.min_at == c.max_at) {
      out.emplace_back(px, y_(c.min));
    } else if (c.min_at < c.max_at) {
      out.emplace_back(px, y_(c.min));
      out.emplace_back(px, y_(c.max));
    } else {
      out.emplace_back(px, y_(c.max));
      out.emplace_back(px, y_(c.min));
    }
  }
  return out;
}

}  // namespace cellkit::report_internal

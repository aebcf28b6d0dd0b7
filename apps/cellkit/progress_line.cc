// The terminal progress line.
#include "progress_line.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cellkit/report/number_style.h"

namespace cellkit::cli {
namespace {

std::string clock(double s) {
  if (!std::isfinite(s) || s < 0) return "--";
  if (s < 60) return fmt::format("{:.1f}s", s);
  const auto whole = static_cast<long long>(s);
  if (whole < 3600) return fmt::format("{}m{:02}s", whole / 60, whole % 60);
  return fmt::format("{}h{:02}m", whole / 3600, (whole / 60) % 60);
}

}  // namespace

ProgressLine::ProgressLine(std::string label, bool quiet)
    : label_(std::move(label)),
      active_(!quiet && ::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_ - std::chrono::seconds(1)) {}

ProgressLine::~ProgressLine() {
  clear();
}

double ProgressLine::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string ProgressLine::format(std::string_view label, double done, double elapsed_s,
                                 std::string_view rate) {
  done = std::clamp(done, 0.0, 1.0);
  const double eta = done > 0 ? elapsed_s * (1 - done) / done : NAN;
  return fmt::format("{}: {:5.1f}%  elapsed {}  ETA {}  {}", label, 100 * done, clock(elapsed_s),
                     clock(eta), rate);
}

void ProgressLine::update(double done, std::string_view rate, bool force) {
  if (!active_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  std::fprintf(stderr, "\r%s\033[K", format(label_, done, elapsed(), rate).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

Progress tenant_progress(ProgressLine& line, std::uint64_t tenants) {
  Progress progress;
  if (!line.active() || tenants < kProgressTenants) return progress;
  progress.observer = [&line, tenants](std::uint64_t done, std::uint64_t total) {
    const double share = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
    const double elapsed = line.elapsed();
    const double rate = elapsed > 0 ? share * static_cast<double>(tenants) / elapsed : 0.0;
    line.update(share, format_count(static_cast<std::uint64_t>(rate)) + " tenants/s",
                done == total);
  };
  return progress;
}

}  // namespace cellkit::cli

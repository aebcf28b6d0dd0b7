// A progress line on stderr for long commands: percent, elapsed, ETA and a rate, redrawn at
// most 10 times a second, only when stderr is a terminal and --quiet was not given. Nothing
// it does reaches stdout or an output file.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "cellkit/base/progress.h"

namespace cellkit::cli {

// place, analyze and rebalance show a progress line from this many tenants on.
inline constexpr std::uint64_t kProgressTenants = 100'000;

class ProgressLine {
 public:
  // `label` starts the line ("simulate"). Inactive when `quiet` or stderr is not a terminal.
  ProgressLine(std::string label, bool quiet);
  ~ProgressLine();  // clears the line if one was drawn
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool active() const { return active_; }
  // `done` in [0, 1]; `rate` is shown as given ("1.2 M events/s"). Redraws only when 100 ms
  // have passed since the last redraw (or `force`).
  void update(double done, std::string_view rate, bool force = false);
  // Removes the line, so what follows on stderr starts on a clean line.
  void clear();
  // Seconds since the line was made.
  double elapsed() const;

  // The text of one redraw, without terminal control characters (tested).
  static std::string format(std::string_view label, double done, double elapsed_s,
                            std::string_view rate);

 private:
  std::string label_;
  bool active_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// A Progress (base/progress.h) that redraws `line` with the share done and tenants per
// second, for work over `tenants` tenants; its observer is empty (nothing is drawn) when the
// line is inactive or there are fewer than kProgressTenants tenants. `line` must outlive it.
Progress tenant_progress(ProgressLine& line, std::uint64_t tenants);

}  // namespace cellkit::cli

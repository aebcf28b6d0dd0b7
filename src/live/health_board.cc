// Ejection and return of cells.
#include "cellkit/live/health_board.h"

#include <algorithm>

namespace cellkit::live {

std::string_view to_string(EjectCause cause) {
  switch (cause) {
    case EjectCause::kCrash:
      return "crash";
    case EjectCause::kRefused:
      return "refused";
    case EjectCause::kErrors:
      return "errors";
    case EjectCause::kFailedChecks:
      return "failed_checks";
  }
  return "crash";
}

void HealthBoard::eject(CellId cell, EjectCause cause, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  eject_locked(cell, cells_[cell], cause, now);
}

void HealthBoard::eject_locked(CellId, State& s, EjectCause cause, Clock::time_point now) {
  ++s.ejections;
  ++by_cause_[static_cast<int>(cause)];
  const auto length =
      std::min<std::chrono::milliseconds>(rules_.ejection_base * s.ejections, rules_.ejection_max);
  s.until = now + length;
  s.passes = 0;
  s.failures = 0;
  if (s.healthy) {
    s.healthy = false;
    changed();
  }
}

bool HealthBoard::count_answer(CellId cell, bool is_5xx, std::uint32_t limit) {
  if (raw(cell) >= kCountedCells) {
    std::lock_guard lock(mutex_);
    std::uint32_t& run = other_runs_[cell];
    run = is_5xx ? run + 1 : 0;
    if (run < limit) return false;
    run = 0;
    return true;
  }
  std::atomic<std::uint32_t>& run = runs_[raw(cell)];
  if (!is_5xx) {
    if (run.load(std::memory_order_relaxed) != 0) run.store(0, std::memory_order_relaxed);
    return false;
  }
  // The answer that makes the run `limit` long starts it over in the same step: racing
  // answers on other threads count towards the next run, never eject twice.
  std::uint32_t n = run.load(std::memory_order_relaxed);
  while (!run.compare_exchange_weak(n, n + 1 >= limit ? 0 : n + 1, std::memory_order_relaxed)) {
  }
  return n + 1 >= limit;
}

void HealthBoard::on_check(CellId cell, bool passed, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  State& s = cells_[cell];
  if (passed) {
    ++s.passes;
    s.failures = 0;
  } else {
    ++s.failures;
    s.passes = 0;
    if (s.healthy && s.failures >= rules_.unhealthy_after) {
      eject_locked(cell, s, EjectCause::kFailedChecks, now);
    }
  }
}

void HealthBoard::tick(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  for (auto& [cell, s] : cells_) {
    if (s.healthy || now < s.until) continue;
    if (rules_.active && s.passes < rules_.healthy_after) continue;
    s.healthy = true;
    s.failures = 0;
    changed();
  }
}

HealthView HealthBoard::view() const {
  std::lock_guard lock(mutex_);
  HealthView view;
  for (const auto& [cell, s] : cells_) {
    if (!s.healthy) view.mark_unhealthy(cell);
  }
  return view;
}

std::vector<CellHealth> HealthBoard::cells(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  std::vector<CellHealth> out;
  for (const auto& [cell, s] : cells_) {
    const auto left = s.healthy || now >= s.until
                          ? std::chrono::milliseconds(0)
                          : std::chrono::duration_cast<std::chrono::milliseconds>(s.until - now);
    out.push_back({.cell = cell,
                   .healthy = s.healthy,
                   .ejections = s.ejections,
                   .ejected_for = left,
                   .passes = s.passes,
                   .failures = s.failures});
  }
  return out;
}

std::uint64_t HealthBoard::ejections(EjectCause cause) const {
  std::lock_guard lock(mutex_);
  return by_cause_[static_cast<int>(cause)];
}

}  // namespace cellkit::live

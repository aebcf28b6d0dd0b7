// Counters one router thread keeps for /metrics: written by that thread only (relaxed
// atomics, no lock), read and summed by the admin thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "cellkit/base/ids.h"
#include "cellkit/live/outcome.h"

namespace cellkit::live {

// Latency bucket upper bounds in seconds (the last bucket is +Inf).
inline constexpr std::array<double, 14> kLatencyBounds = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};
// Cells with ids below this get their own counters; the rest are summed as cell "other".
inline constexpr std::uint32_t kTrackedCells = 256;

using Counter = std::atomic<std::uint64_t>;

struct ThreadMetrics {
  using ByOutcome = std::array<Counter, kLiveOutcomeCount>;
  ByOutcome no_cell{};  // requests that never reached a cell
  // [cell id, or kTrackedCells for "other"]: requests whose last attempt went to that cell.
  std::vector<ByOutcome> by_cell = std::vector<ByOutcome>(kTrackedCells + 1);
  std::array<Counter, kLatencyBounds.size() + 1> latency{};
  Counter latency_sum_us{0};
  Counter retries{0};          // attempts after the first
  Counter client_timeouts{0};  // client connections cut by a timeout
  Counter connections{0};      // client connections open now
  Counter upstream_open{0};    // upstream connections open now (idle + in use)
  Counter upstream_idle{0};    // of which idle in the pool

  static void add(Counter& c, std::uint64_t n = 1) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  static void sub(Counter& c) {
    c.store(c.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  }

  void record(LiveOutcome outcome, bool has_cell, CellId cell, std::uint64_t micros) {
    ByOutcome& row =
        has_cell ? by_cell[raw(cell) < kTrackedCells ? raw(cell) : kTrackedCells] : no_cell;
    add(row[static_cast<std::size_t>(outcome)]);
    std::size_t b = 0;
    const double seconds = static_cast<double>(micros) / 1e6;
    while (b < kLatencyBounds.size() && seconds > kLatencyBounds[b])
      ++b;
    add(latency[b]);
    add(latency_sum_us, micros);
  }
};

}  // namespace cellkit::live

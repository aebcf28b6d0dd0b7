// The live router's view of its cells' health, shared by its threads: passive outlier
// ejection (a crash, a refused connection or a run of 5xx answers ejects a cell for a time
// that grows with each ejection, as Envoy's outlier detection does) and active checks
// (GET /healthz; an ejected cell returns after its ejection time and N passing checks).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "cellkit/core/router.h"

namespace cellkit::live {

struct HealthRules {
  std::chrono::milliseconds ejection_base{30000};  // the n-th ejection lasts n times this
  std::chrono::milliseconds ejection_max{300000};
  bool active = true;  // active checks run: returning needs healthy_after passes
  std::uint32_t healthy_after = 2;
  std::uint32_t unhealthy_after = 2;  // failed checks in a row that eject a healthy cell
};

enum class EjectCause : std::uint8_t { kCrash, kRefused, kErrors, kFailedChecks };
std::string_view to_string(EjectCause cause);

struct CellHealth {
  CellId cell{};
  bool healthy = true;
  std::uint32_t ejections = 0;              // so far
  std::chrono::milliseconds ejected_for{};  // left of the current ejection (0: over)
  std::uint32_t passes = 0;                 // checks passed in a row
  std::uint32_t failures = 0;               // checks failed in a row
};

// Thread-safe. Events take a mutex (they are rare: a crash, a refusal, a check); the
// request path only reads generation(), an atomic, and rebuilds its own HealthView with
// view() when it moved.
class HealthBoard {
 public:
  using Clock = std::chrono::steady_clock;
  explicit HealthBoard(HealthRules rules) : rules_(rules) {}

  // Ejects the cell (again, when it is ejected: the ejection restarts, longer).
  void eject(CellId cell, EjectCause cause, Clock::time_point now);
  // An active check's result.
  void on_check(CellId cell, bool passed, Clock::time_point now);
  // Returns ejected cells whose time is over (and, with active checks, that passed enough
  // checks since). Called on a timer.
  void tick(Clock::time_point now);

  // One answer of a cell, from any router thread: a 5xx lengthens the cell's run of 5xx
  // answers (one run per cell over all threads), any other answer ends it. True when this
  // answer made the run reach `limit` (> 0); the run then starts over and the caller ejects
  // the cell. Lock-free for cell ids below kCountedCells (an answer that ends no run
  // writes nothing); the rest count under the mutex.
  bool count_answer(CellId cell, bool is_5xx, std::uint32_t limit);
  static constexpr std::uint32_t kCountedCells = 4096;

  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // The cells that are unhealthy now, as core's HealthView.
  HealthView view() const;
  std::vector<CellHealth> cells(Clock::time_point now) const;
  std::uint64_t ejections(EjectCause cause) const;

 private:
  struct State {
    bool healthy = true;
    std::uint32_t ejections = 0;
    Clock::time_point until{};
    std::uint32_t passes = 0;
    std::uint32_t failures = 0;
  };
  void eject_locked(CellId cell, State& s, EjectCause cause, Clock::time_point now);
  void changed() { generation_.fetch_add(1, std::memory_order_acq_rel); }

  HealthRules rules_;
  mutable std::mutex mutex_;
  std::map<CellId, State> cells_;
  std::array<std::atomic<std::uint32_t>, kCountedCells> runs_{};  // 5xx in a row, by cell id
  std::map<CellId, std::uint32_t> other_runs_;                    // cells from kCountedCells
  std::uint64_t by_cause_[4] = {};
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace cellkit::live

// The M/M/c fleet model (100 cells × 4 servers, 1,000 tenants, load 0.8) in cellkit's
// simulator and as a bare hand-written event loop; bench/sim_compare.sh adds SimPy.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <deque>
#include <queue>
#include <vector>

#include "cellkit/base/random.h"
#include "cellkit/sim/event_queue.h"
#include "cellkit/sim/simulator.h"

namespace {

using cellkit::Duration;
using cellkit::Random;

constexpr std::uint32_t kCells = 100;
constexpr std::uint32_t kServers = 4;
constexpr std::uint32_t kTenants = 1000;
constexpr std::uint32_t kQueueLimit = 100;
constexpr double kServiceUs = 10'000;                                 // 10 ms mean
constexpr double kRate = 0.8 * kCells * kServers * 1e6 / kServiceUs;  // 32,000 jobs/s
constexpr std::int64_t kSimulatedSeconds = 10;

// Tenant i lives on cell i % 100, so every cell is an M/M/4 queue at load 0.8.
cellkit::sim::Scenario mmc_scenario() {
  cellkit::sim::Scenario s;
  s.cells.count = kCells;
  s.cells.servers = kServers;
  s.cells.queue_limit = kQueueLimit;
  s.cells.service = {.kind = cellkit::sim::ServiceKind::kExponential,
                     .mean = Duration(static_cast<std::int64_t>(kServiceUs))};
  s.tenants.count = kTenants;
  s.tenants.placement = cellkit::sim::kExplicitShards;
  for (std::uint32_t t = 0; t < kTenants; ++t)
    s.tenants.shards.push_back({cellkit::CellId{t % kCells}});
  s.workload.rate = kRate;
  s.until = std::chrono::seconds(kSimulatedSeconds);
  s.interval = std::chrono::seconds(1);
  return s;
}

void BM_CellkitMMc(benchmark::State& state) {
  const cellkit::sim::Scenario s = mmc_scenario();
  std::uint64_t jobs = 0, events = 0;
  for (auto _ : state) {
    const cellkit::sim::RunResult r = cellkit::sim::simulate(s, 1).value();
    jobs += r.arrivals;
    events += r.events;
    benchmark::DoNotOptimize(r.outcomes);
  }
  state.counters["jobs_per_s"] =
      benchmark::Counter(static_cast<double>(jobs), benchmark::Counter::kIsRate);
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CellkitMMc)->Unit(benchmark::kMillisecond);

// The same model written directly: a heap of (time, seq) events, per-cell busy servers and
// FIFO queues, the same random generator and exponential draws. No router, no accounting
// beyond served and shed: the floor cellkit's engine is measured against.
struct BareEvent {
  std::int64_t time;
  std::uint64_t seq;
  std::uint32_t cell;
  bool arrival;
  bool operator>(const BareEvent& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

std::uint64_t bare_loop(std::uint64_t seed) {
  Random workload(seed);
  std::vector<Random> cell_random;
  for (std::uint32_t c = 0; c < kCells; ++c)
    cell_random.push_back(workload.derive(c + 1));
  std::priority_queue<BareEvent, std::vector<BareEvent>, std::greater<>> events;
  std::vector<std::uint32_t> busy(kCells, 0);
  std::vector<std::deque<std::int64_t>> queues(kCells);
  std::uint64_t seq = 0, served = 0, shed = 0;
  const std::int64_t end = kSimulatedSeconds * 1'000'000;
  double next_arrival = workload.exponential(1e6 / kRate);
  events.push({static_cast<std::int64_t>(next_arrival), seq++, 0, true});
  while (!events.empty()) {
    const BareEvent e = events.top();
    events.pop();
    if (e.arrival) {
      next_arrival += workload.exponential(1e6 / kRate);
      if (next_arrival < static_cast<double>(end)) {
        events.push({static_cast<std::int64_t>(next_arrival), seq++, 0, true});
      }
      const auto cell = static_cast<std::uint32_t>(workload.index(kTenants)) % kCells;
      if (busy[cell] < kServers) {
        ++busy[cell];
        events.push(
            {e.time + std::llround(cell_random[cell].exponential(kServiceUs)), seq++, cell, false});
      } else if (queues[cell].size() < kQueueLimit) {
        queues[cell].push_back(e.time);
      } else {
        ++shed;
      }
      continue;
    }
    ++served;
    if (queues[e.cell].empty()) {
      --busy[e.cell];
    } else {
      queues[e.cell].pop_front();
      events.push({e.time + std::llround(cell_random[e.cell].exponential(kServiceUs)), seq++,
                   e.cell, false});
    }
  }
  return served + shed;
}

void BM_BareLoopMMc(benchmark::State& state) {
  std::uint64_t jobs = 0;
  for (auto _ : state) {
    const std::uint64_t n = bare_loop(1);
    jobs += n;
    benchmark::DoNotOptimize(n);
  }
  state.counters["jobs_per_s"] =
      benchmark::Counter(static_cast<double>(jobs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BareLoopMMc)->Unit(benchmark::kMillisecond);

// The bare loop again, on cellkit's EventQueue with the arrival stream beside the heap (the
// two things that make the engine's queue fast): the floor with the engine's own data
// structure, so the ratio to it is the cost of routing, accounting and results alone.
std::uint64_t bare_loop_on_event_queue(std::uint64_t seed) {
  using cellkit::TimePoint;
  Random workload(seed);
  std::vector<Random> cell_random;
  for (std::uint32_t c = 0; c < kCells; ++c)
    cell_random.push_back(workload.derive(c + 1));
  cellkit::sim::EventQueue events;
  std::vector<std::uint32_t> busy(kCells, 0);
  std::vector<std::deque<std::int64_t>> queues(kCells);
  std::uint64_t served = 0, shed = 0;
  const TimePoint end{std::chrono::seconds(kSimulatedSeconds)};
  const auto service = [&](std::uint32_t cell) {
    return cellkit::round_us(cell_random[cell].exponential(kServiceUs));
  };
  double next_arrival = workload.exponential(1e6 / kRate);
  events.push_beside(TimePoint{cellkit::round_us(next_arrival)}, 1);
  while (!events.empty()) {
    const cellkit::sim::Event e = events.pop();
    if (e.kind() == 1) {
      next_arrival += workload.exponential(1e6 / kRate);
      const TimePoint next{cellkit::round_us(next_arrival)};
      if (next < end) events.push_beside(next, 1);
      const auto cell = static_cast<std::uint32_t>(workload.index(kTenants)) % kCells;
      if (busy[cell] < kServers) {
        ++busy[cell];
        events.push(e.time + service(cell), 0, cell);
      } else if (queues[cell].size() < kQueueLimit) {
        queues[cell].push_back(e.time.time_since_epoch().count());
      } else {
        ++shed;
      }
      continue;
    }
    ++served;
    if (queues[e.target].empty()) {
      --busy[e.target];
    } else {
      queues[e.target].pop_front();
      events.push(e.time + service(e.target), 0, e.target);
    }
  }
  return served + shed;
}

void BM_BareLoopOnEventQueueMMc(benchmark::State& state) {
  std::uint64_t jobs = 0;
  for (auto _ : state) {
    const std::uint64_t n = bare_loop_on_event_queue(1);
    jobs += n;
    benchmark::DoNotOptimize(n);
  }
  state.counters["jobs_per_s"] =
      benchmark::Counter(static_cast<double>(jobs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BareLoopOnEventQueueMMc)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

// The live router's attempt loop without its sockets: one request at a time through
// LiveAttempts (core's RequestAttempts::next and observe) as live/proxy_session.cc drives it,
// with its per-request spread key, under first-healthy and spread.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "cellkit/base/random.h"
#include "cellkit/core/placement.h"
#include "live/attempts.h"

namespace cellkit::live {
namespace {

constexpr std::uint32_t kCells = 100;
constexpr std::uint32_t kTenants = 10'000;

RoutingTable random_table() {
  RoutingSnapshot s{.version = 1};
  for (std::uint32_t c = 0; c < kCells; ++c)
    s.cells.push_back(CellId{c});
  Random random(1);
  for (std::uint32_t t = 0; t < kTenants; ++t) {
    s.shards.push_back({TenantId{t}, sample_distinct(s.cells, 4, random)});
  }
  Router router;
  (void)router.accept(s);
  return router.table();
}

// A router thread's state the attempt loop reads: cell 3 is unhealthy; the load is a
// per-cell in-flight count, as the worker's.
struct RouterThread {
  explicit RouterThread(RoutingMode mode) : policy{.routing = mode}, quarantine(policy) {
    health.mark_unhealthy(CellId{3});
    for (std::size_t c = 0; c < in_flight.size(); ++c)
      in_flight[c] = static_cast<std::uint32_t>(c % 7);
  }
  Decider decider() {
    return {.table = table,
            .health = health,
            .policy = policy,
            .quarantine = quarantine,
            .board = board};
  }
  RoutingTable table = random_table();
  HealthView health;
  RouterPolicy policy;
  SharedQuarantine quarantine;
  HealthBoard board{HealthRules{}};
  std::vector<std::uint32_t> in_flight = std::vector<std::uint32_t>(kCells);
  std::uint64_t requests = 0;
};

// One request as live/proxy_session.cc drives it: its number on the thread, then attempts
// until one is served; the first is shed when `shed_first`. Returns the attempts made. Not
// inlined, so callgrind can count a request's instructions alone
// (--toggle-collect='*one_request*').
[[gnu::noinline]] std::uint32_t one_request(RouterThread& t, TenantId tenant, bool shed_first) {
  const Decider decider = t.decider();
  const auto load = [&](CellId c) { return std::uint64_t{t.in_flight[raw(c)]}; };
  const auto fingerprint = [] { return std::uint64_t{42}; };
  const TimePoint now{std::chrono::seconds(1)};
  const std::uint64_t request_key = ++t.requests;
  LiveAttempts attempts;
  AttemptResult result = shed_first ? AttemptResult::kShed : AttemptResult::kServed;
  for (;;) {
    const LiveStep step = attempts.next(
        decider, tenant, now, fingerprint, [&] { return spread_key(request_key, tenant); }, load);
    if (!step.send) break;
    const LiveVerdict v = attempts.observe(decider, step.cell, result, fingerprint, now, {});
    if (!v.retry) break;
    result = AttemptResult::kServed;
  }
  return attempts.made();
}

// One request per iteration for a random tenant. range(0): 0 every request is served by
// its first attempt, 1 its first attempt is shed and the second served (a failover).
void attempts_bench(benchmark::State& state, RoutingMode mode) {
  RouterThread thread(mode);
  const bool shed_first = state.range(0) == 1;
  Random random(2);
  for (auto _ : state) {
    const TenantId tenant{
        static_cast<std::uint32_t>((random.next_u64() & 0xffffffffu) * kTenants >> 32)};
    benchmark::DoNotOptimize(one_request(thread, tenant, shed_first));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_LiveAttemptsFirstHealthy(benchmark::State& state) {
  attempts_bench(state, RoutingMode::kFirstHealthy);
}
BENCHMARK(BM_LiveAttemptsFirstHealthy)->Arg(0)->Arg(1);

void BM_LiveAttemptsSpread(benchmark::State& state) {
  attempts_bench(state, RoutingMode::kSpread);
}
BENCHMARK(BM_LiveAttemptsSpread)->Arg(0)->Arg(1);

}  // namespace
}  // namespace cellkit::live

BENCHMARK_MAIN();

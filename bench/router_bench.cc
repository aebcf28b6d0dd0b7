// Data-plane cost: one routing decision (route_attempt, first-healthy and spread), and
// building/validating a routing table.
#include <benchmark/benchmark.h>

#include "cellkit/base/random.h"
#include "cellkit/core/placement.h"
#include "cellkit/core/router_policy.h"

namespace cellkit {
namespace {

RoutingSnapshot random_snapshot(std::uint32_t cells, std::uint32_t tenants, std::uint32_t k) {
  RoutingSnapshot s{.version = 1};
  for (std::uint32_t c = 0; c < cells; ++c)
    s.cells.push_back(CellId{c});
  Random random(1);
  for (std::uint32_t t = 0; t < tenants; ++t) {
    s.shards.push_back({TenantId{t}, sample_distinct(s.cells, k, random)});
  }
  return s;
}

// One first attempt per iteration for a random tenant; cell 3 is unhealthy. Under spread
// the key is the tenant draw's random bits and the load a per-cell array.
void route_bench(benchmark::State& state, RoutingMode mode) {
  const auto tenants = static_cast<std::uint32_t>(state.range(0));
  Router router;
  (void)router.accept(random_snapshot(100, tenants, 4));
  router.mark_unhealthy(CellId{3});
  const RouterPolicy policy{.routing = mode};
  std::vector<std::uint64_t> in_flight(100);
  for (std::size_t c = 0; c < in_flight.size(); ++c)
    in_flight[c] = c % 7;
  const auto load = [&](CellId c) { return in_flight[raw(c)]; };
  Random random(2);
  for (auto _ : state) {
    const std::uint64_t bits = random.next_u64();
    const TenantId tenant{static_cast<std::uint32_t>((bits & 0xffffffffu) * tenants >> 32)};
    benchmark::DoNotOptimize(
        route_attempt(router.table(), router.health(), tenant, policy, 0, bits, load));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Route(benchmark::State& state) {
  route_bench(state, RoutingMode::kFirstHealthy);
}
BENCHMARK(BM_Route)->Arg(10'000)->Arg(1'000'000);

void BM_RouteSpread(benchmark::State& state) {
  route_bench(state, RoutingMode::kSpread);
}
BENCHMARK(BM_RouteSpread)->Arg(10'000)->Arg(1'000'000);

void BM_BuildTable(benchmark::State& state) {
  const RoutingSnapshot s = random_snapshot(100, static_cast<std::uint32_t>(state.range(0)), 4);
  for (auto _ : state)
    benchmark::DoNotOptimize(RoutingTable::build(s));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BuildTable)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cellkit

BENCHMARK_MAIN();

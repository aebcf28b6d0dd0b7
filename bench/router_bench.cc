// Data-plane cost: one routing decision, and building/validating a routing table.
#include <benchmark/benchmark.h>

#include "cellkit/base/random.h"
#include "cellkit/core/placement.h"
#include "cellkit/core/router.h"

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

void BM_Route(benchmark::State& state) {
  const auto tenants = static_cast<std::uint32_t>(state.range(0));
  Router router;
  (void)router.accept(random_snapshot(100, tenants, 4));
  router.mark_unhealthy(CellId{3});
  Random random(2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        router.route(TenantId{static_cast<std::uint32_t>(random.index(tenants))}));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Route)->Arg(10'000)->Arg(1'000'000);

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

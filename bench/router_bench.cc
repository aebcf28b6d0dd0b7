// Data-plane cost: one routing decision (route_attempt, first-healthy and spread),
// building/validating a routing table, applying a one-tenant delta to one (whole or patched),
// and reading a mapping JSON snapshot as a PUT does.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <malloc.h>

#include <iterator>
#include <optional>

#include "cellkit/base/random.h"
#include "cellkit/core/placement.h"
#include "cellkit/core/router_policy.h"
#include "cellkit/core/routing_delta.h"
#include "cellkit/io/routing_snapshot.h"

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
        route_attempt(router.table(), router.health(), tenant, policy, 0, FixedKey{bits}, load));
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

// A mapping JSON document as bench/live_compare.sh offers it (`cellkit place`, then `jq -c`):
// `cells` cells with endpoints, tenants "tenant-N" on 2 random cells each.
std::string mapping_json(std::uint32_t cells, std::uint32_t tenants) {
  std::string text = R"({"format":"cellkit.mapping","version":2,"strategy":"random","seed":1,)"
                     R"("zone_aware":false,"zones":["zone-0"],"cells":[)";
  auto out = std::back_inserter(text);
  std::vector<CellId> ids;
  for (std::uint32_t c = 0; c < cells; ++c) {
    ids.push_back(CellId{c});
    fmt::format_to(out,
                   R"({}{{"id":{},"name":"cell-{}","zone":"zone-0","capacity":0,"state":"active",)"
                   R"("healthy":true,"endpoint":"127.0.0.1:{}"}})",
                   c == 0 ? "" : ",", c, c, 4000 + c);
  }
  text += R"(],"tenants":[)";
  Random random(1);
  for (std::uint32_t t = 0; t < tenants; ++t) {
    const Shard shard = sample_distinct(ids, 2, random);
    fmt::format_to(out, R"({}{{"id":{},"name":"tenant-{}","cells":["cell-{}","cell-{}"]}})",
                   t == 0 ? "" : ",", t, t, raw(shard[0]), raw(shard[1]));
  }
  text += "]}";
  return text;
}

// The body in the admin listener's 64 KiB pieces through the streaming reader, to the flat
// snapshot (the reader's checks included; the table's are BM_BuildNamedTable's).
void BM_ReadMappingJson(benchmark::State& state) {
  const std::string text = mapping_json(8, static_cast<std::uint32_t>(state.range(0)));
  constexpr std::size_t kPiece = 64 * 1024;
  for (auto _ : state) {
    RoutingSnapshotJsonStream stream;
    for (std::size_t at = 0; at < text.size(); at += kPiece)
      stream.feed(std::string_view(text).substr(at, kPiece));
    std::optional<FlatSnapshot> flat = stream.finish();
    if (!flat) state.SkipWithError("the streaming reader gave up");
    benchmark::DoNotOptimize(flat);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ReadMappingJson)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// RoutingTable::build of that snapshot: tenant names, endpoints, dense ids.
void BM_BuildNamedTable(benchmark::State& state) {
  const std::string text = mapping_json(8, static_cast<std::uint32_t>(state.range(0)));
  const Result<FlatSnapshot> flat = parse_routing_snapshot_json(text, "bench.json");
  if (!flat.is_ok()) state.SkipWithError(flat.status().message().c_str());
  for (auto _ : state) {
    state.PauseTiming();
    FlatSnapshot copy = *flat;
    state.ResumeTiming();
    benchmark::DoNotOptimize(RoutingTable::build(std::move(copy)));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BuildNamedTable)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// A router's table of `tenants` named tenants on 2 of 8 addressed cells (dense ids), and the
// delta that onboards one more (as the control plane publishes it, one tenant per version).
struct OneTenantDelta {
  FlatSnapshot base;
  RoutingTable table;
  RoutingDelta delta;
  std::uint64_t digest = 0;
};

OneTenantDelta one_tenant_delta(std::uint32_t tenants) {
  OneTenantDelta d;
  d.base.version = 1;
  for (std::uint32_t c = 0; c < 8; ++c) {
    d.base.cells.push_back(CellId{c});
    d.base.addresses.push_back(
        {CellId{c}, fmt::format("cell-{}", c), fmt::format("127.0.0.1:{}", 4000 + c)});
  }
  Random random(1);
  for (std::uint32_t t = 0; t < tenants; ++t) {
    d.base.shards.add(TenantId{t}, sample_distinct(d.base.cells, 2, random));
    d.base.tenant_names.add(TenantId{t}, fmt::format("tenant-{}", t));
  }
  d.table = *RoutingTable::build(FlatSnapshot(d.base));
  d.digest = routing_digest(d.base);
  d.delta = {.parent = 1, .version = 2, .addressed = true};
  d.delta.shards.add(TenantId{tenants}, sample_distinct(d.base.cells, 2, random));
  d.delta.names.add(TenantId{tenants}, fmt::format("tenant-{}", tenants));
  d.delta.digest = digest_with_additions(d.digest, d.delta);
  return d;
}

// Before: the served table back to a snapshot, the delta merged in, the table built whole
// (what a router did per version until patch()).
void BM_ApplyOneTenantDeltaWhole(benchmark::State& state) {
  const OneTenantDelta d = one_tenant_delta(static_cast<std::uint32_t>(state.range(0)));
  for (auto _ : state) {
    std::uint64_t refused = 0;
    Result<FlatSnapshot> next =
        apply_chain(d.table.flat(), std::span(&d.delta, 1), d.digest, refused);
    Result<RoutingTable> table = RoutingTable::build(std::move(next).value());
    if (!table.is_ok()) state.SkipWithError(table.status().message().c_str());
    benchmark::DoNotOptimize(table);
  }
}
BENCHMARK(BM_ApplyOneTenantDeltaWhole)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// Bytes allocated and not freed (glibc's count: small blocks and mmapped ones).
std::int64_t heap_bytes() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<std::int64_t>(m.uordblks + m.hblkhd);
}

// After: RoutingTable::patch, the new version sharing the untouched chunks. What holding one
// more table adds to the heap: `table_MB` for one built whole, `new_version_kB` for one made
// by patch() (the old one still held).
void BM_ApplyOneTenantDeltaPatch(benchmark::State& state) {
  const OneTenantDelta d = one_tenant_delta(static_cast<std::uint32_t>(state.range(0)));
  std::int64_t before = heap_bytes();
  const Result<RoutingTable> whole = RoutingTable::build(FlatSnapshot(d.base));
  state.counters["table_MB"] = static_cast<double>(heap_bytes() - before) / 1e6;
  before = heap_bytes();
  const std::optional<RoutingTable> held = d.table.patch(std::span(&d.delta, 1), d.digest);
  state.counters["new_version_kB"] = static_cast<double>(heap_bytes() - before) / 1e3;
  if (!whole.is_ok() || !held) state.SkipWithError("the table or its new version is missing");
  for (auto _ : state)
    benchmark::DoNotOptimize(d.table.patch(std::span(&d.delta, 1), d.digest));
}
BENCHMARK(BM_ApplyOneTenantDeltaPatch)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cellkit

BENCHMARK_MAIN();

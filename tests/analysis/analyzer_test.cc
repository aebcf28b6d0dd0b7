#include "cellkit/analysis/analyzer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <algorithm>
#include <set>

#include "analysis/analysis_steps.h"
#include "analysis/hand_built.h"
#include "cellkit/base/random.h"
#include "cellkit/core/placement.h"
#include "cellkit/core/placement_ops.h"
#include "cellkit/core/strategies.h"

namespace cellkit {
namespace {

using Fixture = HandBuilt;

Fixture all_pairs_of_eight() {
  Fixture f;
  f.add_cells(8);
  for (std::uint32_t a = 0; a < 8; ++a)
    for (std::uint32_t b = a + 1; b < 8; ++b)
      f.add_tenant({a, b});
  return f;
}

// Three active cells with three tenants each, c3 draining with three, c4 disabled and empty.
Fixture with_draining_and_disabled() {
  Fixture f;
  f.add_cells(5);
  f.fleet.find_cell(CellId{3})->state = CellState::kDraining;
  f.fleet.find_cell(CellId{4})->state = CellState::kDisabled;
  for (const auto& shard :
       std::vector<std::vector<std::uint32_t>>{{0, 1}, {1, 2}, {0, 2}, {3, 0}, {3, 1}, {3, 2}})
    f.add_tenant(shard);
  return f;
}

TEST(Analyze, DrainingAndDisabledCellsAreNamedAndLeftOutOfLoadAndBaseline) {
  const Result<AnalysisResult> r = with_draining_and_disabled().run();
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->draining_cells, std::vector<std::string>{"c3"});
  EXPECT_EQ(r->disabled_cells, std::vector<std::string>{"c4"});
  // Over c0..c2 only: 3 tenants each; with c3 and c4 the minimum would be 0.
  EXPECT_EQ(r->cell_tenants.min, 3);
  EXPECT_EQ(r->cell_tenants.max, 3);
  // Random pairs of 3 cells always share one or two: none share nothing.
  ASSERT_EQ(r->overlap.size(), 3u);
  EXPECT_NEAR(r->overlap[0].expected, 0.0, 1e-9);
  EXPECT_NEAR(r->overlap[1].expected, 10.0, 1e-9);
  // The draining cell's tenants still count in failures: losing c3 degrades three.
  EXPECT_EQ(r->cell_failure.units, 5u);
}

TEST(Analyze, AllPairsOfEightCellsPoisonLeavesOneDownTwelveDegradedFifteenUntouched) {
  const Fixture f = all_pairs_of_eight();
  for (std::uint32_t t = 0; t < 28; ++t) {
    const AnalysisResult r = *f.run({.tenant = fmt::format("t{}", t)});
    EXPECT_EQ(r.chosen_tenant->impact, (Impact{.fully_down = 1, .degraded = 12, .untouched = 15}));
  }
  const AnalysisResult r = *f.run();
  EXPECT_EQ(r.poison.mean_others_fully_down, 0.0);
  EXPECT_EQ(r.poison.mean_degraded, 12.0);
  EXPECT_EQ(r.poison.worst.name, "t0");
  EXPECT_EQ(r.poison.worst.cells, (std::vector<std::string>{"c0", "c1"}));
}

TEST(Analyze, SameInputGivesAnEqualResult) {
  const Fixture f = all_pairs_of_eight();
  const AnalysisResult a = *f.run();
  EXPECT_TRUE(a == *f.run());
  EXPECT_FALSE(a == *f.run({.tenant = "t3"}));
}

TEST(Analyze, ReportsTheFillOnlyWhenGivenAnOverlapLimit) {
  const Fixture f = all_pairs_of_eight();
  EXPECT_FALSE(f.run()->fill.has_value());
  // k = 2, m = 1 on 8 cells: C(8,2)/C(2,2) = 28, every pair placed once.
  const AnalysisResult r = *analyze({.fleet = f.fleet,
                                     .mapping = f.mapping,
                                     .tenants = f.tenants,
                                     .limit = OverlapLimit{.max_overlap = 1, .bound = 28}});
  ASSERT_TRUE(r.fill.has_value());
  EXPECT_EQ(*r.fill, (FillSummary{.max_overlap = 1, .placed = 28, .bound = 28, .fill = 1.0}));
}

TEST(Analyze, AllPairsOfEightCellsHistogramCountsSharedCells) {
  const AnalysisResult r = *all_pairs_of_eight().run();
  ASSERT_EQ(r.overlap.size(), 3u);
  EXPECT_EQ(r.overlap[0].pairs, 210u);  // 378 pairs − 8·C(7,2) sharing one cell
  EXPECT_EQ(r.overlap[1].pairs, 168u);
  EXPECT_EQ(r.overlap[2].pairs, 0u);
  EXPECT_NEAR(r.overlap[0].expected, 378.0 * 15 / 28, 1e-9);
  EXPECT_EQ(r.max_overlap, 1u);
  EXPECT_EQ(r.max_overlap_pairs, 168u);
  EXPECT_EQ(r.max_overlap_examples.front(), (std::pair<std::string, std::string>{"t0", "t1"}));
  EXPECT_EQ(r.identical_groups, 0u);
  EXPECT_EQ(r.expectation_model, "hypergeometric");
}

TEST(Analyze, LosingOneCellDegradesTheSevenTenantsOnIt) {
  const AnalysisResult r = *all_pairs_of_eight().run({.fail_cells = {"c3"}});
  EXPECT_EQ(r.cell_failure.worst.impact, (Impact{.fully_down = 0, .degraded = 7, .untouched = 21}));
  EXPECT_EQ(r.chosen_failure->impact, (Impact{.fully_down = 0, .degraded = 7, .untouched = 21}));
  const AnalysisResult two = *all_pairs_of_eight().run({.fail_cells = {"c3", "c5"}});
  EXPECT_EQ(two.chosen_failure->impact, (Impact{.fully_down = 1, .degraded = 12, .untouched = 15}));
  EXPECT_EQ(two.chosen_failure->name, "c3,c5");
}

TEST(Analyze, GroupsTenantsWithIdenticalCellSets) {
  Fixture f;
  f.add_cells(5);
  f.add_tenant({0, 1});
  f.add_tenant({1, 0});
  f.add_tenant({2, 3});
  f.add_tenant({0, 1});
  f.add_tenant({3, 2});
  f.add_tenant({4});
  const AnalysisResult r = *f.run();
  EXPECT_EQ(r.identical_groups, 2u);
  EXPECT_EQ(r.identical_tenants, 5u);
  ASSERT_EQ(r.largest_groups.size(), 2u);
  EXPECT_EQ(r.largest_groups[0].tenants, 3u);
  EXPECT_EQ(r.largest_groups[0].examples, (std::vector<std::string>{"t0", "t1", "t3"}));
  EXPECT_EQ(r.largest_groups[0].cells, (std::vector<std::string>{"c0", "c1"}));
  EXPECT_EQ(r.max_overlap, 2u);
  EXPECT_EQ(r.max_overlap_pairs, 4u);
  EXPECT_EQ(r.poison.worst.name, "t0");
  EXPECT_EQ(r.poison.worst.impact, (Impact{.fully_down = 3, .degraded = 0, .untouched = 3}));
}

TEST(Analyze, SingleCellTenantIsFullyDownWhenItsCellFails) {
  Fixture f;
  f.add_cells(3);
  f.add_tenant({0});
  f.add_tenant({0, 1});
  const AnalysisResult r = *f.run();
  EXPECT_EQ(r.cell_failure.worst.name, "c0");
  EXPECT_EQ(r.cell_failure.worst.impact, (Impact{.fully_down = 1, .degraded = 1, .untouched = 0}));
  // t1 poisoning c0 and c1 takes t0 down with it.
  EXPECT_EQ(r.poison.worst.name, "t1");
  EXPECT_EQ(r.poison.worst.impact.fully_down, 2u);
}

TEST(Analyze, ZoneFailureTakesDownTenantsLivingInOneZone) {
  Fixture f;
  f.add_cells(6, 3);  // zones: c0,c3 → 0; c1,c4 → 1; c2,c5 → 2
  f.add_tenant({0, 3});
  f.add_tenant({0, 1});
  f.add_tenant({1, 2});
  const AnalysisResult r = *f.run();
  ASSERT_TRUE(r.zone_failure.has_value());
  EXPECT_EQ(r.zone_failure->units, 3u);
  EXPECT_EQ(r.zone_failure->worst.name, "zone-0");
  EXPECT_EQ(r.zone_failure->worst.impact, (Impact{.fully_down = 1, .degraded = 1, .untouched = 1}));
}

TEST(Analyze, UsesThePerZoneModelWhenShardsSpreadEvenlyOverZones) {
  Fixture f;
  f.add_cells(9, 3);
  f.zone_names = {"a", "b", "c"};
  f.add_tenant({0, 1, 2});
  f.add_tenant({3, 4, 5});
  f.add_tenant({0, 4, 8});
  const AnalysisResult r = *f.run();
  EXPECT_EQ(r.expectation_model, "per-zone");
  // Binomial(3, 1/3) over 3 pairs.
  EXPECT_NEAR(r.overlap[0].expected, 3.0 * 8 / 27, 1e-12);
  EXPECT_NEAR(r.overlap[3].expected, 3.0 / 27, 1e-12);
  EXPECT_EQ(r.zone_failure->worst.name, "a");
}

TEST(Analyze, PerZoneModelKeepsEachShardsCountPerZone) {
  Fixture f;
  f.add_cells(6, 3);     // zones: c0,c3 → 0; c1,c4 → 1; c2,c5 → 2
  f.add_tenant({0, 1});  // one cell in zones 0 and 1
  f.add_tenant({4, 5});  // one cell in zones 1 and 2: they can meet only in zone 1, half the time
  const AnalysisResult r = *f.run();
  EXPECT_EQ(r.expectation_model, "per-zone");
  EXPECT_NEAR(r.overlap[0].expected, 0.5, 1e-12);
  EXPECT_NEAR(r.overlap[1].expected, 0.5, 1e-12);
  EXPECT_NEAR(r.overlap[2].expected, 0.0, 1e-12);
}

TEST(Analyze, FallsBackToHypergeometricWhenAShardCrowdsOneZone) {
  Fixture f;
  f.add_cells(6, 3);
  f.add_tenant({0, 3});  // both cells in zone 0
  f.add_tenant({1, 2});
  const AnalysisResult r = *f.run();
  EXPECT_EQ(r.expectation_model, "hypergeometric");
  EXPECT_NEAR(r.overlap[0].expected, 6.0 / 15, 1e-12);  // C(4,2)/C(6,2)
}

TEST(Analyze, MovesAFailedCellsLoadToTheRestOfItsTenantsShards) {
  Fixture f;
  f.add_cells(3);
  f.add_tenant({0, 1}, 2);
  f.add_tenant({1, 2}, 2);
  f.add_tenant({0}, 1);
  const AnalysisResult r = *f.run();
  EXPECT_EQ(r.cell_weight.max, 2.0);
  EXPECT_EQ(r.cell_weight.min, 1.0);
  EXPECT_EQ(r.cell_tenants.max, 2.0);
  // Every single failure leaves some cell at 3; the first such failure is reported.
  EXPECT_EQ(r.cell_headroom.failed, "c0");
  EXPECT_EQ(r.cell_headroom.busiest_after, "c1");
  EXPECT_EQ(r.cell_headroom.peak_before, 2.0);
  EXPECT_EQ(r.cell_headroom.peak_after, 3.0);
  EXPECT_NEAR(r.cell_headroom.peak_after_over_mean, 3.0 / (5.0 / 3), 1e-12);
}

// Weight 0 everywhere: the survivors carry nothing, but they survive (this once read "no cell
// survives" while every other cell did).
TEST(Analyze, SurvivorsThatCarryNothingAreStillNamed) {
  Fixture f;
  f.add_cells(3);
  f.add_tenant({0, 1}, 0);
  f.add_tenant({1, 2}, 0);
  const AnalysisResult r = *f.run();
  EXPECT_EQ(r.cell_headroom.failed, "c0");
  EXPECT_EQ(r.cell_headroom.busiest_after, "c1");
  EXPECT_EQ(r.cell_headroom.peak_after, 0.0);
  Fixture one;
  one.add_cells(1);
  one.add_tenant({0}, 0);
  EXPECT_EQ(one.run()->cell_headroom.busiest_after, "");
}

TEST(Analyze, RejectsAShardThatRepeatsACell) {
  Fixture f;
  f.add_cells(3);
  f.add_tenant({0, 1, 0});
  EXPECT_EQ(f.run().status().message(), "tenant 't0' lists cell 'c0' twice");
}

TEST(Analyze, RejectsAnEmptyShardAndAnUnknownCell) {
  Fixture f;
  f.add_cells(3);
  f.add_tenant({});
  EXPECT_EQ(f.run().status().message(), "tenant 't0' has no cells");
  Fixture g;
  g.add_cells(3);
  g.add_tenant({0, 7});
  EXPECT_EQ(g.run().status().message(), "tenant 't0' names cell id 7, which is not in the fleet");
}

TEST(Analyze, RejectsUnknownTenantAndCellNames) {
  const Fixture f = all_pairs_of_eight();
  EXPECT_EQ(f.run({.tenant = "nobody"}).status().message(),
            "tenant 'nobody' is not a tenant of the mapping");
  EXPECT_EQ(f.run({.fail_cells = {"c1", "c9"}}).status().message(),
            "fail_cells names cell 'c9', which is not in the mapping");
}

TEST(Analyze, NamesTheOptionsAsTheFrontEndCallsThem) {
  const Fixture f = all_pairs_of_eight();
  const AnalysisOptions::Names flags{.tenant = "--tenant", .fail_cells = "--fail"};
  EXPECT_EQ(f.run({.tenant = "nobody", .names = flags}).status().message(),
            "--tenant 'nobody' is not a tenant of the mapping");
  EXPECT_EQ(f.run({.fail_cells = {"c9"}, .names = flags}).status().message(),
            "--fail names cell 'c9', which is not in the mapping");
}

TEST(Analyze, RejectsAnEmptyMapping) {
  Fixture f;
  f.add_cells(2);
  EXPECT_EQ(f.run().status().message(), "the mapping has no tenants");
}

TEST(Analyze, MappingErrorsNameTheSourceAndTheTenantsLineWhenKnown) {
  Fixture f;
  f.add_cells(3);
  f.add_tenant({0, 1});
  f.add_tenant({2, 2});
  const std::vector<std::uint64_t> lines = {3, 7};
  const auto message = [&](std::span<const std::uint64_t> tenant_lines) {
    return analyze({.fleet = f.fleet,
                    .mapping = f.mapping,
                    .tenants = f.tenants,
                    .source = "m.csv",
                    .tenant_lines = tenant_lines})
        .status()
        .message();
  };
  EXPECT_EQ(message(lines), "m.csv:7: tenant 't1' lists cell 'c2' twice");
  EXPECT_EQ(message({}), "m.csv: tenant 't1' lists cell 'c2' twice");
  const Fixture empty;
  EXPECT_EQ(analyze({.fleet = empty.fleet, .mapping = empty.mapping, .source = "m.csv"})
                .status()
                .message(),
            "m.csv: the mapping has no tenants");
}

// Reference model: compare every pair; fail cells and count.
struct BruteForce {
  std::vector<std::uint64_t> histogram;
  std::vector<Impact> poison;  // per tenant
};

BruteForce brute_force(const Fixture& f, std::size_t max_k) {
  std::vector<std::set<std::uint32_t>> shards;
  for (const auto& [id, shard] : f.mapping) {
    std::set<std::uint32_t> s;
    for (CellId c : shard)
      s.insert(raw(c));
    shards.push_back(s);
  }
  BruteForce b{std::vector<std::uint64_t>(max_k + 1, 0), {}};
  for (std::size_t i = 0; i < shards.size(); ++i) {
    for (std::size_t j = i + 1; j < shards.size(); ++j) {
      std::size_t shared = 0;
      for (std::uint32_t c : shards[i])
        shared += shards[j].count(c);
      ++b.histogram[shared];
    }
  }
  for (const auto& x : shards) {
    Impact impact;
    for (const auto& y : shards) {
      std::size_t dead = 0;
      for (std::uint32_t c : y)
        dead += x.count(c);
      ++(dead == 0 ? impact.untouched : dead == y.size() ? impact.fully_down : impact.degraded);
    }
    b.poison.push_back(impact);
  }
  return b;
}

Fixture random_mapping(Random& random) {
  Fixture f;
  const auto cells = static_cast<std::uint32_t>(random.uniform_int(1, 12));
  f.add_cells(cells, static_cast<std::uint32_t>(random.uniform_int(1, 3)));
  const std::uint64_t tenants = random.uniform_int(1, 60);
  std::vector<CellId> pool;
  for (const Cell& c : f.fleet.cells())
    pool.push_back(c.id);
  for (std::uint64_t t = 0; t < tenants; ++t) {
    const std::uint64_t k = random.uniform_int(1, std::min<std::uint64_t>(cells, 5));
    std::vector<std::uint32_t> shard;
    for (CellId c : sample_distinct(pool, k, random))
      shard.push_back(raw(c));
    f.add_tenant(shard, static_cast<std::uint32_t>(random.uniform_int(1, 4)));
  }
  return f;
}

TEST(Analyze, AgreesWithBruteForceOnRandomMixedShardSizes) {
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    Random random(seed);
    const Fixture f = random_mapping(random);
    const std::string chosen = fmt::format("t{}", random.index(f.tenants.size()));
    std::vector<std::string> fail;
    std::set<std::uint32_t> dead;
    for (const Cell& c : f.fleet.cells()) {
      if (random.bernoulli(0.3)) {
        fail.push_back(c.name);
        dead.insert(raw(c.id));
      }
    }
    const AnalysisResult r = *f.run({.tenant = chosen, .fail_cells = fail});
    if (!fail.empty()) {
      Impact expected;
      for (const auto& [id, shard] : f.mapping) {
        const auto n = std::count_if(shard.begin(), shard.end(),
                                     [&](CellId c) { return dead.count(raw(c)) > 0; });
        ++(n == 0                                        ? expected.untouched
           : static_cast<std::size_t>(n) == shard.size() ? expected.fully_down
                                                         : expected.degraded);
      }
      ASSERT_EQ(r.chosen_failure->impact, expected);
    }
    const BruteForce b = brute_force(f, r.overlap.size() - 1);
    std::vector<std::uint64_t> histogram;
    for (const OverlapRow& row : r.overlap)
      histogram.push_back(row.pairs);
    ASSERT_EQ(histogram, b.histogram);
    const std::size_t t = std::stoul(chosen.substr(1));
    ASSERT_EQ(r.chosen_tenant->impact, b.poison[t]);
    double mean_degraded = 0;
    for (const Impact& i : b.poison)
      mean_degraded += static_cast<double>(i.degraded);
    ASSERT_NEAR(r.poison.mean_degraded, mean_degraded / static_cast<double>(b.poison.size()), 1e-9);
  }
}

// Beyond 4,096 cells pairs are counted in the hash table instead of a dense array.
TEST(Analyze, AgreesWithBruteForceOnAFleetTooLargeForDensePairs) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    Fixture f;
    f.add_cells(5000);
    Random random(seed);
    for (std::uint32_t t = 0; t < 80; ++t) {
      // Cells from a narrow window, so that shards overlap.
      std::vector<std::uint32_t> shard;
      const std::uint64_t k = random.uniform_int(1, 5);
      while (shard.size() < k) {
        const auto c = static_cast<std::uint32_t>(4990 + random.index(10));
        if (std::find(shard.begin(), shard.end(), c) == shard.end()) shard.push_back(c);
      }
      f.add_tenant(shard);
    }
    const AnalysisResult r = *f.run({.tenant = "t3"});
    const BruteForce b = brute_force(f, r.overlap.size() - 1);
    std::vector<std::uint64_t> histogram;
    for (const OverlapRow& row : r.overlap)
      histogram.push_back(row.pairs);
    EXPECT_EQ(histogram, b.histogram);
    EXPECT_EQ(r.chosen_tenant->impact, b.poison[3]);
  }
}

// Acceptance: a bounded-overlap mapping (here built by rejecting any candidate that reuses
// a 3-subset) shows no pair over 2 and no tenant but the poisoner fully down.
TEST(Analyze, BoundedOverlapMappingHasNoPairOverTheLimitAndNoOtherTenantDown) {
  Fixture f;
  f.add_cells(100);
  std::vector<CellId> pool;
  for (const Cell& c : f.fleet.cells())
    pool.push_back(c.id);
  std::set<std::array<std::uint32_t, 3>> used;
  Random random(7);
  while (f.tenants.size() < 2000) {
    Shard shard = sample_distinct(pool, 4, random);
    std::sort(shard.begin(), shard.end());
    std::vector<std::array<std::uint32_t, 3>> triples;
    for (int skip = 0; skip < 4; ++skip) {
      std::array<std::uint32_t, 3> t{};
      for (int i = 0, j = 0; i < 4; ++i)
        if (i != skip) t[static_cast<std::size_t>(j++)] = raw(shard[static_cast<std::size_t>(i)]);
      triples.push_back(t);
    }
    if (std::any_of(triples.begin(), triples.end(), [&](const auto& t) { return used.count(t); }))
      continue;
    used.insert(triples.begin(), triples.end());
    std::vector<std::uint32_t> cells;
    for (CellId c : shard)
      cells.push_back(raw(c));
    f.add_tenant(cells);
  }
  const AnalysisResult r = *f.run();
  EXPECT_EQ(r.max_overlap, 2u);
  EXPECT_EQ(r.overlap[3].pairs + r.overlap[4].pairs, 0u);
  EXPECT_EQ(r.poison.worst.impact.fully_down, 1u);
  EXPECT_EQ(r.identical_groups, 0u);
}

// Invariants on any mapping: the histogram counts every pair once, every poison pill and
// failure splits the tenants into three parts, and a poisoner is always fully down.
RC_GTEST_PROP(AnalyzeProperty, CountsAddUpOnAnyMapping, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Random random(seed);
  const Fixture f = random_mapping(random);
  const std::string chosen = fmt::format("t{}", random.index(f.tenants.size()));
  const AnalysisResult r = *f.run({.tenant = chosen, .fail_cells = {"c0"}});
  const auto total = static_cast<std::uint64_t>(f.tenants.size());
  std::uint64_t pairs = 0;
  for (const OverlapRow& row : r.overlap)
    pairs += row.pairs;
  RC_ASSERT(UInt128{pairs} == r.tenant_pairs);
  const Impact& p = r.chosen_tenant->impact;
  RC_ASSERT(p.fully_down >= 1u);
  RC_ASSERT(p.fully_down + p.degraded + p.untouched == total);
  const Impact& c = r.chosen_failure->impact;
  RC_ASSERT(c.fully_down + c.degraded + c.untouched == total);
  RC_ASSERT(r.poison.worst.impact.fully_down - 1 >= r.poison.p99_others_fully_down);
  RC_ASSERT(r.max_overlap_pairs == r.overlap[r.max_overlap].pairs);
}

TEST(ZoneHeadroom, TableAndIndexWalkAgreeOnRandomMappings) {
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    Random random(seed);
    const Fixture f = random_mapping(random);
    const auto m =
        *analysis_internal::compact({.fleet = f.fleet, .mapping = f.mapping, .tenants = f.tenants});
    if (m.zone_names.size() < 2) continue;
    const auto index = analysis_internal::index_cells(m);
    const AnalysisResult r = *f.run();
    std::vector<double> weight(m.cell_count(), 0);
    for (std::size_t t = 0; t < m.tenant_count(); ++t)
      for (std::uint32_t c : m.shard(t))
        weight[c] += m.weights[t] / static_cast<double>(m.shard(t).size());
    const Headroom table = analysis_internal::zone_headroom(m, index, weight, r.cell_weight);
    const Headroom walk =
        analysis_internal::zone_headroom_by_index(m, index, weight, r.cell_weight);
    EXPECT_EQ(table.failed, walk.failed);
    EXPECT_EQ(table.busiest_after, walk.busiest_after);
    EXPECT_NEAR(table.peak_after, walk.peak_after, 1e-9);
  }
}

// Places tenants with shard sizes drawn from `sizes` through a named placement strategy.
Fixture placed(Strategy strategy, std::uint32_t cells, std::uint32_t tenants,
               std::vector<std::uint32_t> sizes, std::uint64_t seed) {
  Fixture f;
  f.add_cells(cells);
  auto made = make_strategy({.strategy = strategy, .max_overlap = 2, .seed = seed});
  EXPECT_TRUE(made.is_ok()) << made.status().message();
  Random random(seed);
  for (std::uint32_t t = 0; t < tenants; ++t) {
    const Tenant tenant{.id = TenantId{t},
                        .name = fmt::format("t{}", t),
                        .shard_size = sizes[random.index(sizes.size())],
                        .weight = 1};
    Result<Shard> shard = (*made)->choose(f.fleet, f.mapping, tenant, random);
    EXPECT_TRUE(shard.is_ok()) << shard.status().message();
    f.tenants.push_back(tenant);
    f.mapping.assign(tenant.id, *shard);
  }
  return f;
}

// A mapping made the way `cellkit place` makes one: make_fleet, then place() with the
// strategy's options; shard sizes mixed from `sizes`. Refused tenants are left out.
Fixture placed_by_place(const PlacementOptions& options, std::uint32_t cells, std::uint16_t zones,
                        std::uint32_t tenants, std::vector<std::uint32_t> sizes) {
  std::vector<Tenant> list = make_tenants(tenants, sizes[0]);
  Random random(options.seed);
  for (Tenant& t : list)
    t.shard_size = sizes[random.index(sizes.size())];
  PlaceReport report;
  Result<Placement> p = place(make_fleet(cells, zones), std::move(list), options, &report);
  EXPECT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_GT(report.placed, tenants / 2);
  Fixture f;
  if (!p.is_ok()) return f;
  f.fleet = p->fleet;
  f.mapping = p->mapping;
  f.tenants = p->tenants;
  return f;
}

// Brute force's poison summary: others fully down exclude the poisoner; the worst has the
// most fully down, then the most degraded, first in tenant order; p99 by nearest rank.
PoisonSummary poison_summary(const Fixture& f, const BruteForce& b) {
  PoisonSummary p;
  std::vector<std::uint64_t> others, degraded;
  std::size_t worst = 0;
  for (std::size_t t = 0; t < b.poison.size(); ++t) {
    const Impact& i = b.poison[t];
    others.push_back(i.fully_down - 1);
    degraded.push_back(i.degraded);
    const Impact& w = b.poison[worst];
    if (i.fully_down > w.fully_down || (i.fully_down == w.fully_down && i.degraded > w.degraded))
      worst = t;
  }
  p.worst = {.name = f.tenants[worst].name, .cells = {}, .impact = b.poison[worst]};
  const auto nearest_rank = [](std::vector<std::uint64_t> v) {
    std::sort(v.begin(), v.end());
    return v[(v.size() * 99 + 99) / 100 - 1];
  };
  p.p99_others_fully_down = nearest_rank(others);
  p.p99_degraded = nearest_rank(degraded);
  const auto average = [](const std::vector<std::uint64_t>& v) {
    double sum = 0;
    for (std::uint64_t x : v)
      sum += static_cast<double>(x);
    return sum / static_cast<double>(v.size());
  };
  p.mean_others_fully_down = average(others);
  p.mean_degraded = average(degraded);
  return p;
}

TEST(Analyze, AgreesWithBruteForceOnMappingsProducedByPlace) {
  for (const std::string_view name : strategy_names()) {
    const Strategy strategy = *parse_strategy(name);
    for (const std::uint16_t zones : {std::uint16_t{1}, std::uint16_t{3}}) {
      for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        SCOPED_TRACE(fmt::format("{} zones {} seed {}", name, zones, seed));
        const PlacementOptions options{
            .strategy = strategy, .max_overlap = 2, .zone_aware = zones > 1, .seed = seed};
        const Fixture f = placed_by_place(options, 30, zones, 120, {3, 4, 5});
        ASSERT_FALSE(f.tenants.empty());
        const AnalysisResult r = *f.run();
        const BruteForce b = brute_force(f, r.overlap.size() - 1);
        std::vector<std::uint64_t> histogram;
        for (const OverlapRow& row : r.overlap)
          histogram.push_back(row.pairs);
        EXPECT_EQ(histogram, b.histogram);
        const PoisonSummary expected = poison_summary(f, b);
        EXPECT_EQ(r.poison.worst.name, expected.worst.name);
        EXPECT_EQ(r.poison.worst.impact, expected.worst.impact);
        EXPECT_EQ(r.poison.p99_others_fully_down, expected.p99_others_fully_down);
        EXPECT_EQ(r.poison.p99_degraded, expected.p99_degraded);
        EXPECT_NEAR(r.poison.mean_others_fully_down, expected.mean_others_fully_down, 1e-9);
        EXPECT_NEAR(r.poison.mean_degraded, expected.mean_degraded, 1e-9);
        // Every tenant's own poison impact, not only the summary.
        for (std::size_t t = 0; t < f.tenants.size(); t += 7) {
          const AnalysisResult one = *f.run({.tenant = f.tenants[t].name});
          EXPECT_EQ(one.chosen_tenant->impact, b.poison[t]) << f.tenants[t].name;
        }
      }
    }
  }
}

// Acceptance: N=100, k=4, 10,000 `shuffle` tenants with m=2.
TEST(Analyze, ShuffleWithOverlapTwoKeepsEveryPairAtTwoCellsAndOnlyThePoisonerDown) {
  const Fixture f = placed(Strategy::kShuffle, 100, 10'000, {4}, 1);
  const AnalysisResult r = *f.run();
  EXPECT_LE(r.max_overlap, 2u);
  EXPECT_EQ(r.overlap[3].pairs + r.overlap[4].pairs, 0u);
  EXPECT_EQ(r.poison.worst.impact.fully_down, 1u);  // the poisoner itself
  EXPECT_EQ(r.poison.p99_others_fully_down, 0u);
}

TEST(Analyze, ProgressCountsThreeStepsPerTenantAndLeavesTheResultAlone) {
  const Fixture f = all_pairs_of_eight();  // 28 tenants
  std::vector<std::pair<std::uint64_t, std::uint64_t>> seen;
  AnalysisOptions options;
  options.progress = {
      .observer = [&](std::uint64_t done, std::uint64_t total) { seen.emplace_back(done, total); },
      .every = 1};
  Result<AnalysisResult> with = f.run(options);
  Result<AnalysisResult> without = f.run();
  ASSERT_TRUE(with.is_ok() && without.is_ok());
  EXPECT_EQ(with->max_overlap_pairs, without->max_overlap_pairs);
  EXPECT_EQ(with->identical_tenants, without->identical_tenants);
  EXPECT_EQ(with->poison_others_down, without->poison_others_down);
  EXPECT_EQ(with->poison_degraded, without->poison_degraded);
  ASSERT_FALSE(seen.empty());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].second, 3u * 28u);
    if (i > 0) {
      EXPECT_GE(seen[i].first, seen[i - 1].first);
    }
  }
  EXPECT_EQ(seen.front().first, 28u);  // subset counts and overlaps done
  EXPECT_EQ(seen.back().first, 3u * 28u);
}

}  // namespace
}  // namespace cellkit

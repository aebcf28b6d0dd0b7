#include "core/fit_cursor.h"

#include <vector>

#include <gtest/gtest.h>

#include "cellkit/base/random.h"
#include "core/placement_test_support.h"

namespace cellkit {
namespace {

using testing_support::fleet_of;

// The reference: every k-subset of the pools' cells tried, in full.
bool some_subset_fits(const PlacementState& state, const CellPools& pools, std::uint32_t k,
                      std::uint32_t weight) {
  const std::size_t n = pools.all.size();
  if (k > n) return false;
  std::vector<bool> pick(n, false);
  std::fill(pick.begin(), pick.begin() + static_cast<std::ptrdiff_t>(k), true);
  do {
    std::vector<CellId> shard;
    bool fits = true;
    for (std::size_t i = 0; i < n && fits; ++i) {
      if (!pick[i]) continue;
      const CellId c = pools.all[i];
      fits = state.has_room(c, pools.cap(c), weight) && state.fits_with(shard, c);
      shard.push_back(c);
    }
    if (fits) return true;
  } while (std::prev_permutation(pick.begin(), pick.end()));
  return false;
}

Shard random_shard(Random& random, std::size_t n, std::size_t size) {
  std::vector<std::uint32_t> ids(n);
  for (std::uint32_t i = 0; i < n; ++i)
    ids[i] = i;
  Shard shard;
  for (std::size_t i = 0; i < size; ++i) {
    std::swap(ids[i], ids[i + random.index(n - i)]);
    shard.push_back(CellId{ids[i]});
  }
  return shard;
}

// Random states grown one shard at a time (any shard, fitting or not), on fleets of 4..9
// cells: after each shard the cursor, resumed with little work at a time, agrees with the
// full enumeration.
TEST(FitCursor, AgreesWithTryingEverySubsetAsThePlacementGrows) {
  Random random(11);
  int proved_full = 0;
  for (int round = 0; round < 60; ++round) {
    const auto n = static_cast<std::uint32_t>(4 + random.index(6));
    const auto k = static_cast<std::uint32_t>(2 + random.index(3));
    const auto m = static_cast<std::uint32_t>(random.index(k));
    const auto capacity =
        static_cast<std::uint32_t>(random.index(3) == 0 ? 0 : 3 + random.index(4));
    const auto weight = static_cast<std::uint32_t>(1 + random.index(2));
    const CellPools pools = CellPools::build(fleet_of(n, 1, capacity), 0);
    PlacementState state(random.index(4) == 0 ? std::nullopt : std::optional<std::uint32_t>(m));
    FitCursor cursor(k, weight);
    for (std::uint32_t t = 0; t < 40; ++t) {
      const bool expected = some_subset_fits(state, pools, k, weight);
      FitCursor::Verdict v = FitCursor::Verdict::kUnknown;
      for (int steps = 0; steps < 100'000 && v == FitCursor::Verdict::kUnknown; ++steps)
        v = cursor.advance(state, pools, 1 + random.index(5));
      ASSERT_NE(v, FitCursor::Verdict::kUnknown);
      ASSERT_EQ(v == FitCursor::Verdict::kFits, expected)
          << "round " << round << " n " << n << " k " << k << " m " << m << " tenants " << t;
      proved_full += expected ? 0 : 1;
      state.add(TenantId{t}, random_shard(random, n, k),
                static_cast<std::uint32_t>(1 + random.index(2)));
    }
  }
  EXPECT_GT(proved_full, 100);  // the runs reach full fleets, not only fitting ones
}

TEST(FitCursor, SaysUnknownWhenTheWorkRunsOut) {
  const CellPools pools = CellPools::build(fleet_of(8), 0);
  PlacementState state(1);
  FitCursor cursor(3, 1);
  EXPECT_EQ(cursor.advance(state, pools, 2), FitCursor::Verdict::kUnknown);
  EXPECT_EQ(cursor.advance(state, pools, 1), FitCursor::Verdict::kFits);
}

TEST(FitCursor, FindsNoneWhenFewerCellsThanAShardNeeds) {
  const CellPools pools = CellPools::build(fleet_of(3), 0);
  PlacementState state(std::nullopt);
  FitCursor cursor(4, 1);
  EXPECT_EQ(cursor.advance(state, pools, 1'000), FitCursor::Verdict::kNoneFits);
}

}  // namespace
}  // namespace cellkit

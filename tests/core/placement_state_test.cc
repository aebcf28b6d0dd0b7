#include "core/placement_state.h"

#include <limits>

#include <gtest/gtest.h>

namespace cellkit {
namespace {

constexpr std::uint32_t kLargestId = std::numeric_limits<std::uint32_t>::max();

TEST(PlacementState, KeepsTheWeightOfATenantWithTheLargestId) {
  PlacementState state(std::nullopt);
  const Shard shard{CellId{0}, CellId{1}};
  state.add(TenantId{kLargestId}, shard, 3);
  EXPECT_EQ(state.weight(TenantId{kLargestId}), 3u);
  EXPECT_EQ(state.load(CellId{1}), 3u);
  state.remove(TenantId{kLargestId}, shard);
  EXPECT_EQ(state.load(CellId{0}), 0u);
}

TEST(PlacementState, TracksWeightsOfSparseLargeIdsSeparately) {
  PlacementState state(std::nullopt);
  state.add(TenantId{7}, Shard{CellId{0}}, 2);
  state.add(TenantId{1'000'000'000}, Shard{CellId{0}}, 5);
  state.add(TenantId{4'000'000'000}, Shard{CellId{1}}, 1);
  EXPECT_EQ(state.weight(TenantId{7}), 2u);
  EXPECT_EQ(state.weight(TenantId{1'000'000'000}), 5u);
  EXPECT_EQ(state.weight(TenantId{4'000'000'000}), 1u);
  EXPECT_EQ(state.weight(TenantId{8}), 1u);
  EXPECT_EQ(state.load(CellId{0}), 7u);
}

TEST(PlacementState, ReaddingATenantWithWeightOneForgetsItsOldWeight) {
  PlacementState state(std::nullopt);
  state.add(TenantId{9}, Shard{CellId{0}}, 4);
  state.remove(TenantId{9}, Shard{CellId{0}});
  state.add(TenantId{9}, Shard{CellId{1}}, 1);
  EXPECT_EQ(state.weight(TenantId{9}), 1u);
  EXPECT_EQ(state.load(CellId{1}), 1u);
}

TEST(PlacementState, CodewordsHeldBackAreRecordedBeforeAnyOtherShard) {
  PlacementState state(2);
  const Shard a{CellId{0}, CellId{1}, CellId{2}, CellId{3}};
  const Shard b{CellId{0}, CellId{4}, CellId{5}, CellId{6}};
  state.add_codeword(TenantId{0}, a, 1, /*key=*/7);
  state.add_codeword(TenantId{1}, b, 1, 7);
  EXPECT_TRUE(state.only_codewords_of(7));
  EXPECT_FALSE(state.only_codewords_of(8));
  EXPECT_EQ(state.load(CellId{0}), 2u);
  // Another shard records the held-back subsets first: {0,1,2} is then used.
  state.add(TenantId{2}, Shard{CellId{7}, CellId{8}, CellId{9}, CellId{10}}, 1);
  EXPECT_FALSE(state.only_codewords_of(7));
  const Shard chosen{CellId{0}, CellId{1}};
  EXPECT_FALSE(state.fits_with(chosen, CellId{2}));
  EXPECT_TRUE(state.fits_with(chosen, CellId{4}));
}

TEST(PlacementState, ACodewordOfAnotherKeyRecordsTheOthersFirst) {
  PlacementState state(2);
  state.add_codeword(TenantId{0}, Shard{CellId{0}, CellId{1}, CellId{2}, CellId{3}}, 1, 7);
  state.add_codeword(TenantId{1}, Shard{CellId{4}, CellId{5}, CellId{6}, CellId{7}}, 1, 9);
  EXPECT_FALSE(state.only_codewords_of(9));
  const Shard chosen{CellId{4}, CellId{5}};
  EXPECT_FALSE(state.fits_with(chosen, CellId{6}));
  EXPECT_FALSE(state.fits_with(Shard{CellId{0}, CellId{1}}, CellId{3}));
}

}  // namespace
}  // namespace cellkit

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

}  // namespace
}  // namespace cellkit

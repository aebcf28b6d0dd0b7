#include "cellkit/core/fleet.h"

#include <gtest/gtest.h>

namespace cellkit {
namespace {

Cell make_cell(std::uint32_t id, std::string name) {
  return Cell{.id = CellId{id}, .name = std::move(name)};
}

TEST(Fleet, KeepsCellsSortedById) {
  Fleet fleet;
  ASSERT_TRUE(fleet.add(make_cell(5, "e")).is_ok());
  ASSERT_TRUE(fleet.add(make_cell(1, "a")).is_ok());
  ASSERT_TRUE(fleet.add(make_cell(3, "c")).is_ok());
  ASSERT_EQ(fleet.size(), 3u);
  EXPECT_EQ(fleet.cells()[0].id, CellId{1});
  EXPECT_EQ(fleet.cells()[1].id, CellId{3});
  EXPECT_EQ(fleet.cells()[2].id, CellId{5});
}

TEST(Fleet, RejectsDuplicateIdAndName) {
  Fleet fleet;
  ASSERT_TRUE(fleet.add(make_cell(1, "a")).is_ok());
  Status dup_id = fleet.add(make_cell(1, "b"));
  EXPECT_EQ(dup_id.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup_id.message(), "cell id 1 is already in the fleet");
  Status dup_name = fleet.add(make_cell(2, "a"));
  EXPECT_EQ(dup_name.message(), "cell name 'a' is already in the fleet");
  EXPECT_EQ(fleet.size(), 1u);
}

TEST(Fleet, FindCellReturnsNullForUnknownId) {
  Fleet fleet;
  ASSERT_TRUE(fleet.add(make_cell(1, "a")).is_ok());
  EXPECT_EQ(fleet.find_cell(CellId{2}), nullptr);
  ASSERT_NE(fleet.find_cell(CellId{1}), nullptr);
  EXPECT_EQ(fleet.cell(CellId{1}).name, "a");
}

TEST(Fleet, RemoveUnknownCellIsNotFound) {
  Fleet fleet;
  EXPECT_EQ(fleet.remove(CellId{4}).message(), "no cell with id 4");
  ASSERT_TRUE(fleet.add(make_cell(4, "d")).is_ok());
  EXPECT_TRUE(fleet.remove(CellId{4}).is_ok());
  EXPECT_TRUE(fleet.empty());
}

TEST(Fleet, PlaceableCellsAreActiveAndHealthy) {
  Fleet fleet;
  for (std::uint32_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(fleet.add(make_cell(i, "c" + std::to_string(i))).is_ok());
  }
  fleet.cell(CellId{1}).state = CellState::kDraining;
  fleet.cell(CellId{2}).healthy = false;
  fleet.cell(CellId{3}).state = CellState::kDisabled;
  EXPECT_EQ(fleet.placeable_cells(), std::vector<CellId>{CellId{0}});
}

TEST(CellState, HasReadableNames) {
  EXPECT_EQ(to_string(CellState::kActive), "active");
  EXPECT_EQ(to_string(CellState::kDraining), "draining");
  EXPECT_EQ(to_string(CellState::kDisabled), "disabled");
}

}  // namespace
}  // namespace cellkit

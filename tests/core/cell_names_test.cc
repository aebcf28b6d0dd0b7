#include "cellkit/core/cell_names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cellkit/core/placement_ops.h"

namespace cellkit {
namespace {

TEST(CellNames, AnEvidentSchemeCountsOnPastTheLargestNumber) {
  const std::vector<std::string> names = {"use1-cell-3", "use1-cell-10", "use1-cell-4"};
  std::optional<NameScheme> s = evident_scheme(names);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->take(), "use1-cell-11");
  EXPECT_EQ(s->take(), "use1-cell-12");
}

TEST(CellNames, ZeroPaddingIsKeptWhenEveryNumberHasTheSameWidth) {
  const std::vector<std::string> names = {"c007", "c012", "c000"};
  std::optional<NameScheme> s = evident_scheme(names);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->take(), "c013");
}

TEST(CellNames, NoSchemeWhenPrefixesDifferOrANameHasNoNumber) {
  const std::vector<std::string> mixed = {"a1", "b2"};
  const std::vector<std::string> bare = {"cell-1", "cell-x"};
  EXPECT_FALSE(evident_scheme(mixed).has_value());
  EXPECT_FALSE(evident_scheme(bare).has_value());
  EXPECT_FALSE(evident_scheme({}).has_value());
}

TEST(CellNames, APrefixCountsPastItsOwnNamesOnly) {
  const std::vector<std::string> names = {"edge-4", "cell-9", "edge-x"};
  NameScheme s = prefix_scheme("edge-", names);
  EXPECT_EQ(s.take(), "edge-5");
  EXPECT_EQ(prefix_scheme("new-", names).take(), "new-0");
}

Fleet fleet_of(const std::vector<std::pair<std::string, std::uint16_t>>& cells) {
  Fleet f;
  std::uint32_t id = 0;
  for (const auto& [name, zone] : cells)
    EXPECT_TRUE(f.add({.id = CellId{id++}, .name = name, .zone = ZoneId{zone}}).is_ok());
  return f;
}

std::vector<std::string> names_of(const std::vector<Cell>& cells) {
  std::vector<std::string> names;
  for (const Cell& c : cells)
    names.push_back(c.name);
  return names;
}

TEST(NextCells, EachZoneKeepsItsOwnPrefix) {
  const Fleet f = fleet_of({{"a1", 0}, {"a2", 0}, {"b1", 1}, {"b2", 1}});
  const auto added = next_cells(f, 3);
  ASSERT_TRUE(added.is_ok());
  EXPECT_EQ(names_of(*added), (std::vector<std::string>{"a3", "b3", "a4"}));
}

TEST(NextCells, OneFleetSchemeWhenZonesShareAPrefix) {
  const Fleet f = fleet_of({{"rack-01", 0}, {"rack-02", 1}, {"rack-03", 0}});
  const auto added = next_cells(f, 2);
  ASSERT_TRUE(added.is_ok());
  EXPECT_EQ(names_of(*added), (std::vector<std::string>{"rack-04", "rack-05"}));
}

TEST(NextCells, CellIdNamesWithoutAScheme) {
  const Fleet f = fleet_of({{"alpha", 0}, {"beta", 0}});
  const auto added = next_cells(f, 1);
  ASSERT_TRUE(added.is_ok());
  EXPECT_EQ(names_of(*added), (std::vector<std::string>{"cell-2"}));
}

TEST(NextCells, APrefixOverridesTheScheme) {
  const Fleet f = fleet_of({{"a1", 0}, {"b1", 1}});
  const auto added = next_cells(f, 2, "edge-");
  ASSERT_TRUE(added.is_ok());
  EXPECT_EQ(names_of(*added), (std::vector<std::string>{"edge-0", "edge-1"}));
}

}  // namespace
}  // namespace cellkit

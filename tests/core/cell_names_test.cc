#include "cellkit/core/cell_names.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cellkit/base/random.h"
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

// Names in the shapes fleets have: per-zone prefixes, one prefix, zero padding, no number.
std::string some_name(Random& random, std::uint16_t zone, std::uint32_t i) {
  switch (random.index(8)) {
    case 0:
      return fmt::format("cell-{}", i);
    case 1:
      return fmt::format("x{}", i * 7);
    case 2:
      return fmt::format("z{}-{:02}", zone, i);
    case 3:
      return "plain";
    default:
      return fmt::format("{}{}", static_cast<char>('a' + zone), i);
  }
}

// Cells join one at a time, most in the zone least_zone() gives and some elsewhere, some with
// names of their own or with a name taken already (then "added-<i>", as the simulator does):
// the names and zones given stay those of AddedCellNames built afresh from the grown fleet.
TEST(AddedCellNames, GrowingCellByCellMatchesBuildingFromTheGrownFleet) {
  Random random(3);
  for (int round = 0; round < 200; ++round) {
    Fleet fleet;
    const auto start = static_cast<std::uint32_t>(random.index(6));
    for (std::uint32_t i = 0; i < start; ++i) {
      const auto zone = static_cast<std::uint16_t>(random.index(3));
      (void)fleet.add({.id = CellId{i}, .name = some_name(random, zone, i), .zone = ZoneId{zone}});
    }
    AddedCellNames grown(fleet, "");
    for (std::uint32_t i = 0; i < 30; ++i) {
      AddedCellNames rebuilt(fleet, "");
      const std::string where = fmt::format("round {} cell {}", round, i);
      ASSERT_EQ(grown.least_zone(), rebuilt.least_zone()) << where;
      ASSERT_EQ(grown.next_id(), rebuilt.next_id()) << where;
      const auto zone =
          random.index(4) == 0 ? static_cast<std::uint16_t>(random.index(4)) : rebuilt.least_zone();
      const std::uint32_t id = rebuilt.next_id();
      Cell cell{.id = CellId{id}, .name = grown.name(zone, id), .zone = ZoneId{zone}};
      ASSERT_EQ(cell.name, rebuilt.name(zone, id)) << where;
      if (random.index(6) == 0) cell.name = some_name(random, zone, i);
      if (!fleet.add(cell).is_ok()) {
        cell.name = fmt::format("added-{}", i);
        ASSERT_TRUE(fleet.add(cell).is_ok()) << where;
      }
      grown.add(cell);
    }
  }
}

TEST(AddedCellNames, AnEmptyFleetStartsAtZoneZeroWithCellIdNames) {
  AddedCellNames names(Fleet{}, "");
  EXPECT_EQ(names.least_zone(), 0u);
  EXPECT_EQ(names.name(0, 0), "cell-0");
}

}  // namespace
}  // namespace cellkit

// Core messages that name a tenant or cell from a file show the name cut (base/cut.h): a
// megabyte-long name gives a short message, never the name whole.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cellkit/base/cut.h"
#include "cellkit/core/fleet.h"
#include "cellkit/core/placement.h"
#include "cellkit/core/placement_ops.h"
#include "cellkit/core/strategies.h"
#include "core/placement_test_support.h"

namespace cellkit {
namespace {

using testing_support::fleet_of;
using testing_support::tenants_of;

const std::string kLong(100'000, 'n');

// A placement of 2 tenants on 4 cells whose tenant 1 is named kLong.
Placement long_named_placement() {
  std::vector<Tenant> tenants = tenants_of(2, 2);
  tenants[1].name = kLong;
  return *place(fleet_of(4), tenants, {});
}

TEST(CutNames, EveryMessageShowsALongNameCut) {
  const std::string shown = "'" + cut(kLong) + "'";
  Fleet fleet = fleet_of(2);
  Placement unknown_cell = long_named_placement();
  unknown_cell.mapping.assign(TenantId{1}, {CellId{0}, CellId{9}});
  Placement repeated_cell = long_named_placement();
  repeated_cell.mapping.assign(TenantId{1}, {CellId{0}, CellId{0}});
  Tenant too_big{.id = TenantId{0}, .name = kLong, .shard_size = 3};
  Random random(1);
  const std::vector<std::pair<std::string, Status>> table = {
      {"cell name " + shown + " is already in the fleet",
       [&] {
         (void)fleet.add({.id = CellId{7}, .name = kLong});
         return fleet.add({.id = CellId{8}, .name = kLong});
       }()},
      {"tenant " + shown + " names unknown cell 9", check_placement(unknown_cell)},
      {"tenant " + shown + " repeats cell 0", check_placement(repeated_cell)},
      {"tenant " + shown + " needs 3 cells but only 2 healthy active cells exist",
       (*make_strategy({}))->choose(fleet_of(2), Mapping{}, too_big, random).status()},
  };
  for (const auto& [expected, status] : table) {
    EXPECT_EQ(status.message(), expected);
    EXPECT_LT(status.message().size(), 200u);
  }
}

}  // namespace
}  // namespace cellkit

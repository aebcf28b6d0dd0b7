#include "core/used_subsets.h"

#include <map>

#include "cellkit/core/mapping.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace cellkit {
namespace {

TEST(UsedSubsets, RefusesAShardThatReusesASubset) {
  UsedSubsets table(2);
  table.add(Shard{CellId{1}, CellId{2}, CellId{3}, CellId{4}});
  EXPECT_FALSE(table.fits(Shard{CellId{9}, CellId{3}, CellId{1}, CellId{2}}));
  EXPECT_TRUE(table.fits(Shard{CellId{9}, CellId{3}, CellId{1}, CellId{8}}));
  EXPECT_EQ(table.used_subsets(), 4u);
}

TEST(UsedSubsets, FitsWithChecksOnlySubsetsHoldingTheNewCell) {
  UsedSubsets table(1);
  table.add(Shard{CellId{1}, CellId{2}});
  const Shard chosen{CellId{1}, CellId{5}};
  EXPECT_FALSE(table.fits_with(chosen, CellId{2}));
  EXPECT_TRUE(table.fits_with(chosen, CellId{3}));
}

TEST(UsedSubsets, HashedKeysForLargeIdsStillWork) {
  UsedSubsets table(3);  // 4 ids of 16 bits: these ids need the hashed key
  const Shard big{CellId{70000}, CellId{70001}, CellId{70002}, CellId{70003}, CellId{5}};
  table.add(big);
  EXPECT_FALSE(table.fits(Shard{CellId{70003}, CellId{70001}, CellId{70000}, CellId{70002}}));
  table.remove(big);
  EXPECT_TRUE(table.fits(big));
}

RC_GTEST_PROP(FlatCounter, AgreesWithAMapUnderAddsAndRemoves, ()) {
  FlatCounter<std::uint64_t> counter;
  std::map<std::uint64_t, std::uint32_t> reference;
  const auto ops = *rc::gen::container<std::vector<std::pair<bool, std::uint8_t>>>(
      rc::gen::pair(rc::gen::arbitrary<bool>(), rc::gen::arbitrary<std::uint8_t>()));
  for (const auto& [add, small] : ops) {
    const std::uint64_t key = small % 64;  // few keys, so runs collide and shift
    if (add || reference[key] == 0) {
      counter.add(key);
      ++reference[key];
    } else {
      counter.remove(key);
      --reference[key];
    }
  }
  std::size_t present = 0;
  for (const auto& [key, count] : reference) {
    RC_ASSERT(counter.count(key) == count);
    present += count > 0 ? 1 : 0;
  }
  RC_ASSERT(counter.size() == present);
}

}  // namespace
}  // namespace cellkit

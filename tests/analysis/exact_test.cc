#include "cellkit/analysis/exact.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace cellkit {
namespace {

TEST(Choose, MatchesPublishedExactValues) {
  EXPECT_EQ(*choose(8, 2), UInt128{28});
  EXPECT_EQ(*choose(50, 4), UInt128{230'300});
  EXPECT_EQ(*choose(100, 4), UInt128{3'921'225});
  EXPECT_EQ(*choose(100, 5), UInt128{75'287'520});
  EXPECT_EQ(*choose(2048, 4), UInt128{730'862'190'080});
}

TEST(Choose, IsZeroWhenKExceedsN) {
  EXPECT_EQ(*choose(3, 4), UInt128{0});
}

TEST(Choose, ComputesValuesBeyondSixtyFourBits) {
  // C(128, 64) = 2.40e37: fits in 128 bits, not in 64.
  EXPECT_EQ(to_decimal(*choose(128, 64)), "23951146041928082866135587776380551750");
}

TEST(Choose, ReportsOverflowInsteadOfWrapping) {
  EXPECT_FALSE(choose(400, 200).has_value());
}

RC_GTEST_PROP(Choose, SatisfiesPascalsRule, ()) {
  const auto n = *rc::gen::inRange<std::uint64_t>(1, 120);
  const auto k = *rc::gen::inRange<std::uint64_t>(1, n + 1);
  RC_ASSERT(*choose(n, k) == *choose(n - 1, k - 1) + *choose(n - 1, k));
}

TEST(WithSeparators, GroupsDigitsByThousands) {
  EXPECT_EQ(with_separators(730'862'190'080), "730,862,190,080");
  EXPECT_EQ(with_separators(0), "0");
  EXPECT_EQ(with_separators(999), "999");
  EXPECT_EQ(with_separators(1000), "1,000");
  EXPECT_EQ(with_separators(134'217'728), "134,217,728");
}

TEST(CheckedMul, DetectsOverflow) {
  const UInt128 big = UInt128{1} << 100;
  EXPECT_FALSE(checked_mul(big, big).has_value());
  EXPECT_EQ(*checked_mul(big, 2), big << 1);
}

TEST(PairsOf, CountsUnorderedPairs) {
  EXPECT_EQ(pairs_of(0), UInt128{0});
  EXPECT_EQ(pairs_of(1), UInt128{0});
  EXPECT_EQ(pairs_of(28), UInt128{378});
  EXPECT_EQ(pairs_of(10'000), UInt128{49'995'000});
  EXPECT_EQ(pairs_of(10'001), UInt128{50'005'000});
}

TEST(DivideRounded, RoundsHalvesUp) {
  EXPECT_EQ(divide_rounded(7, 2), UInt128{4});
  EXPECT_EQ(divide_rounded(5, 3), UInt128{2});
  EXPECT_EQ(divide_rounded(4, 3), UInt128{1});
}

}  // namespace
}  // namespace cellkit

// Steiner triple systems (Bose, Skolem): every pair exactly once, checked exhaustively;
// packings: every pair at most once, the packing number reached, the leave the smallest; the
// balanced order keeps loads close.
#include "core/triple_systems.h"

#include <algorithm>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace cellkit {
namespace {

// How many blocks hold each pair {a < b}, as a v×v table (a·v + b); fails on a bad block.
std::vector<int> pair_counts(const std::vector<Triple>& blocks, std::uint32_t v) {
  std::vector<int> counts(std::size_t{v} * v, 0);
  for (const Triple& b : blocks) {
    EXPECT_TRUE(b[0] < v && b[1] < v && b[2] < v);
    EXPECT_TRUE(b[0] != b[1] && b[1] != b[2] && b[0] != b[2]);
    for (int i = 0; i < 3; ++i) {
      for (int j = i + 1; j < 3; ++j) {
        const auto [lo, hi] = std::minmax(b[i], b[j]);
        ++counts[std::size_t{lo} * v + hi];
      }
    }
  }
  return counts;
}

void expect_every_pair(const std::vector<Triple>& blocks, std::uint32_t v, int lo_count) {
  const std::vector<int> counts = pair_counts(blocks, v);
  for (std::uint32_t a = 0; a < v; ++a) {
    for (std::uint32_t b = a + 1; b < v; ++b) {
      const int c = counts[std::size_t{a} * v + b];
      ASSERT_TRUE(c >= lo_count && c <= 1) << "pair " << a << " " << b << " in " << c << " blocks";
    }
  }
}

TEST(SteinerTripleSystem, AdmissibleOrdersAreOneAndThreeModSix) {
  std::vector<std::uint32_t> admissible;
  for (std::uint32_t v = 0; v <= 21; ++v)
    if (sts_order_admissible(v)) admissible.push_back(v);
  EXPECT_EQ(admissible, (std::vector<std::uint32_t>{3, 7, 9, 13, 15, 19, 21}));
}

void expect_systems(std::initializer_list<std::uint32_t> orders) {
  for (std::uint32_t v : orders) {
    SCOPED_TRACE(v);
    const std::vector<Triple> blocks = steiner_triple_system(v);
    EXPECT_EQ(blocks.size(), std::uint64_t{v} * (v - 1) / 6);
    expect_every_pair(blocks, v, 1);
  }
}

TEST(SteinerTripleSystem, BoseCoversEveryPairExactlyOnce) {
  expect_systems({3, 9, 15, 21, 27, 33, 45, 63, 99});
}

TEST(SteinerTripleSystem, SkolemCoversEveryPairExactlyOnce) {
  expect_systems({7, 13, 19, 25, 31, 37, 43, 61, 97});
}

TEST(TriplePacking, MaximumPackingNumbers) {
  // Known values D(n,3,2) for n = 3..13.
  const std::vector<std::uint64_t> known = {1, 1, 2, 4, 7, 8, 12, 13, 17, 20, 26};
  for (std::uint32_t n = 3; n <= 13; ++n)
    EXPECT_EQ(max_triple_packing(n), known[n - 3]) << n;
}

// Every order from 3 to 200 reaches the packing number, every pair checked.
TEST(TriplePacking, EveryPairAtMostOnceAndTheMaximumForEveryOrder) {
  for (std::uint32_t n = 3; n <= 200; ++n) {
    SCOPED_TRACE(n);
    const TriplePacking p = triple_packing(n);
    expect_every_pair(p.blocks, n, 0);
    EXPECT_EQ(p.blocks.size(), max_triple_packing(n));
  }
  EXPECT_EQ(triple_packing(1'024).blocks.size(), max_triple_packing(1'024));  // ≡ 4 (mod 6)
  EXPECT_EQ(triple_packing(1'025).blocks.size(), max_triple_packing(1'025));  // ≡ 5
}

// The pairs no triple holds (the leave), as each point's count of them.
std::vector<int> leave_degrees(const std::vector<Triple>& blocks, std::uint32_t v) {
  const std::vector<int> counts = pair_counts(blocks, v);
  std::vector<int> degree(v, 0);
  for (std::uint32_t a = 0; a < v; ++a) {
    for (std::uint32_t b = a + 1; b < v; ++b) {
      if (counts[std::size_t{a} * v + b] == 0) ++degree[a], ++degree[b];
    }
  }
  return degree;
}

// The leaves are the smallest the degrees allow: N ≡ 5 (mod 6) a 4-cycle (4 points of degree
// 2), N ≡ 4 one point of degree 3 and the rest of degree 1 (a
// tripole), N ≡ 0, 2 a perfect matching. And the cut is named.
TEST(TriplePacking, LeavesAreAFourCycleATripoleOrAMatching) {
  for (std::uint32_t n = 4; n <= 100; ++n) {
    SCOPED_TRACE(n);
    const TriplePacking p = triple_packing(n);
    const std::vector<int> degree = leave_degrees(p.blocks, n);
    const auto count = [&](int d) { return std::ranges::count(degree, d); };
    switch (n % 6) {
      case 5:
        EXPECT_EQ(p.cut, PackingCut::kFiveBlockSplit);
        EXPECT_EQ(count(2), 4);
        EXPECT_EQ(count(0), n - 4);
        break;
      case 4:
        EXPECT_EQ(p.cut, PackingCut::kFiveBlockDesignLessAPoint);
        EXPECT_EQ(count(3), 1);
        EXPECT_EQ(count(1), n - 1);
        break;
      case 0:
      case 2:
        EXPECT_EQ(p.cut, PackingCut::kSystemLessAPoint);
        EXPECT_EQ(count(1), n);
        break;
      default:
        EXPECT_EQ(p.cut, PackingCut::kSystem);
        EXPECT_EQ(count(0), n);
        break;
    }
  }
}

// Loads after every prefix of the balanced order differ by at most 2, and the order is a
// permutation of the blocks.
TEST(TriplePacking, BalancedOrderKeepsEveryPrefixWithinTwo) {
  for (std::uint32_t v : {7u, 9u, 13u, 15u, 31u, 33u, 61u, 63u}) {
    SCOPED_TRACE(v);
    const std::vector<Triple> blocks = steiner_triple_system(v);
    const std::vector<Triple> ordered = balance_triples(blocks, v);
    EXPECT_EQ(std::multiset<Triple>(blocks.begin(), blocks.end()),
              std::multiset<Triple>(ordered.begin(), ordered.end()));
    std::vector<int> load(v, 0);
    int widest = 0;
    for (const Triple& b : ordered) {
      for (std::uint16_t p : b)
        ++load[p];
      const auto [lo, hi] = std::minmax_element(load.begin(), load.end());
      widest = std::max(widest, *hi - *lo);
    }
    EXPECT_LE(widest, 2);
  }
}

}  // namespace
}  // namespace cellkit

#include "cellkit/core/designs.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/pooled_strategy.h"  // binomial

#include "core/steiner_quadruples.h"

namespace cellkit {
namespace {

std::vector<std::vector<std::uint32_t>> all_codewords(const Design& d, std::uint32_t k) {
  std::vector<std::vector<std::uint32_t>> out(d.size(), std::vector<std::uint32_t>(k));
  for (std::uint64_t i = 0; i < d.size(); ++i)
    d.codeword(i, out[i]);
  return out;
}

// How often each sorted t-subset of points is covered, over all codewords.
std::map<std::vector<std::uint32_t>, int> cover(
    const std::vector<std::vector<std::uint32_t>>& words, std::size_t t) {
  std::map<std::vector<std::uint32_t>, int> counts;
  for (std::vector<std::uint32_t> w : words) {
    std::sort(w.begin(), w.end());
    std::vector<bool> pick(w.size(), false);
    std::fill(pick.begin(), pick.begin() + static_cast<std::ptrdiff_t>(t), true);
    do {
      std::vector<std::uint32_t> key;
      for (std::size_t i = 0; i < w.size(); ++i)
        if (pick[i]) key.push_back(w[i]);
      ++counts[key];
    } while (std::prev_permutation(pick.begin(), pick.end()));
  }
  return counts;
}

TEST(Stripes, EveryCodewordTakesOneCellPerZoneAndPrefixesStayBalanced) {
  const auto d = make_design({.cells = 4 * 7, .zones = 4, .shard_size = 4, .max_overlap = 1});
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->family(), DesignFamily::kReedSolomonStripes);
  ASSERT_EQ(d->size(), 49u);
  std::vector<int> load(28, 0);
  for (const auto& w : all_codewords(*d, 4)) {
    for (std::uint32_t z = 0; z < 4; ++z) {
      EXPECT_EQ(w[z] / 7, z);
      ++load[w[z]];
    }
    const auto [lo, hi] = std::minmax_element(load.begin(), load.end());
    ASSERT_LE(*hi - *lo, 1);
  }
}

TEST(Stripes, TwoCodewordsAgreeInAtMostMZonesBruteForce) {
  const auto d = make_design({.cells = 3 * 8, .zones = 3, .shard_size = 3, .max_overlap = 1});
  ASSERT_NE(d, nullptr);
  const auto words = all_codewords(*d, 3);
  ASSERT_EQ(words.size(), 64u);
  for (std::size_t i = 0; i < words.size(); ++i) {
    for (std::size_t j = i + 1; j < words.size(); ++j) {
      int same = 0;
      for (std::size_t z = 0; z < 3; ++z)
        same += words[i][z] == words[j][z];
      ASSERT_LE(same, 1) << i << " " << j;
    }
  }
}

TEST(BooleanSqs, CoversEveryTripleOnceForSmallOrders) {
  for (std::uint32_t n : {8u, 16u, 32u}) {
    SCOPED_TRACE(n);
    const auto d = make_design({.cells = n, .shard_size = 4, .max_overlap = 2});
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->family(), DesignFamily::kBooleanSqs);
    const auto counts = cover(all_codewords(*d, 4), 3);
    EXPECT_EQ(counts.size(), binomial(n, 3));
    for (const auto& [key, c] : counts)
      ASSERT_EQ(c, 1);
  }
}

// A subspace's cosets come together: each run of N/4 blocks is a parallel class.
TEST(BooleanSqs, ConsecutiveCosetsPartitionThePoints) {
  const auto d = make_design({.cells = 16, .shard_size = 4, .max_overlap = 2});
  std::vector<std::uint32_t> w(4);
  for (std::uint64_t start = 0; start < d->size(); start += 4) {
    std::set<std::uint32_t> seen;
    for (std::uint64_t i = start; i < start + 4; ++i) {
      d->codeword(i, w);
      seen.insert(w.begin(), w.end());
    }
    ASSERT_EQ(seen.size(), 16u);
  }
}

TEST(SqsSearch, FindsTheSystemsOfOrderTenAndFourteen) {
  for (std::uint32_t v : {10u, 14u}) {
    const auto blocks = search_sqs(v, 1'000'000);
    ASSERT_TRUE(blocks.has_value());
    EXPECT_EQ(blocks->size(), binomial(v, 3) / 4);
  }
  EXPECT_FALSE(search_sqs(12, 1'000'000).has_value());  // 12 ≡ 0 (mod 6): none exists
}

TEST(SqsSearch, CyclicSearchFindsSystemsInvariantUnderTranslation) {
  for (std::uint32_t v : {10u, 22u, 26u}) {
    const auto blocks = search_cyclic_sqs(v, 2'000'000);
    ASSERT_TRUE(blocks.has_value()) << v;
    EXPECT_EQ(blocks->size(), std::size_t{v} * (v - 1) * (v - 2) / 24) << v;
    std::set<Quad> all(blocks->begin(), blocks->end());
    for (Quad q : *blocks) {
      for (auto& x : q)
        x = static_cast<std::uint16_t>((x + 1) % v);
      std::sort(q.begin(), q.end());
      ASSERT_TRUE(all.contains(q)) << v;  // the translate is a block too
    }
  }
  EXPECT_FALSE(search_cyclic_sqs(14, 2'000'000).has_value());  // the search ends: no cyclic SQS(14)
  EXPECT_FALSE(search_cyclic_sqs(12, 2'000'000).has_value());  // 12 ≡ 0 (mod 6)
}

TEST(DoubledSqs, CoversEveryTripleOnce) {
  const auto d = make_design({.cells = 40, .shard_size = 4, .max_overlap = 2});
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->family(), DesignFamily::kDoubledSqs);
  const auto counts = cover(all_codewords(*d, 4), 3);
  EXPECT_EQ(counts.size(), binomial(40, 3));
  for (const auto& [key, c] : counts)
    ASSERT_EQ(c, 1);
}

// The family named for one pool with k = 4, m = 2 says how the SQS(N) is built: only N = v·2^j
// with j ≥ 1 is doubled (SQS(38), SQS(46), SQS(50), SQS(58) are stored, not doubles). The
// design built for N is of the same family. (34 and 68, by the cyclic search, are left to the
// soak tests: 0.5 s.)
TEST(FitDesign, NamesHowEachSteinerQuadrupleSystemIsBuilt) {
  const std::map<std::uint32_t, std::string_view> families = {
      {8, "boolean steiner quadruple system"},
      {10, "steiner quadruple system"},
      {14, "steiner quadruple system"},
      {20, "doubled steiner quadruple system"},
      {22, "cyclic steiner quadruple system"},
      {26, "cyclic steiner quadruple system"},
      {28, "doubled steiner quadruple system"},
      {38, "rotational steiner quadruple system"},
      {44, "doubled steiner quadruple system"},
      {46, "rotational steiner quadruple system"},
      {50, "rotational steiner quadruple system"},
      {58, "rotational steiner quadruple system"},
      {64, "boolean steiner quadruple system"},
      {76, "doubled steiner quadruple system"},
      {92, "doubled steiner quadruple system"},
      {100, "doubled steiner quadruple system"},
      {116, "doubled steiner quadruple system"},
      {62, "none"},
  };
  for (const auto& [n, family] : families) {
    SCOPED_TRACE(n);
    const DesignShape shape{.cells = n, .shard_size = 4, .max_overlap = 2};
    const DesignFit fit = fit_design(shape);
    EXPECT_EQ(family_name(fit.family), family);
    const std::shared_ptr<const Design> d = make_design(shape);
    EXPECT_EQ(d ? d->family() : DesignFamily::kNone, fit.family);
  }
  EXPECT_EQ(fit_design({.cells = 76, .shard_size = 4, .max_overlap = 2}).reason,
            "SQS(76) doubled from SQS(38) developed from 27 base blocks on Z_37 and a point");
}

TEST(AffinePlane, CoversEveryPairOnce) {
  const auto d = make_design({.cells = 16, .shard_size = 4, .max_overlap = 1});
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->family(), DesignFamily::kAffinePlane);
  EXPECT_EQ(d->size(), 20u);
  const auto counts = cover(all_codewords(*d, 4), 2);
  EXPECT_EQ(counts.size(), binomial(16, 2));
  for (const auto& [key, c] : counts)
    ASSERT_EQ(c, 1);
}

TEST(FitDesign, NamesTheFamilyTheBoundAndWhatTheConstructionReaches) {
  const DesignFit r53 = fit_design({.cells = 2048, .zones = 4, .shard_size = 4, .max_overlap = 2});
  EXPECT_EQ(r53.family, DesignFamily::kReedSolomonStripes);
  EXPECT_EQ(r53.bound, 134'217'728u);
  EXPECT_EQ(r53.reach, 134'217'728u);
  EXPECT_EQ(r53.reason, "4 zones of 512 cells, polynomials of degree at most 2 over GF(512)");

  const DesignFit twenty = fit_design({.cells = 20, .shard_size = 4, .max_overlap = 2});
  EXPECT_EQ(twenty.family, DesignFamily::kDoubledSqs);
  EXPECT_EQ(twenty.bound, 285u);
  EXPECT_EQ(twenty.reach, 285u);
  EXPECT_EQ(twenty.reason, "SQS(20) doubled from SQS(10) found by search");

  const DesignFit hundred = fit_design({.cells = 100, .shard_size = 4, .max_overlap = 2});
  EXPECT_EQ(hundred.family, DesignFamily::kDoubledSqs);
  EXPECT_EQ(hundred.bound, 40'425u);
  EXPECT_EQ(hundred.reach, 40'425u);
  EXPECT_EQ(hundred.reason,
            "SQS(100) doubled from SQS(50) developed from 44 base blocks on Z_49 and a point");
  const DesignFit fifty = fit_design({.cells = 50, .shard_size = 4, .max_overlap = 2});
  EXPECT_EQ(fifty.family, DesignFamily::kRotationalSqs);
  EXPECT_EQ(fifty.reach, 4'900u);
  EXPECT_EQ(fifty.reason, "SQS(50) developed from 44 base blocks on Z_49 and a point");
  EXPECT_EQ(fit_design({.cells = 46, .shard_size = 4, .max_overlap = 2}).reason,
            "SQS(46) developed from 15 base blocks on 2 copies of Z_23");
  EXPECT_EQ(fit_design({.cells = 116, .shard_size = 4, .max_overlap = 2}).reason,
            "SQS(116) doubled from SQS(58) developed from 38 base blocks on 2 copies of Z_29");
  EXPECT_EQ(fit_design({.cells = 38, .shard_size = 4, .max_overlap = 2}).reason,
            "SQS(38) developed from 27 base blocks on Z_37 and a point");
  // 62 = 2 · 31 with 31 not admissible: its own base, neither searched (over 34 points) nor stored.
  const DesignFit sixty_two = fit_design({.cells = 62, .shard_size = 4, .max_overlap = 2});
  EXPECT_EQ(sixty_two.family, DesignFamily::kNone);
  EXPECT_EQ(sixty_two.reach, 0u);
  EXPECT_EQ(sixty_two.reason,
            "no design: no SQS(62) built: SQS bases are searched for up to 34 points, and "
            "SQS(38), SQS(46), SQS(50) and SQS(58) are stored");
  EXPECT_EQ(fit_design({.cells = 124, .shard_size = 4, .max_overlap = 2}).reason,
            "no design: no SQS(124) built: it would double SQS(62), but SQS bases are searched "
            "for up to 34 points, and SQS(38), SQS(46), SQS(50) and SQS(58) are stored");

  const DesignFit odd = fit_design({.cells = 30, .shard_size = 4, .max_overlap = 2});
  EXPECT_EQ(odd.reason,
            "no design: a Steiner quadruple system needs N ≡ 2 or 4 (mod 6); 30 ≡ 0; no packing "
            "holds more than 1005 tenants (Johnson's bound, 99.0% of the bound)");
  // Johnson's bound under 95% of C(N,3)/4: no placement reaches the 95% on 21 cells.
  EXPECT_EQ(fit_design({.cells = 21, .shard_size = 4, .max_overlap = 2}).reason,
            "no design: a Steiner quadruple system needs N ≡ 2 or 4 (mod 6); 21 ≡ 3; no packing "
            "holds more than 315 tenants (Johnson's bound, 94.9% of the bound)");
  const DesignFit six = fit_design({.cells = 60, .zones = 4, .shard_size = 4, .max_overlap = 2});
  EXPECT_EQ(six.family, DesignFamily::kNone);
  EXPECT_EQ(six.reason, "no design: 15 cells per zone is not a prime power up to 65536");
  EXPECT_EQ(six.bound, 3375u);  // 15^3
}

TEST(SteinerTriples, CoverEveryPairOnceInOnePoolWithShardsOfThree) {
  for (std::uint32_t n : {7u, 13u, 15u, 19u, 21u, 27u}) {
    SCOPED_TRACE(n);
    const auto d = make_design({.cells = n, .shard_size = 3, .max_overlap = 1});
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->family(), DesignFamily::kSteinerTriple);
    EXPECT_EQ(d->size(), n * (n - 1) / 6);
    const auto counts = cover(all_codewords(*d, 3), 2);
    EXPECT_EQ(counts.size(), binomial(n, 2));
    for (const auto& [key, c] : counts)
      ASSERT_EQ(c, 1);
  }
  // N = 9 = 3² is the affine plane AG(2,3), itself a triple system.
  EXPECT_EQ(make_design({.cells = 9, .shard_size = 3, .max_overlap = 1})->family(),
            DesignFamily::kAffinePlane);
  EXPECT_EQ(make_design({.cells = 16, .shard_size = 3, .max_overlap = 1}), nullptr);
}

TEST(FitDesign, NamesTheTripleSystemOrThePackingDesignPlaces) {
  const DesignFit bose = fit_design({.cells = 15, .shard_size = 3, .max_overlap = 1});
  EXPECT_EQ(bose.family, DesignFamily::kSteinerTriple);
  EXPECT_EQ(bose.bound, 35u);
  EXPECT_EQ(bose.reach, 35u);
  EXPECT_EQ(bose.reason, "Bose's construction on Z_5 × Z_3");
  const DesignFit skolem = fit_design({.cells = 31, .shard_size = 3, .max_overlap = 1});
  EXPECT_EQ(skolem.reach, 155u);
  EXPECT_EQ(skolem.reason, "Skolem's construction on Z_10 × Z_3 and a point");
  EXPECT_EQ(fit_design({.cells = 30, .shard_size = 3, .max_overlap = 1}).reason,
            "no design: a Steiner triple system needs N ≡ 1 or 3 (mod 6); 30 ≡ 0; strategy "
            "design places a packing, STS(31) less a point, 140 triples: the maximum");
  EXPECT_EQ(fit_design({.cells = 34, .shard_size = 3, .max_overlap = 1}).reason,
            "no design: a Steiner triple system needs N ≡ 1 or 3 (mod 6); 34 ≡ 4; strategy "
            "design places a packing, a PBD(35) with one block of 5, less a point of it, 181 "
            "triples: the maximum");
  EXPECT_EQ(fit_design({.cells = 35, .shard_size = 3, .max_overlap = 1}).reason,
            "no design: a Steiner triple system needs N ≡ 1 or 3 (mod 6); 35 ≡ 5; strategy "
            "design places a packing, a PBD(35) with one block of 5 split into two triples, 197 "
            "triples: the maximum");
  EXPECT_EQ(fit_design({.cells = 2000, .shard_size = 3, .max_overlap = 1}).reason,
            "no design: triple systems are built up to 1024 cells");
}

TEST(TriplePackingDesign, EveryPairAtMostOnceAndNoneForSystemOrders) {
  for (std::uint32_t n : {4u, 5u, 6u, 8u, 10u, 11u, 12u, 16u, 17u, 30u}) {
    SCOPED_TRACE(n);
    const auto d = triple_packing_design(n);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->family(), DesignFamily::kTriplePacking);
    for (const auto& [key, c] : cover(all_codewords(*d, 3), 2))
      ASSERT_EQ(c, 1);
  }
  EXPECT_EQ(triple_packing_design(30)->size(), 140u);
  EXPECT_EQ(triple_packing_design(34)->size(), 181u);  // the packing numbers
  EXPECT_EQ(triple_packing_design(35)->size(), 197u);
  EXPECT_EQ(triple_packing_design(31), nullptr);
}

TEST(OverlapBound, CountsSubsetsAShardCanHoldPerZone) {
  EXPECT_EQ(overlap_bound(100, {}, 4, 2), 40'425u);
  const std::vector<std::uint32_t> stripes(4, 512);
  EXPECT_EQ(overlap_bound(2048, stripes, 4, 2), 134'217'728u);
  EXPECT_EQ(overlap_bound(2048, {}, 4, 2), 357'389'824u);
}

}  // namespace
}  // namespace cellkit

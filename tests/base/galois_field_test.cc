#include "cellkit/base/galois_field.h"

#include <set>

#include <gtest/gtest.h>

namespace cellkit {
namespace {

TEST(PrimePower, SplitsPrimePowersAndRejectsTheRest) {
  EXPECT_EQ(prime_power(2), (PrimePower{2, 1}));
  EXPECT_EQ(prime_power(27), (PrimePower{3, 3}));
  EXPECT_EQ(prime_power(65'536), (PrimePower{2, 16}));
  EXPECT_EQ(prime_power(65'521), (PrimePower{65'521, 1}));
  EXPECT_FALSE(prime_power(0));
  EXPECT_FALSE(prime_power(1));
  EXPECT_FALSE(prime_power(6));
  EXPECT_FALSE(prime_power(100));
}

TEST(GaloisField, RefusesOrdersThatAreNotPrimePowersNamingThem) {
  const Result<GaloisField> f = GaloisField::make(12);
  ASSERT_FALSE(f.is_ok());
  EXPECT_EQ(f.status().message(),
            "GF(12) does not exist here: the order must be a prime power at most 65536");
  EXPECT_FALSE(GaloisField::make(131'072).is_ok());
}

// Every field axiom, over every element (pairs and triples), for the small orders.
void check_axioms(std::uint32_t q) {
  SCOPED_TRACE(q);
  const Result<GaloisField> made = GaloisField::make(q);
  ASSERT_TRUE(made.is_ok());
  const GaloisField& f = *made;
  ASSERT_EQ(f.order(), q);
  for (std::uint32_t a = 0; a < q; ++a) {
    ASSERT_EQ(f.add(a, 0), a);
    ASSERT_EQ(f.mul(a, 1), a);
    ASSERT_EQ(f.add(a, f.neg(a)), 0u);
    if (a != 0) {
      ASSERT_EQ(f.mul(a, f.inv(a)), 1u);
    }
    for (std::uint32_t b = 0; b < q; ++b) {
      ASSERT_LT(f.add(a, b), q);
      ASSERT_EQ(f.add(a, b), f.add(b, a));
      ASSERT_EQ(f.mul(a, b), f.mul(b, a));
      ASSERT_EQ(f.sub(f.add(a, b), b), a);
      if (a != 0 && b != 0) {
        ASSERT_NE(f.mul(a, b), 0u);  // no zero divisors
      }
      for (std::uint32_t c = 0; c < q; ++c) {
        ASSERT_EQ(f.add(f.add(a, b), c), f.add(a, f.add(b, c)));
        ASSERT_EQ(f.mul(f.mul(a, b), c), f.mul(a, f.mul(b, c)));
        ASSERT_EQ(f.mul(a, f.add(b, c)), f.add(f.mul(a, b), f.mul(a, c)));
      }
    }
  }
}

TEST(GaloisField, SatisfiesTheFieldAxiomsExhaustivelyForSmallOrders) {
  for (std::uint32_t q : {2u, 3u, 4u, 5u, 7u, 8u, 9u, 11u, 16u, 25u, 27u, 32u, 49u})
    check_axioms(q);
}

TEST(GaloisField, AddsDigitWiseModuloTheCharacteristic) {
  const GaloisField f = *GaloisField::make(9);  // digits base 3
  EXPECT_EQ(f.add(5, 7), 0u);                   // (2,1) + (1,2) = (0,0)
  EXPECT_EQ(f.add(4, 4), 8u);                   // (1,1) + (1,1) = (2,2)
  EXPECT_EQ(f.characteristic(), 3u);
}

// The generator's powers are every nonzero element once: the tables are a bijection.
TEST(GaloisField, PrimitiveElementGeneratesEveryNonzeroElementForLargeOrders) {
  for (std::uint32_t q : {256u, 729u, 65'521u, 65'536u}) {
    SCOPED_TRACE(q);
    const GaloisField f = *GaloisField::make(q);
    std::set<std::uint32_t> seen;
    std::uint32_t x = 1;
    for (std::uint32_t i = 0; i + 1 < q; ++i) {
      seen.insert(x);
      x = f.mul(x, f.primitive());
    }
    EXPECT_EQ(x, 1u);
    EXPECT_EQ(seen.size(), q - 1);
    EXPECT_EQ(seen.count(0), 0u);
    for (std::uint32_t a = 1; a < q; a += 97)
      ASSERT_EQ(f.mul(a, f.inv(a)), 1u);
  }
}

}  // namespace
}  // namespace cellkit

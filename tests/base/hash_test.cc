#include "cellkit/base/hash.h"

#include <array>

#include <gtest/gtest.h>

namespace cellkit {
namespace {

// Reference values of the xxHash64 specification.
TEST(Hash64, MatchesSpecificationForEmptyInput) {
  EXPECT_EQ(hash64(std::string_view{}, 0), 0xEF46DB3751D8E999ULL);
}

TEST(Hash64, SeedChangesTheHash) {
  EXPECT_NE(hash64("tenant-1", 0), hash64("tenant-1", 1));
}

TEST(Hash64, StringAndBytesAgree) {
  const std::string_view text = "cell-42";
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(text.data()), text.size());
  EXPECT_EQ(hash64(text, 7), hash64(bytes, 7));
}

TEST(Hash64Of, HashesLittleEndianBytesOfEachValue) {
  const std::array<unsigned char, 16> bytes = {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0};
  std::span<const std::byte> view(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size());
  EXPECT_EQ(hash64_of(99, 1, 2), hash64(view, 99));
  EXPECT_EQ(hash64_of(99, 1), hash64(view.first(8), 99));
}

TEST(Hash64Of, ArgumentOrderMatters) {
  EXPECT_NE(hash64_of(0, 1, 2), hash64_of(0, 2, 1));
}

// Pins our use of the hash: a change here changes every rendezvous placement.
TEST(Hash64Of, GoldenVectors) {
  EXPECT_EQ(hash64("cellkit", 0), 0x57e9cbf644040405ULL);
  EXPECT_EQ(hash64_of(1, 2, 3), 0x5db100792dcfe159ULL);
  EXPECT_EQ(hash64_of(5, 7), 0xfef6c0582a7d2763ULL);
}

}  // namespace
}  // namespace cellkit

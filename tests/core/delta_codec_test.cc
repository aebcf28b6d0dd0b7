#include "cellkit/core/delta_codec.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cellkit/base/hash.h"
#include "core/random_snapshot.h"

namespace cellkit {
namespace {

RoutingDelta sample_delta() {
  return diff_snapshots(testing::random_snapshot(11, 3, false),
                        testing::random_snapshot(12, 4, false));
}

// Rewrites the trailing checksum so that only the body's inconsistency is reported.
void reseal(std::vector<std::byte>& bytes) {
  const std::uint64_t h = hash64(std::span(bytes).first(bytes.size() - 8));
  for (int i = 0; i < 8; ++i)
    bytes[bytes.size() - 8 + i] = static_cast<std::byte>(h >> (8 * i));
}

RC_GTEST_PROP(DeltaCodec, RoundTripsEveryDiff, (std::uint64_t seed)) {
  const RoutingDelta d = diff_snapshots(testing::random_snapshot(seed, 3, seed % 2 == 1),
                                        testing::random_snapshot(~seed, 9, seed % 2 == 1));
  const std::vector<std::byte> bytes = encode_delta(d);
  Result<RoutingDelta> back = decode_delta(bytes);
  RC_ASSERT(back.is_ok());
  RC_ASSERT(*back == d);
  RC_ASSERT(encode_delta(*back) == bytes);
}

TEST(DeltaCodec, EveryTruncationFailsAsDataLoss) {
  const std::vector<std::byte> bytes = encode_delta(sample_delta());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(decode_delta(std::span(bytes).first(n)).status().code(), StatusCode::kDataLoss) << n;
  }
}

TEST(DeltaCodec, RejectsAFlippedByteAsCorrupt) {
  std::vector<std::byte> bytes = encode_delta(sample_delta());
  bytes[20] ^= std::byte{4};
  EXPECT_EQ(decode_delta(bytes).status().message(),
            "delta checksum does not match its contents: it is corrupt");
}

TEST(DeltaCodec, RejectsForeignBytes) {
  std::vector<std::byte> bytes = encode_delta(sample_delta());
  bytes[2] = std::byte{'S'};
  EXPECT_EQ(decode_delta(bytes).status().message(),
            "delta does not start with CKDELT01: not a cellkit delta");
  EXPECT_FALSE(is_encoded_delta(bytes));
}

// magic 8, parent 8, version 8, flags 4, digest 8: the shard count is at byte 36.
TEST(DeltaCodec, NamesTheByteAndFieldOfACountThatCannotFit) {
  std::vector<std::byte> bytes = encode_delta(RoutingDelta{.parent = 1, .version = 2});
  for (int i = 0; i < 4; ++i)
    bytes[36 + i] = std::byte{0xff};
  reseal(bytes);
  EXPECT_EQ(decode_delta(bytes).status().message(),
            "delta byte 36 (shards): 4294967295 entries cannot fit in the 28 bytes left");
}

TEST(DeltaCodec, NamesUnknownFlags) {
  std::vector<std::byte> bytes = encode_delta(RoutingDelta{.parent = 1, .version = 2});
  bytes[24] = std::byte{0x10};
  reseal(bytes);
  EXPECT_EQ(decode_delta(bytes).status().message(), "delta byte 24 (header): unknown flags 0x10");
}

TEST(DeltaCodec, OneTenantIsAFewDozenBytes) {
  RoutingDelta d{.parent = 9, .version = 10, .addressed = true};
  d.shards.add(TenantId{10'000}, std::vector{CellId{3}, CellId{5}});
  d.names.add(TenantId{10'000}, "tenant-10000");
  // Header 36, the shard 20 and the name 24 with their counts, six empty lists 24, checksum 8.
  EXPECT_EQ(encode_delta(d).size(), 112u);
}

}  // namespace
}  // namespace cellkit

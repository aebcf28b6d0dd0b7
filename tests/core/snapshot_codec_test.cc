#include "cellkit/core/snapshot_codec.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace cellkit {
namespace {

RoutingSnapshot sample() {
  return RoutingSnapshot{
      .version = 42,
      .cells = {CellId{0}, CellId{1}, CellId{5}},
      .disabled = {CellId{5}},
      .shards = {{TenantId{0}, {CellId{1}, CellId{0}}}, {TenantId{3}, {CellId{5}}}},
      .overrides = {{TenantId{3}, {CellId{0}}}}};
}

TEST(SnapshotCodec, RoundTripsASnapshot) {
  const auto bytes = encode_snapshot(sample());
  Result<RoutingSnapshot> back = decode_snapshot(bytes);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, sample());
}

TEST(SnapshotCodec, RejectsAFlippedByteAsCorrupt) {
  auto bytes = encode_snapshot(sample());
  bytes[12] ^= std::byte{1};
  EXPECT_EQ(decode_snapshot(bytes).status().message(),
            "snapshot checksum does not match its contents: it is corrupt");
}

TEST(SnapshotCodec, RejectsTruncatedAndForeignBytes) {
  auto bytes = encode_snapshot(sample());
  EXPECT_EQ(decode_snapshot(std::span(bytes).first(10)).status().code(), StatusCode::kDataLoss);
  bytes[0] = std::byte{'X'};
  EXPECT_EQ(decode_snapshot(bytes).status().message(),
            "snapshot does not start with CKSNAP01: not a cellkit snapshot");
}

RC_GTEST_PROP(SnapshotCodec, DecodeOfEncodeIsIdentity,
              (std::uint64_t version, std::vector<std::uint32_t> cells,
               std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> shards)) {
  RoutingSnapshot s{.version = version};
  for (auto c : cells)
    s.cells.push_back(CellId{c});
  for (const auto& [t, shard] : shards) {
    Shard cs;
    for (auto c : shard)
      cs.push_back(CellId{c});
    s.shards.emplace_back(TenantId{t}, cs);
  }
  RC_ASSERT(decode_snapshot(encode_snapshot(s)).value() == s);
}

}  // namespace
}  // namespace cellkit

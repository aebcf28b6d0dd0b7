#include "cellkit/core/snapshot_codec.h"

#include <cstring>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cellkit/base/hash.h"

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
            "snapshot does not start with CKSNAP01 or CKSNAP02: not a cellkit snapshot");
}

TEST(SnapshotCodec, RoundTripsAddressesNamesAndAllowEmpty) {
  RoutingSnapshot s = sample();
  s.addresses = {{CellId{0}, "cell-0", "127.0.0.1:4000"},
                 {CellId{1}, "cell-1", ""},
                 {CellId{5}, "cell-5", "[::1]:80"}};
  s.tenant_names = {{TenantId{0}, "acme"}, {TenantId{3}, "ünïcode"}};
  s.allow_empty = true;
  const auto bytes = encode_snapshot(s);
  EXPECT_EQ(std::memcmp(bytes.data(), "CKSNAP02", 8), 0);
  Result<RoutingSnapshot> back = decode_snapshot(bytes);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, s);
}

// A CKSNAP01 snapshot (written by cellkit before names and endpoints) still decodes.
TEST(SnapshotCodec, DecodesTheFirstLayout) {
  std::vector<std::byte> bytes;
  const auto put = [&](std::uint64_t v, int width) {
    for (int i = 0; i < width; ++i)
      bytes.push_back(static_cast<std::byte>(v >> (8 * i)));
  };
  for (char c : std::string_view("CKSNAP01"))
    bytes.push_back(static_cast<std::byte>(c));
  put(9, 8);             // version
  put(1, 4), put(4, 4);  // cells: [4]
  put(0, 4);             // disabled: []
  put(1, 4), put(2, 4);  // shards: tenant 2 →
  put(1, 4), put(4, 4);  //   [4]
  put(0, 4);             // overrides: []
  put(hash64(std::span<const std::byte>(bytes)), 8);
  Result<RoutingSnapshot> back = decode_snapshot(bytes);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back,
            (RoutingSnapshot{
                .version = 9, .cells = {CellId{4}}, .shards = {{TenantId{2}, {CellId{4}}}}}));
}

TEST(SnapshotCodec, RefusesUnknownFlags) {
  auto bytes = encode_snapshot(sample());
  // The flags word sits right after the overrides; flip an unknown bit and re-seal.
  const std::size_t flags_at = bytes.size() - 8 - 4 - 4 - 4;
  bytes[flags_at] |= std::byte{2};
  bytes.resize(bytes.size() - 8);
  const std::uint64_t sum = hash64(std::span<const std::byte>(bytes));
  for (int i = 0; i < 8; ++i)
    bytes.push_back(static_cast<std::byte>(sum >> (8 * i)));
  EXPECT_EQ(decode_snapshot(bytes).status().message(),
            "snapshot layout is inconsistent with its counts: it is corrupt");
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

// The flat form encodes to the same bytes, decodes to the same snapshot, and converts both
// ways without loss, names and addresses included.
RC_GTEST_PROP(SnapshotCodec, TheFlatFormEncodesAndDecodesLikeTheSnapshot,
              (std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> shards,
               std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> overrides,
               std::vector<std::pair<std::uint32_t, std::string>> names, bool allow_empty)) {
  RoutingSnapshot s{.version = 9, .cells = {CellId{0}, CellId{4}}, .allow_empty = allow_empty};
  s.addresses = {{CellId{0}, "a", "127.0.0.1:1"}, {CellId{4}, "b", ""}};
  const auto fill = [](const auto& from, std::vector<std::pair<TenantId, Shard>>& to) {
    for (const auto& [t, cells] : from) {
      Shard shard;
      for (auto c : cells)
        shard.push_back(CellId{c});
      to.emplace_back(TenantId{t}, shard);
    }
  };
  fill(shards, s.shards);
  fill(overrides, s.overrides);
  for (const auto& [t, name] : names)
    s.tenant_names.emplace_back(TenantId{t}, name);
  const FlatSnapshot flat = flatten(RoutingSnapshot(s));
  RC_ASSERT(expand(flat) == s);
  const std::vector<std::byte> bytes = encode_snapshot(s);
  RC_ASSERT(encode_snapshot(flat) == bytes);
  RC_ASSERT(decode_flat_snapshot(bytes).value() == flat);
  RC_ASSERT(decode_snapshot(bytes).value() == s);
}

TEST(SnapshotCodec, TheFlatDecoderRefusesWhatTheSnapshotDecoderRefuses) {
  auto bytes = encode_snapshot(sample());
  bytes.resize(bytes.size() - 1);
  EXPECT_EQ(decode_flat_snapshot(bytes).status().message(),
            decode_snapshot(bytes).status().message());
  bytes = encode_snapshot(sample());
  bytes[20] ^= std::byte{1};
  EXPECT_EQ(decode_flat_snapshot(bytes).status().message(),
            "snapshot checksum does not match its contents: it is corrupt");
}

}  // namespace
}  // namespace cellkit

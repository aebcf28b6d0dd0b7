#include "cellkit/core/routing_delta.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/random_snapshot.h"

namespace cellkit {
namespace {

using testing::random_snapshot;

FlatSnapshot two_cells() {
  FlatSnapshot s{.version = 7,
                 .cells = {CellId{0}, CellId{1}},
                 .addresses = {{CellId{0}, "a", "127.0.0.1:1"}, {CellId{1}, "b", "127.0.0.1:2"}}};
  s.shards.add(TenantId{0}, std::vector{CellId{0}, CellId{1}});
  s.shards.add(TenantId{1}, std::vector{CellId{1}});
  s.tenant_names.add(TenantId{0}, "acme");
  s.tenant_names.add(TenantId{1}, "beta");
  return s;
}

// A delta from two_cells() at version 7 to 8 that changes nothing yet.
RoutingDelta empty_delta() {
  const FlatSnapshot s = two_cells();
  return RoutingDelta{.parent = 7, .version = 8, .addressed = true, .digest = routing_digest(s)};
}

RC_GTEST_PROP(RoutingDelta, ApplyingTheDiffOfTwoSnapshotsGivesTheSecond, (std::uint64_t seed)) {
  const bool sparse = seed % 2 == 1;
  const FlatSnapshot from = random_snapshot(seed, 3, sparse);
  const FlatSnapshot to = random_snapshot(seed * 31 + 7, 4, sparse);
  const RoutingDelta delta = diff_snapshots(from, to);
  Result<FlatSnapshot> applied = apply_delta(from, delta);
  RC_ASSERT(applied.is_ok());
  RC_ASSERT(*applied == to);
  RC_ASSERT(delta.digest == routing_digest(to));
}

RC_GTEST_PROP(RoutingDelta, ATableChangedByADeltaEqualsTheTableBuiltWhole, (std::uint64_t seed)) {
  const bool sparse = seed % 2 == 1;
  const FlatSnapshot from = random_snapshot(seed, 3, sparse);
  const FlatSnapshot to = random_snapshot(seed * 31 + 7, 4, sparse);
  Result<RoutingTable> base = RoutingTable::build(FlatSnapshot(from));
  RC_ASSERT(base.is_ok());
  RC_ASSERT(base->flat() == from);
  Result<RoutingTable> changed = base->apply(diff_snapshots(from, to));
  RC_ASSERT(changed.is_ok());
  RC_ASSERT(changed->flat() == to);
  RC_ASSERT(changed->version() == 4u);
}

// The next snapshot of a random chain: another random one (with or without addresses), or
// the same routing at the next version.
FlatSnapshot next_in_chain(const FlatSnapshot& from, std::uint64_t seed, bool sparse) {
  FlatSnapshot to = seed % 4 == 1 ? from : random_snapshot(seed, from.version + 1, sparse);
  to.version = from.version + 1;
  if (seed % 4 == 2) to.addresses.clear();
  return to;
}

// Along a chain the digest is only ever kept (diff and apply take the previous delta's,
// apply_chain carries it), never computed over the snapshot, and it always equals the
// digest computed whole.
RC_GTEST_PROP(RoutingDelta, TheDigestKeptAlongAChainEqualsTheDigestComputedWhole,
              (std::uint64_t seed)) {
  const bool sparse = seed % 2 == 1;
  const FlatSnapshot first = random_snapshot(seed, 1, sparse);
  FlatSnapshot from = first;
  std::uint64_t kept = routing_digest(from);
  std::vector<RoutingDelta> chain;
  for (std::uint64_t step = 1; step <= 6; ++step) {
    FlatSnapshot to = next_in_chain(from, seed * 31 + step * 7919, sparse);
    chain.push_back(diff_snapshots(from, to, kept));
    RC_ASSERT(chain.back().digest == routing_digest(to));
    Result<FlatSnapshot> applied = apply_delta(from, chain.back(), kept);
    RC_ASSERT(applied.is_ok());
    RC_ASSERT(*applied == to);
    kept = chain.back().digest;
    from = std::move(to);
  }
  std::uint64_t refused = 0;
  Result<FlatSnapshot> whole = apply_chain(first, chain, routing_digest(first), refused);
  RC_ASSERT(whole.is_ok());
  RC_ASSERT(*whole == from);
  Result<RoutingTable> table = RoutingTable::build(FlatSnapshot(first));
  RC_ASSERT(table.is_ok());
  Result<RoutingTable> changed = table->apply(chain);
  RC_ASSERT(changed.is_ok());
  RC_ASSERT(changed->flat() == from);
}

TEST(RoutingDelta, AChainNamesTheDeltaThatDoesNotApply) {
  FlatSnapshot v8 = two_cells();
  v8.version = 8;
  v8.shards.add(TenantId{2}, std::vector{CellId{0}});
  FlatSnapshot v9 = v8;
  v9.version = 9;
  v9.shards.add(TenantId{3}, std::vector{CellId{1}});
  std::vector<RoutingDelta> chain{diff_snapshots(two_cells(), v8), diff_snapshots(v8, v9)};
  chain[1].digest ^= 1;
  std::uint64_t refused = 0;
  const Status s = apply_chain(two_cells(), chain, routing_digest(two_cells()), refused).status();
  EXPECT_EQ(refused, 9u);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("delta to version 9: the result's digest"));
}

TEST(RoutingDelta, AWrongBaseDigestRefusesTheDelta) {
  FlatSnapshot to = two_cells();
  to.version = 8;
  to.shards.add(TenantId{2}, std::vector{CellId{0}});
  const RoutingDelta d = diff_snapshots(two_cells(), to);
  EXPECT_TRUE(apply_delta(two_cells(), d, routing_digest(two_cells())).is_ok());
  const Status s = apply_delta(two_cells(), d, routing_digest(two_cells()) + 1).status();
  EXPECT_THAT(s.message(), ::testing::HasSubstr("the result's digest"));
}

TEST(RoutingDelta, TheDigestIgnoresTheOrderOfTheLists) {
  FlatSnapshot s = two_cells();
  FlatSnapshot reordered = s;
  reordered.shards = {};
  reordered.shards.add(TenantId{1}, std::vector{CellId{1}});
  reordered.shards.add(TenantId{0}, std::vector{CellId{0}, CellId{1}});
  std::swap(reordered.addresses[0], reordered.addresses[1]);
  EXPECT_EQ(routing_digest(s), routing_digest(reordered));
  reordered.shards.cells[1] = CellId{1};  // tenant 0's preference order changes the digest
  reordered.shards.cells[2] = CellId{0};
  EXPECT_NE(routing_digest(s), routing_digest(reordered));
}

TEST(RoutingDelta, OneTenantOnboardedIsADeltaOfThatTenant) {
  FlatSnapshot to = two_cells();
  to.version = 8;
  to.shards.add(TenantId{2}, std::vector{CellId{0}});
  to.tenant_names.add(TenantId{2}, "gamma");
  const RoutingDelta d = diff_snapshots(two_cells(), to);
  EXPECT_EQ(d.shards.ids, std::vector{TenantId{2}});
  EXPECT_EQ(d.names.name(0), "gamma");
  EXPECT_TRUE(d.cells.empty() && d.unsharded.empty() && d.removed_cells.empty());
}

TEST(RoutingDelta, TheDigestOfAddedTenantsFollowsFromTheBasesWithoutTheSnapshot) {
  FlatSnapshot to = two_cells();
  to.version = 8;
  to.shards.add(TenantId{2}, std::vector{CellId{0}});
  to.shards.add(TenantId{3}, std::vector{CellId{1}, CellId{0}});
  to.overrides.add(TenantId{3}, std::vector{CellId{1}});
  to.tenant_names.add(TenantId{2}, "gamma");
  to.tenant_names.add(TenantId{3}, "delta");
  const RoutingDelta d = diff_snapshots(two_cells(), to);
  EXPECT_EQ(digest_with_additions(routing_digest(two_cells()), d), routing_digest(to));
  // Each kind of entry counts: without the pin the digest is another.
  RoutingDelta unpinned = d;
  unpinned.pins = {};
  EXPECT_NE(digest_with_additions(routing_digest(two_cells()), unpinned), routing_digest(to));
}

// `list` split by `gone` (by tenant id modulo its size): the entries kept into `kept`, the others
// into `removed`.
template <class List, class Add>
void split(const List& list, const std::vector<bool>& gone, List& kept, List& removed, Add add) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const bool drop = gone[raw(list.ids[i]) % gone.size()];
    add(drop ? removed : kept, list, i);
  }
}

RC_GTEST_PROP(RoutingDelta, TheDigestOfRemovedTenantsFollowsFromTheBasesWithoutTheSnapshot,
              (std::uint64_t seed)) {
  const FlatSnapshot from = random_snapshot(seed, 4, seed % 2 == 1);
  std::vector<bool> gone(64);
  for (std::size_t i = 0; i < gone.size(); ++i)
    gone[i] = *rc::gen::arbitrary<bool>();
  FlatSnapshot to = from;
  to.shards = {}, to.overrides = {}, to.tenant_names = {};
  ShardLists shards, pins;
  NameList names;
  auto add_shard = [](ShardLists& out, const ShardLists& in, std::size_t i) {
    out.add(in.ids[i], in.shard(i));
  };
  split(from.shards, gone, to.shards, shards, add_shard);
  split(from.overrides, gone, to.overrides, pins, add_shard);
  split(from.tenant_names, gone, to.tenant_names, names,
        [](NameList& out, const NameList& in, std::size_t i) { out.add(in.ids[i], in.name(i)); });
  RC_ASSERT(digest_with_removals(routing_digest(from), shards, pins, names) == routing_digest(to));
  // What diff_snapshots finds for the same change.
  RC_ASSERT(diff_snapshots(from, to).digest == routing_digest(to));
}

TEST(RoutingDelta, EachKindOfRemovedEntryCountsInTheDigest) {
  const FlatSnapshot from = two_cells();
  FlatSnapshot to = from;
  to.shards = {}, to.tenant_names = {};
  to.shards.add(TenantId{0}, from.shards.shard(0));
  to.tenant_names.add(TenantId{0}, "acme");
  ShardLists shards;
  shards.add(TenantId{1}, from.shards.shard(1));
  NameList names;
  names.add(TenantId{1}, "beta");
  EXPECT_EQ(digest_with_removals(routing_digest(from), shards, {}, names), routing_digest(to));
  EXPECT_NE(digest_with_removals(routing_digest(from), shards, {}, {}), routing_digest(to));
  EXPECT_NE(digest_with_removals(routing_digest(from), {}, {}, names), routing_digest(to));
}

TEST(RoutingDelta, RefusesADeltaForAnotherVersion) {
  RoutingDelta d = empty_delta();
  d.parent = 6;
  EXPECT_EQ(apply_delta(two_cells(), d).status().message(),
            "delta to version 8 applies to version 6, not to version 7");
  d.parent = 7;
  d.version = 7;
  EXPECT_EQ(apply_delta(two_cells(), d).status().message(),
            "delta to version 7 is not newer than its parent 7");
}

TEST(RoutingDelta, RefusesADeltaThatWouldEmptyAShard) {
  RoutingDelta d = empty_delta();
  d.shards.add(TenantId{1}, {});
  EXPECT_EQ(apply_delta(two_cells(), d).status().message(),
            "delta would empty the shard of tenant 1");
}

TEST(RoutingDelta, RefusesNameListsWhoseOffsetsDoNotFrameTheirText) {
  RoutingDelta d = empty_delta();
  d.names.add(TenantId{1}, "beta");
  d.names.offsets.back() = 40;  // past the text
  EXPECT_EQ(apply_delta(two_cells(), d).status().message(), "delta's name lists are inconsistent");
  d.names.offsets = {0};  // one offset short
  EXPECT_EQ(apply_delta(two_cells(), d).status().message(), "delta's name lists are inconsistent");
}

TEST(RoutingDelta, RefusesRemovingACellAShardStillNames) {
  RoutingDelta d = empty_delta();
  d.removed_cells = {CellId{1}};
  d.shards.add(TenantId{0}, std::vector{CellId{0}});  // tenant 1 still names cell 1
  EXPECT_EQ(apply_delta(two_cells(), d).status().message(),
            "delta removes cell 1, which the shard of tenant 1 still names");
}

TEST(RoutingDelta, RefusesRemovingWhatIsNotThere) {
  RoutingDelta d = empty_delta();
  d.unsharded = {TenantId{5}};
  EXPECT_EQ(apply_delta(two_cells(), d).status().message(),
            "delta removes the shard of tenant 5, which has none");
  d = empty_delta();
  d.shards.add(TenantId{1}, std::vector{CellId{0}});
  d.unsharded = {TenantId{1}};
  EXPECT_EQ(apply_delta(two_cells(), d).status().message(),
            "delta both changes and removes the shard of tenant 1");
}

TEST(RoutingDelta, RefusesAResultWhoseDigestIsNotTheDeltas) {
  RoutingDelta d = empty_delta();
  d.names.add(TenantId{1}, "renamed");  // the digest still says "beta"
  const Status s = apply_delta(two_cells(), d).status();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(s.message().starts_with("delta to version 8: the result's digest ")) << s.message();
}

TEST(RoutingDelta, ATableRefusesADeltaWhoseResultDoesNotBuild) {
  Result<RoutingTable> base = RoutingTable::build(two_cells());
  ASSERT_TRUE(base.is_ok());
  FlatSnapshot to = two_cells();
  to.version = 8;
  to.shards.cells[0] = CellId{9};  // a cell the snapshot does not list
  const Result<RoutingTable> changed = base->apply(diff_snapshots(two_cells(), to));
  EXPECT_EQ(changed.status().message(), "shard of tenant 0 names unknown cell 9");
  EXPECT_EQ(base->version(), 7u);
}

}  // namespace
}  // namespace cellkit

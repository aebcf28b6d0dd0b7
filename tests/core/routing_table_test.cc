#include "cellkit/core/routing_table.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace cellkit {
namespace {

// The tenant's effective cells.
Shard cells_of(const RoutingTable& table, std::uint32_t tenant) {
  const std::span<const CellId> cells = table.shard_of(TenantId{tenant});
  return Shard(cells.begin(), cells.end());
}

RoutingSnapshot three_cells(std::uint64_t version) {
  return RoutingSnapshot{
      .version = version,
      .cells = {CellId{0}, CellId{1}, CellId{2}},
      .shards = {{TenantId{0}, {CellId{0}, CellId{1}}}, {TenantId{1}, {CellId{2}, CellId{1}}}},
  };
}

TEST(RoutingTable, EmptyTableHasVersionZeroAndNoTenants) {
  RoutingTable table;
  EXPECT_EQ(table.version(), 0u);
  EXPECT_TRUE(table.shard_of(TenantId{0}).empty());
  EXPECT_EQ(table.tenant_count(), 0u);
}

TEST(RoutingTable, BuildsValidSnapshot) {
  Result<RoutingTable> table = RoutingTable::build(three_cells(4));
  ASSERT_TRUE(table.is_ok()) << table.status().message();
  EXPECT_EQ(table->version(), 4u);
  EXPECT_EQ(cells_of(*table, 1), (Shard{CellId{2}, CellId{1}}));
  EXPECT_EQ(table->tenant_count(), 2u);
}

TEST(RoutingTable, RejectsShardNamingUnknownCell) {
  RoutingSnapshot s = three_cells(1);
  s.shards[1].second.push_back(CellId{9});
  Result<RoutingTable> table = RoutingTable::build(s);
  ASSERT_FALSE(table.is_ok());
  EXPECT_EQ(table.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(table.status().message(), "shard of tenant 1 names unknown cell 9");
}

TEST(RoutingTable, RejectsShardRepeatingACell) {
  RoutingSnapshot s = three_cells(1);
  s.shards[0].second = {CellId{0}, CellId{0}};
  EXPECT_EQ(RoutingTable::build(s).status().message(), "shard of tenant 0 repeats cell 0");
}

TEST(RoutingTable, RejectsEmptyShard) {
  RoutingSnapshot s = three_cells(1);
  s.shards[0].second.clear();
  EXPECT_EQ(RoutingTable::build(s).status().message(), "shard of tenant 0 is empty");
}

TEST(RoutingTable, RejectsTenantListedTwice) {
  RoutingSnapshot s = three_cells(1);
  s.shards.push_back({TenantId{0}, {CellId{2}}});
  EXPECT_EQ(RoutingTable::build(s).status().message(), "tenant 0 has two shards");
}

TEST(RoutingTable, RejectsCellListedTwice) {
  RoutingSnapshot s = three_cells(1);
  s.cells.push_back(CellId{1});
  EXPECT_EQ(RoutingTable::build(s).status().message(), "snapshot lists cell 1 twice");
}

TEST(RoutingTable, RejectsDisablingUnknownCell) {
  RoutingSnapshot s = three_cells(1);
  s.disabled = {CellId{8}};
  EXPECT_EQ(RoutingTable::build(s).status().message(), "snapshot disables unknown cell 8");
}

TEST(RoutingTable, OverridePinsTenantAndLeavesOthersAlone) {
  RoutingSnapshot s = three_cells(1);
  s.overrides = {{TenantId{0}, {CellId{2}}}};
  Result<RoutingTable> table = RoutingTable::build(s);
  ASSERT_TRUE(table.is_ok());
  EXPECT_EQ(cells_of(*table, 0), Shard{CellId{2}});
  EXPECT_TRUE(table->is_pinned(TenantId{0}));
  EXPECT_EQ(cells_of(*table, 1), (Shard{CellId{2}, CellId{1}}));
  EXPECT_FALSE(table->is_pinned(TenantId{1}));
}

TEST(RoutingTable, OverrideCanOnboardTenantWithoutShard) {
  RoutingSnapshot s = three_cells(1);
  s.overrides = {{TenantId{7}, {CellId{1}}}};
  Result<RoutingTable> table = RoutingTable::build(s);
  ASSERT_TRUE(table.is_ok());
  EXPECT_EQ(table->tenant_count(), 3u);
}

TEST(RoutingTable, InvalidOverrideIsRejected) {
  RoutingSnapshot s = three_cells(1);
  s.overrides = {{TenantId{0}, {CellId{5}}}};
  EXPECT_EQ(RoutingTable::build(s).status().message(), "override of tenant 0 names unknown cell 5");
}

TEST(RoutingTable, DisabledCellIsNotRoutable) {
  RoutingSnapshot s = three_cells(1);
  s.disabled = {CellId{1}};
  Result<RoutingTable> table = RoutingTable::build(s);
  ASSERT_TRUE(table.is_ok());
  EXPECT_TRUE(table->has_cell(CellId{1}));
  EXPECT_FALSE(table->is_routable(CellId{1}));
  EXPECT_TRUE(table->is_routable(CellId{0}));
  EXPECT_FALSE(table->is_routable(CellId{9}));
}

TEST(MakeSnapshot, CopiesMappingAndOverridesInTenantOrder) {
  Mapping m;
  m.assign(TenantId{3}, {CellId{1}});
  m.assign(TenantId{1}, {CellId{0}});
  Mapping pins;
  pins.assign(TenantId{3}, {CellId{0}});
  RoutingSnapshot s = make_snapshot(2, {CellId{0}, CellId{1}}, m, pins);
  EXPECT_EQ(s.version, 2u);
  ASSERT_EQ(s.shards.size(), 2u);
  EXPECT_EQ(s.shards[0].first, TenantId{1});
  ASSERT_EQ(s.overrides.size(), 1u);
  EXPECT_EQ(s.overrides[0].second, Shard{CellId{0}});
}

}  // namespace
}  // namespace cellkit

namespace cellkit {
namespace {

// Dense ids take the direct index, sparse ones binary search: both must agree with a scan.
RC_GTEST_PROP(RoutingTable, LookupAgreesWithALinearScanForDenseAndSparseIds,
              (std::vector<std::uint32_t> ids, bool sparse)) {
  RoutingSnapshot s{.version = 1,
                    .cells = {CellId{0}, CellId{1}, CellId{7}},
                    .disabled = {CellId{1}},
                    .allow_empty = true};
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (std::uint32_t& id : ids)
    id = sparse ? id : id % 512;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (std::uint32_t id : ids)
    s.shards.push_back({TenantId{id}, {CellId{id % 2 == 0 ? 0u : 7u}}});
  const RoutingTable table = RoutingTable::build(s).value();
  for (std::uint32_t probe = 0; probe < 600; ++probe) {
    const bool present = std::binary_search(ids.begin(), ids.end(), probe);
    const std::span<const CellId> shard = table.shard_of(TenantId{probe});
    RC_ASSERT(!shard.empty() == present);
    if (present) RC_ASSERT(shard.front() == CellId{probe % 2 == 0 ? 0u : 7u});
  }
  for (std::uint32_t id : ids)
    RC_ASSERT(!table.shard_of(TenantId{id}).empty());
  RC_ASSERT(table.is_routable(CellId{0}) && table.is_routable(CellId{7}));
  RC_ASSERT(!table.is_routable(CellId{1}) && !table.is_routable(CellId{3}) &&
            !table.is_routable(CellId{5000}));
}

// shard_of (the flat dense index, or the sorted fallback) returns exactly the snapshot's
// effective cells for every tenant: shards, pins replacing shards, pins of tenants without a shard,
// unknown ids below, between and above the listed ones, and the largest id.
RC_GTEST_PROP(RoutingTable, ShardOfAgreesWithTheSnapshotWithPins,
              (std::vector<std::uint16_t> ids, std::vector<std::uint16_t> pins, bool sparse)) {
  const auto spread = [&](std::uint16_t id) {
    return sparse ? static_cast<std::uint32_t>(id) * 65537u : static_cast<std::uint32_t>(id);
  };
  const auto cells_for = [](std::uint32_t id, std::uint32_t salt) {
    Shard shard{CellId{(id + salt) % 5}};
    if ((id + salt) % 3 != 0) shard.push_back(CellId{(id + salt + 1) % 5});
    return shard;
  };
  RoutingSnapshot s{.version = 1,
                    .cells = {CellId{0}, CellId{1}, CellId{2}, CellId{3}, CellId{4}},
                    .allow_empty = true};
  std::set<std::uint32_t> shard_ids, pin_ids;
  for (std::uint16_t id : ids)
    shard_ids.insert(spread(id));
  for (std::uint16_t id : pins)
    pin_ids.insert(spread(id));
  for (std::uint32_t id : shard_ids)
    s.shards.push_back({TenantId{id}, cells_for(id, 0)});
  for (std::uint32_t id : pin_ids)
    s.overrides.push_back({TenantId{id}, cells_for(id, 2)});
  const RoutingTable table = RoutingTable::build(s).value();
  std::vector<std::uint32_t> probes = {0, 1, UINT32_MAX - 1, UINT32_MAX};
  for (std::uint32_t id : shard_ids)
    probes.insert(probes.end(), {id, id + 1});
  for (std::uint32_t id : pin_ids)
    probes.insert(probes.end(), {id, id + 1});
  for (std::uint32_t probe : probes) {
    const Shard got = cells_of(table, probe);
    if (pin_ids.count(probe) != 0) {
      RC_ASSERT(got == cells_for(probe, 2));
      RC_ASSERT(table.is_pinned(TenantId{probe}));
    } else if (shard_ids.count(probe) != 0) {
      RC_ASSERT(got == cells_for(probe, 0));
    } else {
      RC_ASSERT(got.empty());
    }
  }
  RC_ASSERT(table.tenant_count() == [&] {
    std::set<std::uint32_t> all = shard_ids;
    all.insert(pin_ids.begin(), pin_ids.end());
    return all.size();
  }());
}

RoutingSnapshot named(std::uint64_t version) {
  RoutingSnapshot s = three_cells(version);
  s.addresses = {{CellId{2}, "cell-2", "127.0.0.1:4002"},
                 {CellId{0}, "cell-0", "localhost:4000"},
                 {CellId{1}, "cell-1", "[::1]:4001"}};
  s.tenant_names = {{TenantId{1}, "globex"}, {TenantId{0}, "acme"}};
  return s;
}

// Flat lists out of tenant order are sorted (each tenant's cells kept), and lists whose
// offsets do not match their cells are refused.
TEST(RoutingTable, BuildsFromFlatListsInAnyOrderAndRefusesInconsistentOnes) {
  FlatSnapshot s{.version = 3, .cells = {CellId{0}, CellId{1}, CellId{2}}};
  s.shards.add(TenantId{5}, std::vector<CellId>{CellId{2}, CellId{0}});
  s.shards.add(TenantId{1}, std::vector<CellId>{CellId{1}});
  s.shards.add(TenantId{3}, std::vector<CellId>{CellId{0}, CellId{1}, CellId{2}});
  s.tenant_names.add(TenantId{3}, "c");
  s.tenant_names.add(TenantId{5}, "e");
  s.tenant_names.add(TenantId{1}, "a");
  FlatSnapshot broken = s;
  const RoutingTable table = RoutingTable::build(std::move(s)).value();
  EXPECT_EQ(cells_of(table, 5), (Shard{CellId{2}, CellId{0}}));
  EXPECT_EQ(cells_of(table, 1), Shard{CellId{1}});
  EXPECT_EQ(cells_of(table, 3), (Shard{CellId{0}, CellId{1}, CellId{2}}));
  EXPECT_TRUE(cells_of(table, 4).empty());
  EXPECT_EQ(table.tenant_count(), 3u);
  EXPECT_EQ(table.find_tenant("e"), TenantId{5});
  EXPECT_EQ(table.tenant_name(TenantId{3}), "c");
  broken.shards.start[1] = 7;
  EXPECT_EQ(RoutingTable::build(std::move(broken)).status().message(),
            "snapshot's shard lists are inconsistent");
}

TEST(RoutingTable, AnswersNamesAndEndpoints) {
  const RoutingTable table = RoutingTable::build(named(1)).value();
  EXPECT_EQ(table.find_tenant("acme"), TenantId{0});
  EXPECT_EQ(table.find_tenant("globex"), TenantId{1});
  EXPECT_EQ(table.find_tenant("initech"), std::nullopt);
  EXPECT_EQ(table.find_tenant("0"), std::nullopt);  // names given: ids are not names
  EXPECT_EQ(table.tenant_name(TenantId{1}), "globex");
  EXPECT_EQ(table.cell_name(CellId{1}), "cell-1");
  EXPECT_EQ(table.cell_endpoint(CellId{2}), "127.0.0.1:4002");
  EXPECT_EQ(table.cell_endpoint(CellId{7}), "");
}

TEST(RoutingTable, WithoutNamesADecimalIdNamesATenant) {
  const RoutingTable table = RoutingTable::build(three_cells(1)).value();
  EXPECT_EQ(table.find_tenant("1"), TenantId{1});
  EXPECT_EQ(table.find_tenant("0"), TenantId{0});
  EXPECT_EQ(table.find_tenant("2"), std::nullopt);  // no such tenant
  EXPECT_EQ(table.find_tenant("01x"), std::nullopt);
  // One spelling per tenant (fuzz_router_request found "Host: 01" naming tenant 1).
  EXPECT_EQ(table.find_tenant("01"), std::nullopt);
  EXPECT_EQ(table.find_tenant("001"), std::nullopt);
  EXPECT_EQ(table.find_tenant(""), std::nullopt);
  EXPECT_EQ(table.cell_name(CellId{0}), "");
}

TEST(RoutingTable, FindsEveryOneOfManyNames) {
  RoutingSnapshot s{.version = 1, .cells = {CellId{0}}};
  for (std::uint32_t t = 0; t < 5000; ++t) {
    s.shards.push_back({TenantId{t}, {CellId{0}}});
    s.tenant_names.push_back({TenantId{t}, "tenant-" + std::to_string(t)});
  }
  const RoutingTable table = RoutingTable::build(s).value();
  for (std::uint32_t t = 0; t < 5000; ++t)
    ASSERT_EQ(table.find_tenant("tenant-" + std::to_string(t)), TenantId{t});
  EXPECT_EQ(table.find_tenant("tenant-5000"), std::nullopt);
}

std::string build_error(const RoutingSnapshot& s) {
  return RoutingTable::build(s).status().message();
}

TEST(RoutingTable, RefusesBadNamesAndEndpointsWhole) {
  RoutingSnapshot s = named(1);
  s.addresses[0].endpoint = "127.0.0.1:0";
  EXPECT_EQ(build_error(s), "cell 'cell-2' has endpoint '127.0.0.1:0', not host:port");
  s = named(1);
  s.addresses[1].name = "cell-2";
  EXPECT_EQ(build_error(s), "cell name 'cell-2' is used twice");
  s = named(1);
  s.addresses.pop_back();
  EXPECT_EQ(build_error(s), "snapshot addresses 2 of its 3 cells; give every cell one or none");
  s = named(1);
  s.addresses[0].cell = CellId{9};
  EXPECT_EQ(build_error(s), "snapshot gives an address to unknown cell 9");
  s = named(1);
  s.tenant_names[0].second = "acme";
  EXPECT_EQ(build_error(s), "tenant name 'acme' is used twice (tenants 0 and 1)");
  s = named(1);
  s.tenant_names.pop_back();
  EXPECT_EQ(build_error(s), "snapshot names 1 of its 2 tenants; name every tenant or none");
  s = named(1);
  s.tenant_names[0].first = TenantId{8};
  EXPECT_EQ(build_error(s), "snapshot names tenant 8 ('globex'), which has no shard");
  s = named(1);
  s.tenant_names[0].second = "";
  EXPECT_EQ(build_error(s), "tenant 1 has an empty name");
}

TEST(RoutingTable, RefusesAnEmptySnapshotUnlessItSaysItMeansIt) {
  RoutingSnapshot s{.version = 1, .cells = {CellId{0}}};
  EXPECT_EQ(build_error(s),
            "snapshot lists no tenant (a snapshot meant to be empty says allow_empty)");
  EXPECT_EQ(build_error({.version = 1}),
            "snapshot lists no cell (a snapshot meant to be empty says allow_empty)");
  s.allow_empty = true;
  EXPECT_TRUE(RoutingTable::build(s).is_ok());
}

TEST(RoutingTable, KnowsWhatHostPortIs) {
  for (const char* good : {"127.0.0.1:1", "cell-3.local:65535", "[::1]:8080", "a:80"})
    EXPECT_TRUE(is_host_port(good)) << good;
  for (const char* bad : {"", ":80", "host:", "host:0", "host:65536", "host:8o", "::1:80", "a b:80",
                          "http://a:80", "[::1]", "a:+80"})
    EXPECT_FALSE(is_host_port(bad)) << bad;
}

}  // namespace
}  // namespace cellkit

#include "cellkit/core/mapping.h"

#include <gtest/gtest.h>

namespace cellkit {
namespace {

TEST(Mapping, AssignReplacesShard) {
  Mapping m;
  m.assign(TenantId{1}, {CellId{0}, CellId{1}});
  m.assign(TenantId{1}, {CellId{2}});
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m.shard(TenantId{1}), Shard{CellId{2}});
}

TEST(Mapping, FindShardReturnsNullForUnknownTenant) {
  Mapping m;
  EXPECT_EQ(m.find_shard(TenantId{3}), nullptr);
}

TEST(Mapping, IteratesInTenantIdOrder) {
  Mapping m;
  m.assign(TenantId{9}, {CellId{0}});
  m.assign(TenantId{2}, {CellId{1}});
  m.assign(TenantId{5}, {CellId{2}});
  std::vector<TenantId> order;
  for (const auto& [tenant, shard] : m)
    order.push_back(tenant);
  EXPECT_EQ(order, (std::vector<TenantId>{TenantId{2}, TenantId{5}, TenantId{9}}));
}

TEST(Mapping, TenantsOnListsHoldersOfACell) {
  Mapping m;
  m.assign(TenantId{0}, {CellId{0}, CellId{1}});
  m.assign(TenantId{1}, {CellId{1}, CellId{2}});
  m.assign(TenantId{2}, {CellId{2}, CellId{0}});
  EXPECT_EQ(m.tenants_on(CellId{1}), (std::vector<TenantId>{TenantId{0}, TenantId{1}}));
  EXPECT_TRUE(m.tenants_on(CellId{7}).empty());
}

TEST(Mapping, RemoveReportsWhetherTenantWasThere) {
  Mapping m;
  m.assign(TenantId{0}, {CellId{0}});
  EXPECT_TRUE(m.remove(TenantId{0}));
  EXPECT_FALSE(m.remove(TenantId{0}));
  EXPECT_TRUE(m.empty());
}

}  // namespace
}  // namespace cellkit

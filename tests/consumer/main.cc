// Builds a two-tenant routing table through the installed cellkit::core, encodes and decodes
// it, and prints the cells of tenant "acme": "acme 1 2" when the package works.
#include <cstdio>

#include "cellkit/core/routing_table.h"
#include "cellkit/core/snapshot_codec.h"

int main() {
  using namespace cellkit;
  RoutingSnapshot s{.version = 1, .cells = {CellId{1}, CellId{2}, CellId{3}}};
  s.shards = {{TenantId{0}, Shard{CellId{1}, CellId{2}}}, {TenantId{1}, Shard{CellId{3}}}};
  s.tenant_names = {{TenantId{0}, "acme"}, {TenantId{1}, "globex"}};
  auto decoded = decode_snapshot(encode_snapshot(s));
  if (!decoded.is_ok()) return 1;
  auto table = RoutingTable::build(*decoded);
  if (!table.is_ok()) return 2;
  const auto tenant = table->find_tenant("acme");
  if (!tenant) return 3;
  std::printf("acme");
  for (CellId cell : table->shard_of(*tenant))
    std::printf(" %u", static_cast<unsigned>(raw(cell)));
  std::printf("\n");
  return 0;
}

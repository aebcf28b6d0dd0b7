// MappingDocument → RoutingSnapshot.
#include "cellkit/io/routing_snapshot.h"

namespace cellkit {

RoutingSnapshot routing_snapshot_of(const MappingDocument& doc) {
  RoutingSnapshot s{.version = doc.routing_version.value_or(1), .allow_empty = doc.allow_empty};
  for (const Cell& c : doc.fleet.cells()) {
    s.cells.push_back(c.id);
    if (c.state == CellState::kDisabled) s.disabled.push_back(c.id);
    s.addresses.push_back({.cell = c.id, .name = c.name, .endpoint = c.endpoint});
  }
  s.shards.assign(doc.mapping.begin(), doc.mapping.end());
  s.tenant_names.reserve(doc.tenants.size());
  for (const Tenant& t : doc.tenants)
    s.tenant_names.emplace_back(t.id, t.name);
  return s;
}

}  // namespace cellkit

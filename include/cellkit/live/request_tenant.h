// Reading the tenant's name from a request: the X-Tenant header (or another), the first path
// segment after /t/, or the Host header's first label; and finding it in the routing table.
#pragma once

#include <optional>
#include <string_view>

#include "cellkit/core/routing_table.h"
#include "cellkit/live/outcome.h"
#include "cellkit/live/router_options.h"

namespace cellkit::live {

// The tenant's name as the request gives it; empty when it gives none. `header_value` is the
// value of source.header (read by the caller, who owns the parsed request); `target` the
// request target; `host` the Host header. No decoding: names are matched byte for byte.
inline std::string_view tenant_of(const TenantSource& source, std::string_view target,
                                  std::string_view host, std::string_view header_value) {
  switch (source.kind) {
    case TenantSource::Kind::kHeader:
      return header_value;
    case TenantSource::Kind::kPath: {
      if (!target.starts_with("/t/")) return {};
      const std::string_view rest = target.substr(3);
      return rest.substr(0, rest.find_first_of("/?#"));
    }
    case TenantSource::Kind::kHost:
      return host.substr(0, host.find_first_of(".:"));
  }
  return {};
}

// A request's tenant: its name (a view into the request) and its id in the table, or the
// refusal that answers the request instead.
struct RequestTenant {
  std::string_view name;
  std::optional<TenantId> id;
  LiveOutcome refusal = LiveOutcome::kServed;  // kNoTenant or kUnknownTenant when !id
};

// tenant_of, then the table's find_tenant: kNoTenant when the request names none,
// kUnknownTenant when the table has no tenant of that name.
inline RequestTenant find_request_tenant(const TenantSource& source, const RoutingTable& table,
                                         std::string_view target, std::string_view host,
                                         std::string_view header_value) {
  RequestTenant found{.name = tenant_of(source, target, host, header_value)};
  if (found.name.empty()) {
    found.refusal = LiveOutcome::kNoTenant;
    return found;
  }
  found.id = table.find_tenant(found.name);
  if (!found.id) found.refusal = LiveOutcome::kUnknownTenant;
  return found;
}

}  // namespace cellkit::live

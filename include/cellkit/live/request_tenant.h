// Reading the tenant's name from a request: the X-Tenant header (or another), the first path
// segment after /t/, or the Host header's first label.
#pragma once

#include <string_view>

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

}  // namespace cellkit::live

// Tenant lists: the tenants to place, one per line ("name[,weight[,shard_size]]").
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/tenant.h"

namespace cellkit {

// Parses a tenant list: one tenant per line as `name`, `name,weight` or
// `name,weight,shard_size`; blank lines and lines starting with '#' are skipped, and so is a
// first line `name,weight,shard_size` or `name,weight` (a header; a lone `name` is a tenant).
// Tenants get ids first, first+1, ... in file order; weight defaults to 1 and shard size to
// `default_shard_size`. Errors name the file and line: "t.csv:4: weight 'x' must be a whole number
// from 1 to 4294967295".
Result<std::vector<Tenant>> parse_tenant_list(std::string_view text, std::string_view name,
                                              std::uint32_t default_shard_size,
                                              std::uint32_t first_id = 0);

}  // namespace cellkit

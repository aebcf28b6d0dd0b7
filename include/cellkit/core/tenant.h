// Tenant: a customer whose every request carries its id (the partition key).
#pragma once

#include <cstdint>
#include <string>

#include "cellkit/base/ids.h"

namespace cellkit {

struct Tenant {
  TenantId id{};
  std::string name;              // unique, human-readable ("tenant-2")
  std::uint32_t shard_size = 2;  // how many cells the tenant is assigned to (k)
  std::uint32_t weight = 1;      // relative load, for weighted placement and analysis

  bool operator==(const Tenant&) const = default;
};

}  // namespace cellkit

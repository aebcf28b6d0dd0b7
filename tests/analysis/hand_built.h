// A fleet, tenants and mapping built by hand for analysis tests: cells c0, c1, ... and
// tenants t0, t1, ... in the order they are added.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "cellkit/analysis/analyzer.h"

namespace cellkit {

struct HandBuilt {
  Fleet fleet;
  Mapping mapping;
  std::vector<Tenant> tenants;
  std::vector<std::string> zone_names;
  std::optional<OverlapLimit> limit;

  // n cells, cell i in zone i mod zones.
  void add_cells(std::uint32_t n, std::uint32_t zones = 1) {
    for (std::uint32_t i = 0; i < n; ++i) {
      const auto zone = static_cast<std::uint16_t>(i % zones);
      ASSERT_TRUE(fleet.add({.id = CellId{i}, .name = fmt::format("c{}", i), .zone = ZoneId{zone}})
                      .is_ok());
    }
  }
  void add_tenant(const std::vector<std::uint32_t>& cells, std::uint32_t weight = 1) {
    const auto id = static_cast<std::uint32_t>(tenants.size());
    Shard shard;
    for (std::uint32_t c : cells)
      shard.push_back(CellId{c});
    tenants.push_back({.id = TenantId{id},
                       .name = fmt::format("t{}", id),
                       .shard_size = static_cast<std::uint32_t>(cells.size()),
                       .weight = weight});
    mapping.assign(TenantId{id}, shard);
  }
  Result<AnalysisResult> run(const AnalysisOptions& options = {}) const {
    return analyze({.fleet = fleet,
                    .mapping = mapping,
                    .tenants = tenants,
                    .zone_names = zone_names,
                    .limit = limit},
                   options);
  }
};

}  // namespace cellkit

// The seed's story: cells, tenants with two cells each, a router, and an unlucky tenant
// whose orders of five bags of chips kill the cell that handles them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/mapping.h"
#include "cellkit/core/router.h"

namespace cellkit {

struct DemoOptions {
  std::uint64_t seed = 1;              // seeds placement and traffic (independent streams)
  std::uint32_t cells = 3;             // cells in the fleet, at least 1
  std::uint32_t tenants = 10;          // tenants, at least 1
  std::uint32_t cells_per_tenant = 2;  // shard size k, 1..cells
  std::uint32_t requests = 100;        // requests, each from a tenant chosen at random
  std::uint32_t unlucky_tenant = 2;    // index of the tenant that orders 1..5 bags; 5 kills

  // What errors call each field: the field's own name unless a front end maps its fields
  // to its own words (the CLI: "--cells-per-tenant").
  struct Names {
    std::string_view cells = "cells", tenants = "tenants", cells_per_tenant = "cells_per_tenant",
                     requests = "requests", unlucky_tenant = "unlucky_tenant";

    bool operator==(const Names&) const = default;
  } names;

  // Names the first bad field (as `names` says), its value and what is allowed:
  // "cells_per_tenant 4 is not allowed: it must not exceed cells (3)".
  Status validate() const;

  bool operator==(const DemoOptions&) const = default;
};

inline constexpr std::uint32_t kPoisonBags = 5;  // an order of this many bags kills a cell

struct DemoRequest {
  std::uint64_t id = 0;  // 1-based
  TenantId tenant{};
  std::uint32_t bags = 0;
  Delivery delivery;

  bool operator==(const DemoRequest&) const = default;
};

enum class DemoEventKind : std::uint8_t {
  kCellDied,            // `cell` died handling `tenant`'s request
  kTenantLostAllCells,  // every cell of `tenant`'s shard is now dead
};

struct DemoEvent {
  std::uint64_t request = 0;  // the request during which it happened
  DemoEventKind kind = DemoEventKind::kCellDied;
  TenantId tenant{};
  CellId cell{};  // for kCellDied

  bool operator==(const DemoEvent&) const = default;
};

struct DemoCell {
  CellId id{};
  std::string name;
  std::optional<std::uint64_t> died_at;  // request id that killed it
  TenantId killed_by{};                  // meaningful when died_at is set

  bool operator==(const DemoCell&) const = default;
};

struct DemoTenant {
  TenantId id{};
  std::string name;
  Shard cells;  // preference order
  std::uint32_t served = 0;
  std::uint32_t failed = 0;
  std::optional<std::uint64_t> lost_all_at;  // request id after which all its cells were dead

  bool operator==(const DemoTenant&) const = default;
};

// The demo's outcome counts are indexed by Disposition, whose last value is kUnknownTenant.
inline constexpr std::size_t kDispositionCount =
    static_cast<std::size_t>(Disposition::kUnknownTenant) + 1;

struct DemoResult {
  DemoOptions options;
  std::vector<DemoCell> cells;      // by id
  std::vector<DemoTenant> tenants;  // by id
  std::vector<DemoRequest> requests;
  std::vector<DemoEvent> events;
  std::array<std::uint64_t, kDispositionCount> outcomes{};  // indexed by Disposition

  std::uint64_t count(Disposition d) const { return outcomes[static_cast<std::size_t>(d)]; }
  const DemoCell& cell(CellId id) const { return cells[raw(id)]; }
  const DemoTenant& tenant(TenantId id) const { return tenants[raw(id)]; }

  bool operator==(const DemoResult&) const = default;
};

// The story before it is told: the fleet, every tenant's shard (placed exactly as run_demo
// places them) and the orders, with no deliveries, counts or events yet. `cellkit demo
// --live` delivers these orders over real HTTP. Fails when the options do not validate.
Result<DemoResult> plan_demo(const DemoOptions& options);

// Tells the story from every request's delivery (all set by the caller): outcome counts,
// tenants' served and failed orders, cells that died and tenants that lost all their
// cells. Requires a result from plan_demo with no tally yet.
void tally_demo(DemoResult& result);

// Runs the story through the discrete-event engine (sim::simulate with a scripted
// workload), so the core control plane (random placement), publisher and router decide.
// Deterministic: the same options give the same result. Fails only when the options do
// not validate.
Result<DemoResult> run_demo(const DemoOptions& options);

}  // namespace cellkit

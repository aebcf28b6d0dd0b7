// The seed's story run through the core control plane and router.
#include "cellkit/sim/seed_demo.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "cellkit/core/control_plane.h"

namespace cellkit {
namespace {

// Stream ids under the run seed: placement and traffic draw independently, so changing
// the number of requests does not change which cells tenants get.
constexpr std::uint64_t kPlacementStream = 1;
constexpr std::uint64_t kTrafficStream = 2;

std::uint32_t bags_in(const std::string& payload) {
  std::uint32_t bags = 0;
  std::from_chars(payload.data(), payload.data() + payload.size(), bags);
  return bags;
}

// The cells as servers: a cell handles orders until one asks for kPoisonBags bags.
class ChipShopCells final : public CellTransport {
 public:
  explicit ChipShopCells(std::size_t count) : alive_(count, true) {}

  CellReply send(CellId cell, const Request& request) override {
    if (!alive_[raw(cell)]) return CellReply::kCrashed;
    if (bags_in(request.payload) == kPoisonBags) {
      alive_[raw(cell)] = false;
      return CellReply::kCrashed;
    }
    return CellReply::kServed;
  }

 private:
  std::vector<bool> alive_;
};

Status check_at_least_one(const char* option, std::uint32_t value) {
  if (value >= 1) return Status::ok();
  return invalid_argument(
      fmt::format("{} {} is not allowed: it must be at least 1", option, value));
}

bool all_dead(const Shard& shard, const std::vector<DemoCell>& cells) {
  return std::all_of(shard.begin(), shard.end(),
                     [&](CellId c) { return cells[raw(c)].died_at.has_value(); });
}

void record_cell_death(DemoResult& result, const DemoRequest& request) {
  DemoCell& cell = result.cells[raw(request.delivery.cell)];
  cell.died_at = request.id;
  cell.killed_by = request.tenant;
  result.events.push_back({.request = request.id,
                           .kind = DemoEventKind::kCellDied,
                           .tenant = request.tenant,
                           .cell = cell.id});
  for (DemoTenant& tenant : result.tenants) {
    if (tenant.lost_all_at || !all_dead(tenant.cells, result.cells)) continue;
    tenant.lost_all_at = request.id;
    result.events.push_back(
        {.request = request.id, .kind = DemoEventKind::kTenantLostAllCells, .tenant = tenant.id});
  }
}

DemoResult set_up(const DemoOptions& options, Router& router) {
  DirectPublisher publisher;
  publisher.subscribe(router);
  Random root(options.seed);
  ControlPlane control(std::make_unique<RandomPlacement>(), publisher,
                       root.derive(kPlacementStream).seed());
  DemoResult result{.options = options};
  for (std::uint32_t i = 0; i < options.cells; ++i) {
    const CellId id = control.cells().add_cell().value();
    result.cells.push_back({.id = id, .name = control.cells().fleet().cell(id).name});
  }
  for (std::uint32_t i = 0; i < options.tenants; ++i) {
    const TenantId id = control.add_tenant({}, options.cells_per_tenant).value();
    const Tenant& tenant = *control.tenants().find_tenant(id);
    result.tenants.push_back(
        {.id = id, .name = tenant.name, .cells = control.tenants().mapping().shard(id)});
  }
  control.publish();
  return result;  // the control plane goes away here; the router keeps its table
}

}  // namespace

Status DemoOptions::validate() const {
  if (Status s = check_at_least_one("--cells", cells); !s.is_ok()) return s;
  if (Status s = check_at_least_one("--tenants", tenants); !s.is_ok()) return s;
  if (Status s = check_at_least_one("--cells-per-tenant", cells_per_tenant); !s.is_ok()) return s;
  if (cells_per_tenant > cells) {
    return invalid_argument(
        fmt::format("--cells-per-tenant {} is not allowed: it must not exceed --cells ({})",
                    cells_per_tenant, cells));
  }
  if (unlucky_tenant >= tenants) {
    return invalid_argument(fmt::format(
        "--unlucky-tenant {} is not allowed: tenant indexes run from 0 to {} (--tenants {})",
        unlucky_tenant, tenants - 1, tenants));
  }
  return Status::ok();
}

Result<DemoResult> run_demo(const DemoOptions& options) {
  if (Status s = options.validate(); !s.is_ok()) return s;
  Router router;
  DemoResult result = set_up(options, router);
  ChipShopCells cells(options.cells);
  Random traffic = Random(options.seed).derive(kTrafficStream);
  for (std::uint64_t id = 1; id <= options.requests; ++id) {
    const auto tenant = static_cast<std::uint32_t>(traffic.index(options.tenants));
    const std::uint64_t most = tenant == options.unlucky_tenant ? kPoisonBags : kPoisonBags - 1;
    DemoRequest request{.id = id,
                        .tenant = TenantId{tenant},
                        .bags = static_cast<std::uint32_t>(traffic.uniform_int(1, most))};
    const Request wire{
        .id = id,
        .tenant = request.tenant,
        .payload = fmt::format("{} bag{} of chips", request.bags, request.bags == 1 ? "" : "s")};
    request.delivery = router.handle(wire, cells);
    ++result.outcomes[static_cast<std::size_t>(request.delivery.disposition)];
    DemoTenant& owner = result.tenants[tenant];
    (request.delivery.disposition == Disposition::kServed ? owner.served : owner.failed)++;
    if (request.delivery.disposition == Disposition::kCellCrashed) {
      record_cell_death(result, request);
    }
    result.requests.push_back(request);
  }
  return result;
}

}  // namespace cellkit

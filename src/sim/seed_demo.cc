// The seed's story, told by the discrete-event engine (core control plane and router).
#include "cellkit/sim/seed_demo.h"

#include <algorithm>
#include <cassert>

#include <fmt/format.h>

#include "cellkit/base/limits.h"
#include "cellkit/core/router_policy.h"
#include "cellkit/sim/simulator.h"

namespace cellkit {
namespace {

// The traffic stream under the run seed (placement is the engine's stream 1), so
// changing the number of requests does not change which cells tenants get.
constexpr std::uint64_t kTrafficStream = 2;

// Requests arrive one per millisecond and are served in a microsecond, so each is handled
// before the next arrives: the seed's sequential story, told by the event engine.
constexpr Duration kGap = std::chrono::milliseconds(1);

// Each order is kept for the story (and its events), so the demo tells at most this many.
constexpr std::uint32_t kMaxRequests = 1'000'000;

Status check_at_least_one(std::string_view field, std::uint32_t value) {
  if (value >= 1) return Status::ok();
  return invalid_argument(fmt::format("{} {} is not allowed: it must be at least 1", field, value));
}

Status check_at_most(std::string_view field, std::uint64_t value, std::uint64_t most) {
  if (value <= most) return Status::ok();
  return invalid_argument(
      fmt::format("{} {} is not allowed: it must be at most {}", field, value, most));
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

// The orders: each from a tenant chosen at random, 1..4 bags, or 1..5 for the unlucky one.
std::vector<DemoRequest> draw_orders(const DemoOptions& options) {
  Random traffic = Random(options.seed).derive(kTrafficStream);
  std::vector<DemoRequest> orders;
  for (std::uint64_t id = 1; id <= options.requests; ++id) {
    const auto tenant = static_cast<std::uint32_t>(traffic.index(options.tenants));
    const std::uint64_t most = tenant == options.unlucky_tenant ? kPoisonBags : kPoisonBags - 1;
    orders.push_back({.id = id,
                      .tenant = TenantId{tenant},
                      .bags = static_cast<std::uint32_t>(traffic.uniform_int(1, most))});
  }
  return orders;
}

// The seed's router: no retries, no quarantine; a cell killed stays dead.
sim::Scenario demo_scenario(const DemoOptions& options, const std::vector<DemoRequest>& orders) {
  sim::Scenario s;
  s.name = "demo";
  s.until = kGap * (static_cast<std::int64_t>(options.requests) + 1);
  s.interval = s.until;
  s.cells.count = options.cells;
  s.cells.servers = 1;
  s.cells.service = {.kind = sim::ServiceKind::kConstant, .mean = Duration(1)};
  s.cells.restart_after = s.until * 2;
  s.tenants.count = options.tenants;
  s.tenants.shard_size = options.cells_per_tenant;
  s.workload.rate = 0;  // only the scripted orders, even when there are none
  s.router.policy = RouterPolicy{.max_attempts = 1, .quarantine_after = 0};
  s.router.health_check_interval = s.until * 2;
  s.control_plane.publish_interval = s.until * 2;
  for (const DemoRequest& o : orders) {
    s.workload.script.push_back({.at = kGap * static_cast<std::int64_t>(o.id),
                                 .tenant = raw(o.tenant),
                                 .poison = o.bags == kPoisonBags});
  }
  return s;
}

Disposition disposition_of(sim::Outcome outcome) {
  switch (outcome) {
    case sim::Outcome::kServed:
      return Disposition::kServed;
    case sim::Outcome::kCellCrashed:
      return Disposition::kCellCrashed;
    case sim::Outcome::kNoHealthyCell:
      return Disposition::kNoHealthyCell;
    default:
      // One request per tick on idle cells, no retries: nothing is shed, quarantined or
      // timed out. Reaching this is a bug in demo_scenario.
      assert(false && "the demo scenario produced an outcome it cannot show");
      return Disposition::kUnknownTenant;
  }
}

void fill_fleet(DemoResult& result, const sim::RunResult& run) {
  for (const sim::CellResult& c : run.cells)
    result.cells.push_back({.id = c.id, .name = c.name});
  for (const sim::TenantResult& t : run.tenants) {
    result.tenants.push_back({.id = t.id, .name = t.name, .cells = t.shard});
  }
}

}  // namespace

Status DemoOptions::validate() const {
  const Names& n = names;
  if (Status s = check_at_least_one(n.cells, cells); !s.is_ok()) return s;
  if (Status s = check_at_least_one(n.tenants, tenants); !s.is_ok()) return s;
  if (Status s = check_at_least_one(n.cells_per_tenant, cells_per_tenant); !s.is_ok()) return s;
  if (Status s = check_at_most(n.cells, cells, kMaxRunCells); !s.is_ok()) return s;
  if (Status s = check_at_most(n.tenants, tenants, kMaxTenants); !s.is_ok()) return s;
  if (Status s = check_at_most(n.requests, requests, kMaxRequests); !s.is_ok()) return s;
  if (cells_per_tenant > cells) {
    return invalid_argument(fmt::format("{} {} is not allowed: it must not exceed {} ({})",
                                        n.cells_per_tenant, cells_per_tenant, n.cells, cells));
  }
  if (unlucky_tenant >= tenants) {
    return invalid_argument(
        fmt::format("{} {} is not allowed: tenant indexes run from 0 to {} ({} {})",
                    n.unlucky_tenant, unlucky_tenant, tenants - 1, n.tenants, tenants));
  }
  return Status::ok();
}

// Placement happens when the run is set up, before any order arrives, and draws from its
// own stream: a run without orders places every tenant as the full run does.
Result<DemoResult> plan_demo(const DemoOptions& options) {
  if (Status s = options.validate(); !s.is_ok()) return s;
  Result<sim::RunResult> run = sim::simulate(demo_scenario(options, {}), options.seed, {});
  if (!run.is_ok()) return run.status();
  DemoResult result{.options = options};
  fill_fleet(result, *run);
  result.requests = draw_orders(options);
  return result;
}

void tally_demo(DemoResult& result) {
  for (const DemoRequest& order : result.requests) {
    ++result.outcomes[static_cast<std::size_t>(order.delivery.disposition)];
    DemoTenant& owner = result.tenants[raw(order.tenant)];
    (order.delivery.disposition == Disposition::kServed ? owner.served : owner.failed)++;
    if (order.delivery.disposition == Disposition::kCellCrashed) record_cell_death(result, order);
  }
}

Result<DemoResult> run_demo(const DemoOptions& options) {
  if (Status s = options.validate(); !s.is_ok()) return s;
  std::vector<DemoRequest> orders = draw_orders(options);
  sim::RunOptions observe;
  observe.on_request = [&](const sim::RequestRecord& r) {
    DemoRequest& order = orders[static_cast<std::size_t>(r.arrival.time_since_epoch() / kGap) - 1];
    order.delivery = {
        .disposition = disposition_of(r.outcome), .cell = r.cell, .version = r.version};
  };
  Result<sim::RunResult> run = sim::simulate(demo_scenario(options, orders), options.seed, observe);
  if (!run.is_ok()) return run.status();
  DemoResult result{.options = options};
  fill_fleet(result, *run);
  result.requests = std::move(orders);
  tally_demo(result);
  return result;
}

}  // namespace cellkit

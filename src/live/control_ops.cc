// The control API's changes as functions of the desired state, built on core's placement
// operations (add_tenants, drain_cell, remove_cell) and rebalance planner.
#include "cellkit/live/control_ops.h"

#include "cellkit/base/cut.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "cellkit/live/onboard_index.h"

namespace cellkit::live {
namespace {

Status check_endpoint(std::string_view endpoint) {
  if (endpoint.empty() || is_host_port(endpoint)) return Status::ok();
  return invalid_argument(fmt::format("endpoint '{}' is not HOST:PORT", cut(endpoint)));
}

ZoneId zone_id(ControlState& state, std::string_view zone) {
  const std::string name = zone.empty() ? std::string("zone-0") : std::string(zone);
  auto it = std::find(state.zone_names.begin(), state.zone_names.end(), name);
  if (it == state.zone_names.end()) {
    state.zone_names.push_back(name);
    it = state.zone_names.end() - 1;
  }
  return ZoneId{static_cast<std::uint16_t>(it - state.zone_names.begin())};
}

Result<CellId> cell_id(const ControlState& state, std::string_view name) {
  const Cell* cell = find_cell(state, name);
  if (cell == nullptr) return not_found(fmt::format("no cell named '{}'", cut(name)));
  return cell->id;
}

// The state with a new placement (cells and shards changed by a core operation).
ControlState with_placement(const ControlState& state, Placement placement) {
  ControlState next = state;
  next.placement = std::move(placement);
  return next;
}

bool pinned_to(const ControlState& state, CellId cell) {
  for (const auto& [tenant, cells] : state.pins) {
    if (std::find(cells.begin(), cells.end(), cell) != cells.end()) return true;
  }
  return false;
}

}  // namespace

const Cell* find_cell(const ControlState& state, std::string_view name) {
  for (const Cell& c : state.placement.fleet.cells()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Status no_tenant_named(std::string_view name) {
  return not_found(fmt::format("no tenant named '{}'", cut(name)));
}

const Tenant* find_tenant(const ControlState& state, std::string_view name) {
  for (const Tenant& t : state.placement.tenants) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Result<ControlState> add_cell(const ControlState& state, const CellSpec& spec) {
  if (spec.name.empty()) return invalid_argument("name must not be empty");
  if (find_cell(state, spec.name) != nullptr) {
    return already_exists(fmt::format("cell name '{}' is already taken", cut(spec.name)));
  }
  if (Status s = check_endpoint(spec.endpoint); !s.is_ok()) return s;
  ControlState next = state;
  const Cell cell{.id = CellId{next.next_cell},
                  .name = spec.name,
                  .zone = zone_id(next, spec.zone),
                  .capacity = spec.capacity,
                  .endpoint = spec.endpoint};
  Result<Placement> placement = add_cells(next.placement, {cell});
  if (!placement.is_ok()) return placement.status();
  next.placement = std::move(placement).value();
  ++next.next_cell;
  return next;
}

Result<ControlState> drain_cell(const ControlState& state, std::string_view cell) {
  Result<CellId> id = cell_id(state, cell);
  if (!id.is_ok()) return id.status();
  if (pinned_to(state, *id)) {
    return failed_precondition(fmt::format("cell '{}' is named by a pin; unpin first", cut(cell)));
  }
  Result<Placement> placement = cellkit::drain_cell(state.placement, *id);
  if (!placement.is_ok()) return placement.status();
  return with_placement(state, std::move(placement).value());
}

Result<ControlState> remove_cell(const ControlState& state, std::string_view cell) {
  Result<CellId> id = cell_id(state, cell);
  if (!id.is_ok()) return id.status();
  if (pinned_to(state, *id)) {
    return failed_precondition(fmt::format("cell '{}' is named by a pin; unpin first", cut(cell)));
  }
  Result<Placement> placement = cellkit::remove_cell(state.placement, *id);
  if (!placement.is_ok()) return placement.status();
  ControlState next = with_placement(state, std::move(placement).value());
  return next;
}

Result<ControlState> set_capacity(const ControlState& state, std::string_view cell,
                                  std::uint32_t capacity) {
  Result<CellId> id = cell_id(state, cell);
  if (!id.is_ok()) return id.status();
  Fleet target = state.placement.fleet;
  target.cell(*id).capacity = capacity;
  Result<RebalancePlan> plan = plan_rebalance(state.placement, target);
  if (!plan.is_ok()) return plan.status();
  Result<Placement> placement = apply_plan(state.placement, target, *plan);
  if (!placement.is_ok()) return placement.status();
  return with_placement(state, std::move(placement).value());
}

Result<ControlState> onboard(const ControlState& state, const std::vector<TenantSpec>& specs) {
  Result<OnboardIndex> index = OnboardIndex::build(state);
  if (!index.is_ok()) return index.status();
  ControlState next = state;
  if (Status s = index->onboard(next, specs); !s.is_ok()) return s;
  return next;
}

Result<ControlState> remove_tenant(const ControlState& state, std::string_view tenant) {
  const Tenant* found = find_tenant(state, tenant);
  if (found == nullptr) return no_tenant_named(tenant);
  const TenantId id = found->id;
  Result<Placement> placement = cellkit::remove_tenant(state.placement, id);
  if (!placement.is_ok()) return placement.status();
  ControlState next = with_placement(state, std::move(placement).value());
  next.pins.remove(id);
  return next;
}

Result<ControlState> pin_tenant(const ControlState& state, std::string_view tenant,
                                const std::vector<std::string>& cells) {
  const Tenant* found = find_tenant(state, tenant);
  if (found == nullptr) return no_tenant_named(tenant);
  Shard shard;
  for (const std::string& name : cells) {
    Result<CellId> id = cell_id(state, name);
    if (!id.is_ok()) return id.status();
    if (std::find(shard.begin(), shard.end(), *id) != shard.end()) {
      return invalid_argument(fmt::format("cell '{}' is named twice", cut(name)));
    }
    shard.push_back(*id);
  }
  ControlState next = state;
  if (shard.empty()) {
    next.pins.remove(found->id);
  } else {
    next.pins.assign(found->id, std::move(shard));
  }
  return next;
}

Result<Rebalance> plan_fleet_rebalance(const ControlState& state) {
  Rebalance out{.from = state.placement, .target = state.placement.fleet};
  // The planner fills cells that are new in the target; an active cell without tenants is
  // such a cell, so it is left out of the starting placement.
  std::vector<bool> used;
  for (const auto& [tenant, shard] : state.placement.mapping) {
    for (CellId c : shard) {
      if (raw(c) >= used.size()) used.resize(raw(c) + 1, false);
      used[raw(c)] = true;
    }
  }
  for (const Cell& c : state.placement.fleet.cells()) {
    const bool empty = raw(c.id) >= used.size() || !used[raw(c.id)];
    if (empty && c.state == CellState::kActive) (void)out.from.fleet.remove(c.id);
  }
  Result<RebalancePlan> plan = plan_rebalance(out.from, out.target);
  if (!plan.is_ok()) return plan.status();
  out.plan = std::move(plan).value();
  return out;
}

Result<ControlState> apply_moves(const ControlState& state, const Rebalance& rebalance,
                                 std::size_t count) {
  Result<Placement> placement = apply_plan(rebalance.from, rebalance.target, rebalance.plan, count);
  if (!placement.is_ok()) return placement.status();
  return with_placement(state, std::move(placement).value());
}

}  // namespace cellkit::live

// Every change the control API makes, as a pure function from one desired state to the
// next, through core's placement operations and rebalance planner (never a second copy).
// Each result still goes through check_state before it is stored.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/live/control_state.h"

namespace cellkit::live {

struct CellSpec {
  std::string name;            // unique; required
  std::string zone;            // a zone name; "" = the first zone ("zone-0")
  std::string endpoint;        // "host:port" the routers forward to; may be empty
  std::uint32_t capacity = 0;  // most load; 0 = the fleet default
};

struct TenantSpec {
  std::string name;              // unique; required
  std::uint32_t shard_size = 0;  // cells (k); required, at least 1
  std::uint32_t weight = 1;
};

// Errors: kInvalidArgument (bad spec), kNotFound (unknown name), kAlreadyExists (name taken),
// kResourceExhausted / kFailedPrecondition (the change cannot keep the invariants).
Result<ControlState> add_cell(const ControlState& state, const CellSpec& spec);
// Marks the cell draining and moves its tenants to other cells (plan_rebalance).
Result<ControlState> drain_cell(const ControlState& state, std::string_view cell);
// Moves its tenants away and removes it; refused while a pin names it.
Result<ControlState> remove_cell(const ControlState& state, std::string_view cell);
// Sets the cell's capacity, moving tenants off it when it is now above it.
Result<ControlState> set_capacity(const ControlState& state, std::string_view cell,
                                  std::uint32_t capacity);
// Places the tenants with the fleet's strategy (all or nothing: one refusal refuses all).
Result<ControlState> onboard(const ControlState& state, const std::vector<TenantSpec>& tenants);
Result<ControlState> remove_tenant(const ControlState& state, std::string_view tenant);
// Pins the tenant to the named cells (in order); no cells = unpin.
Result<ControlState> pin_tenant(const ControlState& state, std::string_view tenant,
                                const std::vector<std::string>& cells);

// The rebalance the fleet needs now: moves onto active cells that hold no tenant and off
// cells that are draining, disabled or above capacity.
struct Rebalance {
  Placement from;  // the placement the plan starts from (empty active cells left out)
  Fleet target;    // the fleet to reach
  RebalancePlan plan;
};
Result<Rebalance> plan_fleet_rebalance(const ControlState& state);
// The state after the first `count` moves of the plan.
Result<ControlState> apply_moves(const ControlState& state, const Rebalance& rebalance,
                                 std::size_t count);

const Cell* find_cell(const ControlState& state, std::string_view name);
const Tenant* find_tenant(const ControlState& state, std::string_view name);
// kNotFound for a tenant name the state does not hold.
Status no_tenant_named(std::string_view name);

}  // namespace cellkit::live

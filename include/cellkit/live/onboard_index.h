// What onboarding needs to know about a control state, kept between changes so that placing
// one tenant costs what that tenant touches, not the whole fleet: the placement engine's
// strategy with every tenant remembered, tenant names, each cell's load and (under an
// overlap limit) its tenants.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/placement.h"
#include "cellkit/live/control_ops.h"
#include "cellkit/live/control_state.h"

namespace cellkit::live {

class OnboardIndex {
 public:
  // Remembers every tenant of `state` (O(tenants)). Fails on invalid placement options.
  static Result<OnboardIndex> build(const ControlState& state);

  // Places one request's tenants into `state` (the state the index was built from, with
  // only onboard() applied since): ids from state.next_tenant, shards from the fleet's
  // strategy with draws from Random(seed).derive(first new id), exactly as add_tenants
  // places them. Then checks what the new tenants change: names new, shards non-empty
  // with distinct cells of the fleet, no cell above its capacity, and under an overlap
  // limit no new tenant sharing more than max_overlap cells with any other. All or
  // nothing: on an error `state` and the index are unchanged. Errors as onboard()'s.
  Status onboard(ControlState& state, const std::vector<TenantSpec>& specs);

  // Forgets a tenant the index holds, as it leaves the state: `shard` its shard in the
  // mapping (what the strategy remembers), `effective` its pin if it has one, else its shard
  // (what it loads). The index is then that of the state without it, as build() would make
  // it. O(the tenant's cells), and under an overlap limit O(the tenants on those cells).
  void forget(const Tenant& tenant, const Shard& shard, const Shard& effective);

 private:
  std::unique_ptr<PlacementStrategy> strategy_;
  std::unordered_set<std::string> names_;
  std::vector<std::uint64_t> load_;                  // by raw cell id, effective shards
  std::vector<std::vector<std::uint32_t>> on_cell_;  // by raw cell id; only under a limit
  bool limits_overlap_ = false;

  void add(const Tenant& tenant, const Shard& effective);
  Status check(const ControlState& state, const Tenant& tenant, const Shard& shard);
  Status place(const ControlState& state, const std::vector<Tenant>& tenants,
               std::vector<Shard>& shards);
};

}  // namespace cellkit::live

// The engine behind every named strategy: pools of placeable cells, per-tenant zone quotas,
// the live PlacementState, and a selection step that each strategy supplies.
#pragma once

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "cellkit/core/placement_ops.h"
#include "cellkit/core/strategies.h"
#include "core/fit_cursor.h"
#include "core/placement_state.h"

namespace cellkit {

// How many cells a shard takes from each pool group, in the tenant's zone order.
struct Quota {
  std::size_t group = 0;  // index into CellPools::groups (or the single group `all`)
  std::uint32_t count = 0;
};

// What a strategy's select() sees for one tenant.
struct SelectRequest {
  const CellPools& pools;
  const Tenant& tenant;
  const std::vector<Quota>& quotas;
  bool zoned = false;  // quotas index pools.groups; else the single group pools.all
  Random& random;

  std::span<const CellId> group(const Quota& q) const {
    return zoned ? std::span<const CellId>(pools.groups[q.group])
                 : std::span<const CellId>(pools.all);
  }
};

class PooledStrategy : public PlacementStrategy {
 public:
  explicit PooledStrategy(PlacementOptions options);

  Result<Shard> choose(const Fleet& fleet, const Mapping& mapping, const Tenant& tenant,
                       Random& random) override;
  void forget(TenantId tenant, const Shard& shard) override { state_.remove(tenant, shard); }
  void remember(const Tenant& tenant, const Shard& shard) override {
    state_.add(tenant.id, shard, tenant.weight);
  }

  // choose() with pools built once by the caller (batch placement).
  Result<Shard> choose_from(const CellPools& pools, const Tenant& tenant, Random& random);
  const PlacementOptions& options() const { return options_; }
  const PlacementState& state() const { return state_; }
  // A hint that about `tenants` tenants of `shard_size` cells will be recorded.
  void reserve(std::size_t tenants, std::size_t shard_size) { state_.reserve(tenants, shard_size); }
  // Advances `cursor` (which must have seen only these pools) by at most `work` checks,
  // with the codewords held back recorded first: whether any shard still fits (FitCursor).
  FitCursor::Verdict advance(FitCursor& cursor, const CellPools& pools, std::uint64_t work) {
    state_.record_deferred();
    return cursor.advance(state_, pools, work);
  }

 protected:
  // Picks the quota's cells; every returned cell has room. Never a short shard.
  virtual Result<Shard> select(const SelectRequest& request) = 0;
  // Records a shard select() chose in state_ (loads, subsets).
  virtual void record(const Tenant& tenant, const Shard& shard) {
    state_.add(tenant.id, shard, tenant.weight);
  }
  // Checks that depend on the tenant (shard size against the overlap limit).
  virtual Status check_tenant(const Tenant& /*tenant*/) const { return Status::ok(); }

  PlacementState state_;
  PlacementOptions options_;

 private:
  std::vector<Quota> quotas_for(const CellPools& pools, const Tenant& tenant) const;

  // The pools of the last choose(): the next call on the same fleet reuses their serial.
  std::optional<CellPools> last_pools_;
};

// The strategy named by validated options.
std::unique_ptr<PooledStrategy> make_pooled_strategy(const PlacementOptions& options);
std::unique_ptr<PooledStrategy> make_shuffle_strategy(const PlacementOptions& options);

// The order in which a tenant's shard takes remainder cells from zones: by a keyed hash of
// (seed, tenant, zone), ties by zone id. Fixed per tenant, so growing k by one adds one cell.
std::vector<std::size_t> zone_order(const CellPools& pools, TenantId tenant, std::uint64_t seed);

// "tenant 'x' needs 3 cells in zone 1 but only 2 there have room".
Status shortage(const SelectRequest& request, const Quota& quota, std::size_t available);

// Shards whose (m+1)-subsets number more than this are refused under an overlap limit:
// recording them would take too long.
inline constexpr std::uint64_t kMaxSubsetsPerShard = 100'000;

// Under shuffle, every shard of the placement can be recorded (C(size, m+1) subsets at most
// kMaxSubsetsPerShard); names the first tenant whose shard cannot.
Status check_subset_work(const Placement& placement);

// C(n, r), saturating at 2^64 − 1.
std::uint64_t binomial(std::uint64_t n, std::uint64_t r);

}  // namespace cellkit

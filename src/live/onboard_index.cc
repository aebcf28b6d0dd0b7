// Incremental onboarding: the placement engine's strategy and the per-cell facts the
// invariants need, updated by each placed tenant instead of recomputed from the world.
#include "cellkit/live/onboard_index.h"

#include "cellkit/base/cut.h"

#include <algorithm>

#include <fmt/format.h>

#include "cellkit/base/random.h"
#include "cellkit/core/strategies.h"

namespace cellkit::live {
namespace {

std::size_t cell_slots(const ControlState& state) {
  std::size_t slots = state.next_cell;
  for (const Cell& c : state.placement.fleet.cells())
    slots = std::max<std::size_t>(slots, raw(c.id) + 1);
  return slots;
}

}  // namespace

Result<OnboardIndex> OnboardIndex::build(const ControlState& state) {
  Result<std::unique_ptr<PlacementStrategy>> strategy = make_strategy(state.placement.options);
  if (!strategy.is_ok()) return strategy.status();
  OnboardIndex index;
  index.strategy_ = std::move(strategy).value();
  index.limits_overlap_ = limits_overlap(state.placement.options);
  index.load_.assign(cell_slots(state), 0);
  if (index.limits_overlap_) index.on_cell_.resize(index.load_.size());
  index.names_.reserve(state.placement.tenants.size());
  for (const Tenant& t : state.placement.tenants) {
    index.strategy_->remember(t, state.placement.mapping.shard(t.id));
    index.names_.insert(t.name);
    index.add(t, effective_shard(state, t.id));
  }
  return index;
}

void OnboardIndex::add(const Tenant& tenant, const Shard& effective) {
  for (CellId c : effective) {
    if (raw(c) >= load_.size()) {
      load_.resize(raw(c) + 1, 0);
      if (limits_overlap_) on_cell_.resize(load_.size());
    }
    load_[raw(c)] += tenant.weight;
    if (limits_overlap_) on_cell_[raw(c)].push_back(raw(tenant.id));
  }
}

void OnboardIndex::forget(const Tenant& tenant, const Shard& shard, const Shard& effective) {
  strategy_->forget(tenant.id, shard);
  names_.erase(tenant.name);
  for (CellId c : effective) {
    load_[raw(c)] -= tenant.weight;
    if (!limits_overlap_) continue;
    std::vector<std::uint32_t>& on = on_cell_[raw(c)];
    on.erase(std::find(on.begin(), on.end(), raw(tenant.id)));
  }
}

// The new tenant's shard against what the index holds (every tenant placed before it).
Status OnboardIndex::check(const ControlState& state, const Tenant& tenant, const Shard& shard) {
  const Fleet& fleet = state.placement.fleet;
  if (shard.empty()) {
    return failed_precondition(fmt::format("tenant '{}' would have no cell", cut(tenant.name)));
  }
  for (std::size_t i = 0; i < shard.size(); ++i) {
    if (!fleet.contains(shard[i]) ||
        std::find(shard.begin(), shard.begin() + i, shard[i]) != shard.begin() + i) {
      return failed_precondition(
          fmt::format("tenant '{}' would name cell {} twice or outside the fleet", cut(tenant.name),
                      raw(shard[i])));
    }
    const Cell& cell = fleet.cell(shard[i]);
    const std::uint64_t cap = capacity_of(state.placement, cell);
    const std::uint64_t load = raw(shard[i]) < load_.size() ? load_[raw(shard[i])] : 0;
    if (cap != 0 && load + tenant.weight > cap) {
      return failed_precondition(fmt::format("cell '{}' would hold load {} above its capacity {}",
                                             cut(cell.name), load + tenant.weight, cap));
    }
  }
  if (!limits_overlap_) return Status::ok();
  const std::uint32_t limit = state.placement.options.max_overlap;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> shared;  // (tenant, cells shared)
  for (CellId c : shard) {
    if (raw(c) >= on_cell_.size()) continue;
    for (std::uint32_t other : on_cell_[raw(c)])
      shared.emplace_back(other, 1);
  }
  std::sort(shared.begin(), shared.end());
  for (std::size_t i = 0, run = 0; i < shared.size(); ++i) {
    run = i > 0 && shared[i].first == shared[i - 1].first ? run + 1 : 1;
    if (run > limit) {
      return failed_precondition(
          fmt::format("tenants {} and {} would share more than max_overlap {} cells",
                      raw(tenant.id), shared[i].first, limit));
    }
  }
  return Status::ok();
}

// Draws shards for `tenants` from the strategy, as add_tenants does; on a refusal the
// strategy forgets what it placed and the first refusal is returned.
Status OnboardIndex::place(const ControlState& state, const std::vector<Tenant>& tenants,
                           std::vector<Shard>& shards) {
  Random random = Random(state.placement.options.seed).derive(raw(tenants.front().id));
  std::size_t refused = 0;
  std::string first_refusal;
  for (const Tenant& t : tenants) {
    Result<Shard> shard =
        strategy_->choose(state.placement.fleet, state.placement.mapping, t, random);
    if (shard.is_ok()) {
      shards.push_back(std::move(shard).value());
      continue;
    }
    if (refused++ == 0) first_refusal = shard.status().message();
    shards.emplace_back();  // keeps shards[i] with tenants[i]
  }
  if (refused == 0) return Status::ok();
  for (std::size_t i = 0; i < tenants.size(); ++i) {
    if (!shards[i].empty()) strategy_->forget(tenants[i].id, shards[i]);
  }
  return resource_exhausted(
      fmt::format("{} of {} tenants cannot be placed: {}", refused, tenants.size(), first_refusal));
}

Status OnboardIndex::onboard(ControlState& state, const std::vector<TenantSpec>& specs) {
  if (specs.empty()) return invalid_argument("tenants must not be empty");
  std::vector<Tenant> tenants;
  std::unordered_set<std::string_view> batch_names;
  for (const TenantSpec& spec : specs) {
    if (spec.name.empty()) return invalid_argument("name must not be empty");
    if (spec.shard_size == 0) {
      return invalid_argument(
          fmt::format("shard_size of tenant '{}' must be at least 1", cut(spec.name)));
    }
    if (names_.contains(spec.name) || !batch_names.insert(spec.name).second) {
      return already_exists(fmt::format("tenant name '{}' is used twice", cut(spec.name)));
    }
    tenants.push_back(
        {.id = TenantId{static_cast<std::uint32_t>(state.next_tenant + tenants.size())},
         .name = spec.name,
         .shard_size = spec.shard_size,
         .weight = spec.weight});
  }
  std::vector<Shard> shards;
  if (Status s = place(state, tenants, shards); !s.is_ok()) return s;
  // Checked one by one against the index, each new tenant added before the next is checked;
  // a breach takes every addition back.
  std::vector<std::uint64_t> load_before = load_;
  std::size_t checked = 0;
  Status breach = Status::ok();
  for (; checked < tenants.size(); ++checked) {
    breach = check(state, tenants[checked], shards[checked]);
    if (!breach.is_ok()) break;
    add(tenants[checked], shards[checked]);
  }
  if (!breach.is_ok()) {
    load_ = std::move(load_before);
    for (std::size_t i = 0; i < checked; ++i) {
      for (CellId c : shards[i])
        if (limits_overlap_) on_cell_[raw(c)].pop_back();
    }
    for (std::size_t i = 0; i < tenants.size(); ++i)
      strategy_->forget(tenants[i].id, shards[i]);
    return breach;
  }
  // Appended without an exact reserve, which would move every tenant at each request (the
  // control plane onboards in place, request after request, into one vector).
  for (std::size_t i = 0; i < tenants.size(); ++i) {
    names_.insert(tenants[i].name);
    state.placement.mapping.assign(tenants[i].id, std::move(shards[i]));
    state.placement.tenants.push_back(std::move(tenants[i]));
  }
  state.next_tenant += static_cast<std::uint32_t>(tenants.size());
  return Status::ok();
}

}  // namespace cellkit::live

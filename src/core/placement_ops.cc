// Batch placement and the incremental operations on a Placement value.
#include "cellkit/core/placement_ops.h"
#include "cellkit/base/cut.h"

#include <algorithm>
#include <cassert>
#include <optional>

#include <fmt/format.h>

#include "cellkit/base/hash.h"
#include "cellkit/core/cell_names.h"
#include "cellkit/core/rebalance.h"
#include "core/pooled_strategy.h"

namespace cellkit {
namespace {

constexpr std::size_t kRefusalsKept = 10;

// Ids and names must be unique across both lists. Sorting ids and name hashes (then
// comparing the strings whose hashes meet) is several times faster than hash sets of
// strings at 1,000,000 tenants.
Status check_new_tenants(const std::vector<Tenant>& existing, const std::vector<Tenant>& added) {
  std::vector<const Tenant*> all;
  all.reserve(existing.size() + added.size());
  for (const Tenant& t : existing)
    all.push_back(&t);
  for (const Tenant& t : added)
    all.push_back(&t);
  std::vector<std::pair<std::uint32_t, std::size_t>> ids;
  std::vector<std::pair<std::uint64_t, std::size_t>> names;
  for (std::size_t i = 0; i < all.size(); ++i) {
    ids.push_back({raw(all[i]->id), i});
    names.push_back({hash64(all[i]->name), i});
  }
  std::sort(ids.begin(), ids.end());
  for (std::size_t i = 1; i < ids.size(); ++i) {
    if (ids[i].first == ids[i - 1].first) {
      return already_exists(fmt::format("tenant id {} is used twice", ids[i].first));
    }
  }
  std::sort(names.begin(), names.end());
  for (std::size_t i = 1; i < names.size(); ++i) {
    const std::string& name = all[names[i].second]->name;
    for (std::size_t j = i; j > 0 && names[j - 1].first == names[i].first; --j) {
      if (all[names[j - 1].second]->name == name) {
        return already_exists(fmt::format("tenant name '{}' is used twice", cut(name)));
      }
    }
  }
  return Status::ok();
}

// The smallest shard size and weight among a tenant and those after it.
struct Smallest {
  std::uint32_t shard_size = 0;
  std::uint32_t weight = 0;
};

std::vector<Smallest> smallest_from(const std::vector<Tenant>& tenants) {
  std::vector<Smallest> out(tenants.size());
  for (std::size_t i = tenants.size(); i-- > 0;) {
    out[i] = {tenants[i].shard_size, tenants[i].weight};
    if (i + 1 < tenants.size()) {
      out[i].shard_size = std::min(out[i].shard_size, out[i + 1].shard_size);
      out[i].weight = std::min(out[i].weight, out[i + 1].weight);
    }
  }
  return out;
}

// Checks a fullness proof may spend after each refusal: about as many as the refused search
// may spend tries (shuffle's random and ordered tries, max(4096, 64 cells) each). A check is
// one candidate cell with its subsets; while smaller tenants still fit, the work ends nothing.
std::uint64_t proof_work(const CellPools& pools) {
  return 2 * std::max<std::uint64_t>(4096, 64 * std::uint64_t{pools.all.size()});
}

// True when no tenant of `rest` (the smallest shard size and weight still to come) can be
// placed any more: then every one of them would be refused, whatever its search draws.
bool none_fits(PooledStrategy& strategy, std::optional<FitCursor>& cursor, const CellPools& pools,
               const Smallest& rest) {
  if (!cursor || cursor->shard_size() != rest.shard_size || cursor->weight() != rest.weight) {
    cursor.emplace(rest.shard_size, rest.weight);
  }
  return strategy.advance(*cursor, pools, proof_work(pools)) == FitCursor::Verdict::kNoneFits;
}

// Places `added` with a strategy that already knows the existing tenants' shards.
Placement place_more(Placement next, std::vector<Tenant> added, Random random, PlaceReport* report,
                     const Progress& progress) {
  std::unique_ptr<PooledStrategy> strategy = make_pooled_strategy(next.options);
  if (!added.empty()) {
    strategy->reserve(next.tenants.size() + added.size(), added.front().shard_size);
    // Growing by doubling would hold both the old and the new array at a million tenants.
    next.tenants.reserve(next.tenants.size() + added.size());
  }
  for (const Tenant& t : next.tenants)
    strategy->remember(t, next.mapping.shard(t.id));
  const CellPools pools = CellPools::build(next.fleet, next.options.capacity);
  const std::vector<Smallest> rest = smallest_from(added);
  // Once no tenant still to come fits anywhere (proved, not guessed: placing only adds
  // shards, so the proof holds to the end), the rest are refused without a search as soon as
  // no more refusal messages are kept; until then they are searched, so the messages kept
  // are the searches' own and the output is what searching every tenant gives.
  std::optional<FitCursor> cursor;
  bool full = false;
  PlaceReport local;
  const std::uint64_t total = added.size();
  for (std::size_t i = 0; i < added.size(); ++i) {
    progress.step(local.placed + local.refused, total);
    if (full && local.refusals.size() == kRefusalsKept) {
      ++local.refused;
      ++local.unsearched;
      continue;
    }
    Tenant& t = added[i];
    Result<Shard> shard = strategy->choose_from(pools, t, random);
    if (!shard.is_ok()) {
      ++local.refused;
      if (local.refusals.size() < kRefusalsKept) local.refusals.push_back(shard.status().message());
      if (!full && i + 1 < added.size()) full = none_fits(*strategy, cursor, pools, rest[i + 1]);
      continue;
    }
    assert(!full);
    ++local.placed;
    next.mapping.assign(t.id, std::move(shard).value());
    next.tenants.push_back(std::move(t));
  }
  progress.tell(total, total);
  std::sort(next.tenants.begin(), next.tenants.end(),
            [](const Tenant& a, const Tenant& b) { return a.id < b.id; });
  if (report != nullptr) *report = std::move(local);
  return next;
}

}  // namespace

Result<Placement> place(Fleet fleet, std::vector<Tenant> tenants, const PlacementOptions& options,
                        PlaceReport* report, const Progress& progress) {
  if (Status s = validate(options); !s.is_ok()) return s;
  if (Status s = check_new_tenants({}, tenants); !s.is_ok()) return s;
  Placement empty{.fleet = std::move(fleet), .options = options};
  return place_more(std::move(empty), std::move(tenants), Random(options.seed), report, progress);
}

Result<Placement> add_tenants(const Placement& current, std::vector<Tenant> tenants,
                              PlaceReport* report, const Progress& progress) {
  if (Status s = validate(current.options); !s.is_ok()) return s;
  if (Status s = check_new_tenants(current.tenants, tenants); !s.is_ok()) return s;
  if (Status s = check_subset_work(current); !s.is_ok()) return s;
  if (tenants.empty()) return current;
  const Random random = Random(current.options.seed).derive(raw(tenants.front().id));
  return place_more(current, std::move(tenants), random, report, progress);
}

Result<Placement> remove_tenant(const Placement& current, TenantId tenant) {
  auto it = std::lower_bound(current.tenants.begin(), current.tenants.end(), tenant,
                             [](const Tenant& t, TenantId id) { return t.id < id; });
  if (it == current.tenants.end() || it->id != tenant) {
    return not_found(fmt::format("no tenant with id {}", raw(tenant)));
  }
  Placement next = current;
  next.tenants.erase(next.tenants.begin() + (it - current.tenants.begin()));
  next.mapping.remove(tenant);
  return next;
}

Result<Placement> add_cells(const Placement& current, std::vector<Cell> cells) {
  Placement next = current;
  for (Cell& c : cells) {
    if (Status s = next.fleet.add(std::move(c)); !s.is_ok()) return s;
  }
  return next;
}

Result<Placement> drain_cell(const Placement& current, CellId cell) {
  if (!current.fleet.contains(cell)) return not_found(fmt::format("no cell with id {}", raw(cell)));
  Fleet target = current.fleet;
  target.cell(cell).state = CellState::kDraining;
  Result<RebalancePlan> plan = plan_rebalance(current, target);
  if (!plan.is_ok()) return plan.status();
  return apply_plan(current, target, *plan);
}

Result<Placement> remove_cell(const Placement& current, CellId cell) {
  Fleet target = current.fleet;
  if (Status s = target.remove(cell); !s.is_ok()) return s;
  Result<RebalancePlan> plan = plan_rebalance(current, target);
  if (!plan.is_ok()) return plan.status();
  return apply_plan(current, target, *plan);
}

Status check_subset_work(const Placement& p) {
  if (!limits_overlap(p.options)) return Status::ok();
  const std::uint64_t r = std::uint64_t{p.options.max_overlap} + 1;
  for (const Tenant& t : p.tenants) {
    const std::size_t size = p.mapping.shard(t.id).size();
    if (binomial(size, r) > kMaxSubsetsPerShard) {
      return invalid_argument(fmt::format(
          "tenant '{}' has {} cells: C({},{}) subsets under max_overlap {} is more than the "
          "{} supported",
          cut(t.name), size, size, r, p.options.max_overlap, kMaxSubsetsPerShard));
    }
  }
  return Status::ok();
}

namespace {

Status check_shard(const Tenant& t, const Shard* shard, const std::vector<bool>& in_fleet) {
  if (shard == nullptr || shard->empty()) {
    return invalid_argument(fmt::format("tenant '{}' has no shard", cut(t.name)));
  }
  for (auto it = shard->begin(); it != shard->end(); ++it) {
    if (raw(*it) >= in_fleet.size() || !in_fleet[raw(*it)]) {
      return invalid_argument(
          fmt::format("tenant '{}' names unknown cell {}", cut(t.name), raw(*it)));
    }
    if (std::find(shard->begin(), it, *it) != it) {
      return invalid_argument(fmt::format("tenant '{}' repeats cell {}", cut(t.name), raw(*it)));
    }
  }
  return Status::ok();
}

}  // namespace

Status check_placement(const Placement& p) {
  if (p.tenants.size() != p.mapping.size()) {
    return invalid_argument(
        fmt::format("{} tenants but {} shards", p.tenants.size(), p.mapping.size()));
  }
  std::vector<bool> in_fleet;  // by raw cell id: a bitmap, not a search per shard cell
  for (const Cell& c : p.fleet.cells()) {
    if (raw(c.id) >= in_fleet.size()) in_fleet.resize(raw(c.id) + 1, false);
    in_fleet[raw(c.id)] = true;
  }
  for (std::size_t i = 0; i < p.tenants.size(); ++i) {
    const Tenant& t = p.tenants[i];
    if (i > 0 && !(p.tenants[i - 1].id < t.id)) {
      return invalid_argument(
          fmt::format("tenant ids are not increasing at tenant '{}'", cut(t.name)));
    }
    if (Status s = check_shard(t, p.mapping.find_shard(t.id), in_fleet); !s.is_ok()) return s;
  }
  return Status::ok();
}

Fleet make_fleet(std::uint32_t cells, std::uint16_t zones, std::uint32_t capacity) {
  assert(zones >= 1);
  Fleet fleet;
  for (std::uint32_t i = 0; i < cells; ++i) {
    const auto zone = static_cast<std::uint16_t>(i % zones);
    (void)fleet.add({.id = CellId{i},
                     .name = fmt::format("cell-{}", i),
                     .zone = ZoneId{zone},
                     .capacity = capacity});
  }
  return fleet;
}

std::vector<Tenant> make_tenants(std::uint32_t count, std::uint32_t k, std::uint32_t first) {
  std::vector<Tenant> tenants;
  tenants.reserve(count);
  assert(std::uint64_t{first} + count <= std::uint64_t{0xFFFF'FFFF} + 1);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t t = first + i;
    tenants.push_back({.id = TenantId{t}, .name = fmt::format("tenant-{}", t), .shard_size = k});
  }
  return tenants;
}

Result<std::vector<Cell>> next_cells(const Fleet& fleet, std::uint32_t count,
                                     std::string_view name_prefix) {
  std::optional<std::uint32_t> shared_capacity;
  bool same_capacity = true;
  for (const Cell& c : fleet.cells()) {
    if (shared_capacity && *shared_capacity != c.capacity) same_capacity = false;
    shared_capacity = c.capacity;
  }
  AddedCellNames names(fleet, name_prefix);
  const std::uint32_t next_id = names.next_id();
  Fleet grown = fleet;
  std::vector<Cell> cells;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint16_t zone = names.least_zone();
    Cell c{.id = CellId{next_id + i},
           .name = names.take(zone, next_id + i),
           .zone = ZoneId{zone},
           .capacity = same_capacity ? shared_capacity.value_or(0) : 0};
    if (Status s = grown.add(c); !s.is_ok()) return s;
    cells.push_back(std::move(c));
  }
  return cells;
}

}  // namespace cellkit

// The named strategies (random, least-loaded, rendezvous) and the factory.
#include "cellkit/core/strategies.h"
#include "cellkit/base/cut.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <unordered_map>

#include <fmt/format.h>

#include "cellkit/base/hash.h"
#include "core/lazy_permutation.h"
#include "core/pooled_strategy.h"

namespace cellkit {
namespace {

// Indexed by Strategy.
constexpr std::array<std::string_view, 6> kNames = {"random",  "least-loaded", "rendezvous",
                                                    "shuffle", "design",       "packing"};
static_assert(kNames.size() == static_cast<std::size_t>(Strategy::kPacking) + 1);
constexpr std::uint64_t kZoneSalt = 0x7a6f6e652d6f7264ull;  // "zone-ord"
constexpr std::uint64_t kCellSalt = 0x63656c6c2d6b6579ull;  // "cell-key"

std::string zone_words(const SelectRequest& r, const Quota& q) {
  return r.zoned ? fmt::format(" in zone {}", raw(r.pools.zones[q.group])) : "";
}

// Uniform draws without replacement, skipping cells without room. With no capacity limits
// it draws exactly as sample_distinct does, so it matches the seed's RandomPlacement.
class RandomStrategy final : public PooledStrategy {
 public:
  using PooledStrategy::PooledStrategy;
  std::string_view name() const override { return "random"; }

 protected:
  Result<Shard> select(const SelectRequest& r) override {
    Shard shard;
    for (const Quota& q : r.quotas) {
      LazyPermutation perm(r.group(q));
      std::uint32_t taken = 0;
      while (taken < q.count && !perm.done()) {
        const CellId c = perm.next(r.random);
        if (!state_.has_room(c, r.pools.cap(c), r.tenant.weight)) continue;
        shard.push_back(c);
        ++taken;
      }
      if (taken < q.count) return shortage(r, q, taken);
    }
    return shard;
  }
};

// The cells of least load (sum of weights). Among equally loaded cells the one sharing the
// fewest earlier tenants with the cells already chosen wins, then the seeded stream decides.
// Ties by id (the first version) put tenants into identical groups of k cells: on 100 cells
// with k = 4, 25 groups, so one poison pill took 400 tenants down.
class LeastLoadedStrategy final : public PooledStrategy {
 public:
  using PooledStrategy::PooledStrategy;
  std::string_view name() const override { return "least-loaded"; }
  void forget(TenantId tenant, const Shard& shard) override {
    PooledStrategy::forget(tenant, shard);
    count_pairs(shard, -1);
  }
  void remember(const Tenant& tenant, const Shard& shard) override {
    PooledStrategy::remember(tenant, shard);
    count_pairs(shard, +1);
  }

 protected:
  Result<Shard> select(const SelectRequest& r) override {
    Shard shard;
    for (const Quota& q : r.quotas) {
      room_.clear();
      for (CellId c : r.group(q)) {
        if (state_.has_room(c, r.pools.cap(c), r.tenant.weight)) room_.push_back(c);
      }
      if (room_.size() < q.count) return shortage(r, q, room_.size());
      for (std::uint32_t i = 0; i < q.count; ++i)
        shard.push_back(take_best(shard, r.random));
    }
    count_pairs(shard, +1);
    return shard;
  }

 private:
  // Candidates of the least load examined for their overlap, at most: enough to avoid
  // repeating groups, and bounded so that 2,048 cells x 1,000,000 tenants stay fast.
  static constexpr std::size_t kSample = 16;

  // Removes from room_ and returns the least loaded cell, ties as the class comment says.
  CellId take_best(const Shard& chosen, Random& random) {
    std::uint64_t least = UINT64_MAX;
    tied_.clear();
    for (std::size_t i = 0; i < room_.size(); ++i) {
      const std::uint64_t load = state_.load(room_[i]);
      if (load < least) {
        least = load;
        tied_.clear();
      }
      if (load == least) tied_.push_back(i);
    }
    std::size_t best = tied_.front();
    std::uint64_t best_shared = UINT64_MAX;
    const std::size_t looks = std::min(kSample, tied_.size());
    for (std::size_t j = 0; j < looks; ++j) {  // a seeded partial shuffle of the ties
      std::swap(tied_[j], tied_[j + random.index(tied_.size() - j)]);
      const std::uint64_t shared = shared_with(chosen, room_[tied_[j]]);
      if (shared < best_shared) {
        best_shared = shared;
        best = tied_[j];
      }
    }
    const CellId cell = room_[best];
    room_[best] = room_.back();
    room_.pop_back();
    return cell;
  }

  // Earlier tenants that have `cell` together with one of `chosen`, summed over `chosen`.
  std::uint64_t shared_with(const Shard& chosen, CellId cell) const {
    std::uint64_t shared = 0;
    for (CellId c : chosen) {
      auto it = pairs_.find(pair_key(c, cell));
      if (it != pairs_.end()) shared += it->second;
    }
    return shared;
  }

  void count_pairs(const Shard& shard, int delta) {
    for (std::size_t i = 0; i < shard.size(); ++i) {
      for (std::size_t j = i + 1; j < shard.size(); ++j) {
        std::uint32_t& n = pairs_[pair_key(shard[i], shard[j])];
        n = static_cast<std::uint32_t>(static_cast<std::int64_t>(n) + delta);
      }
    }
  }

  static std::uint64_t pair_key(CellId a, CellId b) {
    // Values, not std::minmax: its pair of references would outlive the temporaries.
    const std::uint32_t x = raw(a);
    const std::uint32_t y = raw(b);
    return (std::uint64_t{std::min(x, y)} << 32) | std::max(x, y);
  }

  std::vector<CellId> room_;       // candidates with room, reused between tenants
  std::vector<std::size_t> tied_;  // indexes into room_ of the least loaded
  std::unordered_map<std::uint64_t, std::uint32_t> pairs_;  // tenants per pair of cells
};

// Rendezvous (highest random weight): every cell gets a keyed score per tenant and the
// top scores win. Scores are mix(H(seed, tenant) ^ H(seed ^ salt, cell)) with H = xxHash64:
// one xxHash per tenant and per cell, then a cheap mix per pair, so 1,000,000 tenants on
// 2,048 cells stay within seconds (an xxHash per pair would cost several times more).
class RendezvousStrategy final : public PooledStrategy {
 public:
  using PooledStrategy::PooledStrategy;
  std::string_view name() const override { return "rendezvous"; }

 protected:
  Result<Shard> select(const SelectRequest& r) override {
    const std::uint64_t tenant_key = hash64_of(options_.seed, raw(r.tenant.id));
    std::vector<std::pair<std::uint64_t, CellId>> picked;
    for (const Quota& q : r.quotas) {
      scored_.clear();
      for (CellId c : r.group(q)) {
        if (state_.has_room(c, r.pools.cap(c), r.tenant.weight)) {
          scored_.push_back({score(tenant_key, c), c});
        }
      }
      if (scored_.size() < q.count) return shortage(r, q, scored_.size());
      std::partial_sort(scored_.begin(), scored_.begin() + q.count, scored_.end(),
                        std::greater<>());
      picked.insert(picked.end(), scored_.begin(), scored_.begin() + q.count);
    }
    std::sort(picked.begin(), picked.end(), std::greater<>());
    Shard shard;
    for (const auto& p : picked)
      shard.push_back(p.second);
    return shard;
  }

 private:
  std::uint64_t score(std::uint64_t tenant_key, CellId c) {
    if (raw(c) >= cell_keys_.size()) {
      const std::size_t from = cell_keys_.size();
      cell_keys_.resize(raw(c) + 1);
      for (std::size_t i = from; i < cell_keys_.size(); ++i) {
        cell_keys_[i] = hash64_of(options_.seed ^ kCellSalt, i);
      }
    }
    std::uint64_t x = tenant_key ^ cell_keys_[raw(c)];
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  }

  std::vector<std::uint64_t> cell_keys_;                  // by raw cell id
  std::vector<std::pair<std::uint64_t, CellId>> scored_;  // reused between tenants
};

}  // namespace

PooledStrategy::PooledStrategy(PlacementOptions options)
    : state_(limits_overlap(options) ? std::optional<std::uint32_t>(options.max_overlap)
                                     : std::nullopt),
      options_(std::move(options)) {}

// Pools built from an unchanged fleet keep the last ones' serial: a design picker keys its
// design and its place in it on the serial, so a new serial per call rebuilt the design and
// scanned its codewords from the first on every call (10,000 tenants chosen one at a time on
// 100 cells, SQS(100): 7 s, 260 s under ASan). Comparing is O(cells), as the build is.
Result<Shard> PooledStrategy::choose(const Fleet& fleet, const Mapping& /*mapping*/,
                                     const Tenant& tenant, Random& random) {
  CellPools pools = CellPools::build(fleet, options_.capacity);
  if (last_pools_ && last_pools_->same_cells(pools)) {
    pools.serial = last_pools_->serial;
  } else {
    last_pools_ = pools;
  }
  return choose_from(pools, tenant, random);
}

Result<Shard> PooledStrategy::choose_from(const CellPools& pools, const Tenant& tenant,
                                          Random& random) {
  if (tenant.shard_size == 0) {
    return invalid_argument(
        fmt::format("tenant '{}' asks for 0 cells; at least 1 is needed", cut(tenant.name)));
  }
  if (Status s = check_tenant(tenant); !s.is_ok()) return s;
  if (pools.all.size() < tenant.shard_size) {
    return resource_exhausted(
        fmt::format("tenant '{}' needs {} cells but only {} healthy active cells exist",
                    cut(tenant.name), tenant.shard_size, pools.all.size()));
  }
  const std::vector<Quota> quotas = quotas_for(pools, tenant);
  Result<Shard> shard = select({pools, tenant, quotas, options_.zone_aware, random});
  if (shard.is_ok()) record(tenant, *shard);
  return shard;
}

std::vector<Quota> PooledStrategy::quotas_for(const CellPools& pools, const Tenant& tenant) const {
  if (!options_.zone_aware) return {{0, tenant.shard_size}};
  const std::vector<std::size_t> order = zone_order(pools, tenant.id, options_.seed);
  const auto zones = static_cast<std::uint32_t>(order.size());
  std::vector<Quota> quotas;
  for (std::uint32_t i = 0; i < zones; ++i) {
    const std::uint32_t count = tenant.shard_size / zones + (i < tenant.shard_size % zones ? 1 : 0);
    if (count > 0) quotas.push_back({order[i], count});
  }
  return quotas;
}

std::vector<std::size_t> zone_order(const CellPools& pools, TenantId tenant, std::uint64_t seed) {
  std::vector<std::pair<std::uint64_t, std::size_t>> keyed;
  for (std::size_t i = 0; i < pools.zones.size(); ++i) {
    keyed.push_back({hash64_of(seed ^ kZoneSalt, raw(tenant), raw(pools.zones[i])), i});
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::size_t> order;
  for (const auto& k : keyed)
    order.push_back(k.second);
  return order;
}

Status shortage(const SelectRequest& r, const Quota& q, std::size_t available) {
  return resource_exhausted(fmt::format(
      "tenant '{}' needs {} cells{} but only {} there can take it (placeable, below capacity)",
      cut(r.tenant.name), q.count, zone_words(r, q), available));
}

std::uint64_t binomial(std::uint64_t n, std::uint64_t r) {
  if (r > n) return 0;
  r = std::min(r, n - r);
  __extension__ using u128 = unsigned __int128;
  u128 c = 1;
  for (std::uint64_t i = 0; i < r; ++i) {
    c = c * (n - i) / (i + 1);
    if (c > u128{~std::uint64_t{0}}) return ~std::uint64_t{0};
  }
  return static_cast<std::uint64_t>(c);
}

std::span<const std::string_view> strategy_names() {
  return kNames;
}

std::string_view to_string(Strategy strategy) {
  const auto i = static_cast<std::size_t>(strategy);
  return i < kNames.size() ? kNames[i] : "unknown";
}

std::optional<Strategy> parse_strategy(std::string_view name) {
  auto it = std::find(kNames.begin(), kNames.end(), name);
  if (it == kNames.end()) return std::nullopt;
  return static_cast<Strategy>(it - kNames.begin());
}

bool limits_overlap(const PlacementOptions& o) {
  return o.strategy == Strategy::kShuffle || o.strategy == Strategy::kDesign ||
         o.strategy == Strategy::kPacking;
}

bool overlap_fits(const PlacementOptions& o, std::uint32_t shard_size) {
  return !limits_overlap(o) || o.max_overlap < shard_size;
}

std::uint32_t default_max_overlap(std::uint32_t shard_size) {
  constexpr std::uint32_t kDefault = 2;
  return shard_size == 0 ? kDefault : std::min(kDefault, shard_size - 1);
}

Status validate(const PlacementOptions& o) {
  if (limits_overlap(o) && o.max_overlap > 15) {
    return invalid_argument(fmt::format("max_overlap ({}) must be at most 15", o.max_overlap));
  }
  return Status::ok();
}

std::unique_ptr<PooledStrategy> make_pooled_strategy(const PlacementOptions& o) {
  assert(validate(o).is_ok());
  switch (o.strategy) {
    case Strategy::kLeastLoaded:
      return std::make_unique<LeastLoadedStrategy>(o);
    case Strategy::kRendezvous:
      return std::make_unique<RendezvousStrategy>(o);
    case Strategy::kShuffle:
    case Strategy::kDesign:
    case Strategy::kPacking:
      return make_shuffle_strategy(o);
    case Strategy::kRandom:
      break;
  }
  return std::make_unique<RandomStrategy>(o);
}

Result<std::unique_ptr<PlacementStrategy>> make_strategy(const PlacementOptions& options) {
  if (Status s = validate(options); !s.is_ok()) return s;
  return std::unique_ptr<PlacementStrategy>(make_pooled_strategy(options));
}

}  // namespace cellkit

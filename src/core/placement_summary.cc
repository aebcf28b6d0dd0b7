// Load spread and the pair-overlap histogram from subset counts.
#include "cellkit/core/placement_summary.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <optional>
#include <span>

#include "core/cell_indexer.h"
#include "core/flat_counter.h"
#include "core/placement_state.h"
#include "core/pooled_strategy.h"

namespace cellkit {
namespace {

using detail::WideKey;

// Every shard's cells as indices among the fleet's cells, increasing within each shard, in one
// flat array: the histogram reads them once per subset size without revisiting the Mapping.
class ShardIndices {
 public:
  ShardIndices(const Fleet& fleet, const Mapping& mapping) {
    const detail::CellIndexer index_of(fleet);
    cells_ = fleet.size();
    bits_ = std::max(1, static_cast<int>(std::bit_width(cells_ == 0 ? 0 : cells_ - 1)));
    starts_.reserve(mapping.size() + 1);
    starts_.push_back(0);
    for (const auto& [tenant, shard] : mapping) {
      for (CellId c : shard) {
        const std::optional<std::uint32_t> at = index_of(c);
        foreign_ = foreign_ || !at;
        indices_.push_back(at.value_or(0));
      }
      std::sort(indices_.begin() + static_cast<std::ptrdiff_t>(starts_.back()), indices_.end());
      starts_.push_back(indices_.size());
    }
  }
  std::size_t shards() const { return starts_.size() - 1; }
  std::span<const std::uint32_t> shard(std::size_t i) const {
    return std::span<const std::uint32_t>(indices_).subspan(starts_[i],
                                                            starts_[i + 1] - starts_[i]);
  }
  std::uint64_t cells() const { return cells_; }
  // Bits per index: the fewest that hold the largest index.
  unsigned bits() const { return static_cast<unsigned>(bits_); }
  // Whether a shard holds a cell the fleet does not: its index would be a neighbour's.
  bool foreign() const { return foreign_; }

 private:
  std::vector<std::uint32_t> indices_;
  std::vector<std::size_t> starts_;
  std::uint64_t cells_ = 0;
  int bits_ = 1;
  bool foreign_ = false;
};

// Puts index `i` at bit `at` of a key; the two-word key splits an index across its words.
void put(std::uint64_t& key, std::uint32_t i, unsigned at, unsigned /*bits*/) {
  key |= std::uint64_t{i} << at;
}
void put(WideKey& key, std::uint32_t i, unsigned at, unsigned bits) {
  if (at < 64) key.lo |= std::uint64_t{i} << at;
  if (at + bits > 64) key.hi |= at >= 64 ? std::uint64_t{i} << (at - 64) : i >> (64 - at);
}

// The cells picked by `mask` as one exact key, `bits` bits per index from the low end. Keys
// are counted per subset size, so no index needs to be non-zero.
template <class Key>
Key pack(std::span<const std::uint32_t> cells, std::uint64_t mask, unsigned bits) {
  Key key{};
  unsigned at = 0;
  for (std::uint64_t m = mask; m != 0; m &= m - 1, at += bits)
    put(key, cells[static_cast<std::size_t>(std::countr_zero(m))], at, bits);
  return key;
}

// Calls f(mask) for every mask of `size` bits set among the low `n` (n < 64), in increasing
// order (Gosper's next-combination step).
template <class F>
void for_each_mask(std::size_t n, std::size_t size, F&& f) {
  const std::uint64_t end = std::uint64_t{1} << n;
  for (std::uint64_t mask = (std::uint64_t{1} << size) - 1; mask < end;) {
    f(mask);
    const std::uint64_t low = mask & (~mask + 1);
    const std::uint64_t ripple = mask + low;
    mask = (((ripple ^ mask) >> 2) / low) | ripple;
  }
}

// Distinct subsets of `size` cells there can be: at most C(cells, size), and at most one per
// subset of a shard. The counter is reserved for them, so it never rehashes (a rehash holds
// the old slots and the new at once).
std::uint64_t distinct_bound(const ShardIndices& shards, std::size_t size) {
  const std::uint64_t universe = binomial(shards.cells(), size);
  std::uint64_t instances = 0;
  for (std::size_t s = 0; s < shards.shards() && instances < universe; ++s)
    instances += binomial(shards.shard(s).size(), size);
  return std::min(universe, instances);
}

// S_j: pairs of tenants sharing a given subset of `size` cells, summed over those subsets.
// One size at a time, so only one counter is alive at once.
template <class Key>
std::uint64_t pairs_sharing(const ShardIndices& shards, std::size_t size) {
  FlatCounter<Key> counter;
  counter.reserve(distinct_bound(shards, size));
  for (std::size_t s = 0; s < shards.shards(); ++s) {
    const std::span<const std::uint32_t> cells = shards.shard(s);
    if (cells.size() < size) continue;
    for_each_mask(cells.size(), size,
                  [&](std::uint64_t mask) { counter.add(pack<Key>(cells, mask, shards.bits())); });
  }
  std::uint64_t pairs = 0;
  counter.for_each([&](const Key&, std::uint32_t n) { pairs += std::uint64_t{n} * (n - 1) / 2; });
  return pairs;
}

// Empty when a shard holds a cell outside the fleet, or its cells do not fit an exact key
// (more than 128 bits of indices). Each size is keyed by one word when its indices fit 64
// bits (16 bytes a slot), else by two (24).
std::vector<std::uint64_t> overlap_histogram(const Placement& p, std::size_t max_k) {
  const ShardIndices shards(p.fleet, p.mapping);
  if (shards.foreign() || max_k * shards.bits() > 128) return {};
  std::vector<std::uint64_t> s(max_k + 1, 0);
  for (std::size_t j = 1; j <= max_k; ++j) {
    s[j] = j * shards.bits() <= 64 ? pairs_sharing<std::uint64_t>(shards, j)
                                   : pairs_sharing<WideKey>(shards, j);
  }
  std::vector<std::uint64_t> n(max_k + 1, 0);
  for (std::size_t o = max_k; o >= 1; --o) {
    std::uint64_t above = 0;
    for (std::size_t q = o + 1; q <= max_k; ++q)
      above += binomial(q, o) * n[q];
    n[o] = s[o] - above;
  }
  const std::uint64_t t = p.mapping.size();
  std::uint64_t sharing = 0;
  for (std::size_t o = 1; o <= max_k; ++o)
    sharing += n[o];
  n[0] = t * (t - (t > 0 ? 1 : 0)) / 2 - sharing;
  return n;
}

}  // namespace

DesignFit design_fit(const Placement& p, std::uint32_t shard_size) {
  const CellPools pools = CellPools::build(p.fleet, p.options.capacity);
  const bool zoned = p.options.zone_aware && pools.groups.size() > 1;
  const auto cells = static_cast<std::uint32_t>(pools.all.size());
  DesignShape shape{cells, 0, shard_size, p.options.max_overlap};
  std::vector<std::uint32_t> zone_sizes;
  if (zoned) {
    shape.zones = static_cast<std::uint32_t>(pools.groups.size());
    for (const auto& g : pools.groups)
      zone_sizes.push_back(static_cast<std::uint32_t>(g.size()));
  }
  DesignFit fit = fit_design(shape);
  if (zoned && std::adjacent_find(zone_sizes.begin(), zone_sizes.end(), std::not_equal_to<>()) !=
                   zone_sizes.end()) {
    fit = {.reason = "no design: the zones' placeable cells differ in number"};
  }
  fit.bound = overlap_bound(cells, zone_sizes, shard_size, p.options.max_overlap);
  return fit;
}

std::optional<PlacementFill> placement_fill(const Placement& p) {
  if (!limits_overlap(p.options) || p.tenants.empty()) return std::nullopt;
  const std::uint32_t k = p.tenants.front().shard_size;
  for (const Tenant& t : p.tenants) {
    if (t.shard_size != k) return std::nullopt;
  }
  const std::uint64_t bound = design_fit(p, k).bound;
  if (bound == 0) return std::nullopt;
  return PlacementFill{.placed = p.tenants.size(), .bound = bound};
}

LoadSpread load_spread(const Placement& p) {
  PlacementState state(std::nullopt);
  state.add_mapping(p.mapping, p.tenants);
  LoadSpread spread;
  double sum = 0, squares = 0;
  for (const Cell& c : p.fleet.cells()) {
    const std::uint64_t load = state.load(c.id);
    spread.min = spread.cells == 0 ? load : std::min(spread.min, load);
    spread.max = std::max(spread.max, load);
    sum += static_cast<double>(load);
    squares += static_cast<double>(load) * static_cast<double>(load);
    ++spread.cells;
  }
  if (spread.cells > 0) {
    const double cells = static_cast<double>(spread.cells);
    spread.mean = sum / cells;
    spread.stddev = std::sqrt(std::max(0.0, squares / cells - spread.mean * spread.mean));
  }
  return spread;
}

bool IdenticalGroups::worse_than_random() const {
  const double e = expected_pairs_if_random;
  return static_cast<double>(pairs) > e + 3.0 * std::sqrt(e) + 1.0;
}

IdenticalGroups identical_groups(const Placement& p) {
  std::vector<Shard> shards;
  shards.reserve(p.tenants.size());
  std::map<std::size_t, std::uint64_t> tenants_by_size;
  for (const Tenant& t : p.tenants) {
    const Shard* s = p.mapping.find_shard(t.id);
    if (s == nullptr || s->empty()) continue;
    shards.push_back(*s);
    std::sort(shards.back().begin(), shards.back().end());
    ++tenants_by_size[s->size()];
  }
  std::sort(shards.begin(), shards.end());
  IdenticalGroups g;
  for (std::size_t i = 0; i < shards.size();) {
    std::size_t j = i + 1;
    while (j < shards.size() && shards[j] == shards[i])
      ++j;
    const std::size_t n = j - i;
    g.largest = std::max(g.largest, n);
    if (n > 1) ++g.groups;
    g.pairs += std::uint64_t{n} * (n - 1) / 2;
    i = j;
  }
  const std::size_t cells = p.fleet.size();
  for (const auto& [size, tenants] : tenants_by_size) {
    const double distinct = static_cast<double>(binomial(cells, size));
    g.expected_pairs_if_random +=
        static_cast<double>(tenants) * static_cast<double>(tenants - 1) / 2.0 / distinct;
  }
  return g;
}

PlacementSummary summarize(const Placement& p, std::uint64_t max_subset_work) {
  PlacementSummary summary{.tenants = p.tenants.size(), .load = load_spread(p)};
  std::size_t max_k = 0;
  std::uint64_t work = 0;
  for (const auto& [tenant, shard] : p.mapping) {
    max_k = std::max(max_k, shard.size());
    work += shard.size() >= 40 ? max_subset_work + 1 : (std::uint64_t{1} << shard.size()) - 1;
    if (work > max_subset_work) return summary;
  }
  if (max_k > 0) summary.pairs_by_overlap = overlap_histogram(p, max_k);
  return summary;
}

}  // namespace cellkit

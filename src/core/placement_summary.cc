// Load spread and the pair-overlap histogram from subset counts.
#include "cellkit/core/placement_summary.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>

#include "core/flat_counter.h"
#include "core/placement_state.h"
#include "core/pooled_strategy.h"

namespace cellkit {
namespace {

// A set of cells as one exact key: each cell's index among the fleet's ids in `bits` bits,
// increasing from the low end. Sets are counted by size, so no chunk needs to be non-zero.
class SubsetPacker {
 public:
  explicit SubsetPacker(const Fleet& fleet) {
    for (const Cell& c : fleet.cells())
      ids_.push_back(raw(c.id));
    std::sort(ids_.begin(), ids_.end());
    bits_ = std::max<std::size_t>(1, std::bit_width(ids_.size()));
  }
  // True when a set of `cells` cells fits the two words.
  bool fits(std::size_t cells) const { return cells * bits_ <= 128; }
  // The cells' indices, increasing.
  void index(const Shard& shard, std::vector<std::uint32_t>& out) const {
    out.clear();
    for (CellId c : shard)
      out.push_back(static_cast<std::uint32_t>(std::lower_bound(ids_.begin(), ids_.end(), raw(c)) -
                                               ids_.begin()));
    std::sort(out.begin(), out.end());
  }
  // Adds cell index `i` as the next chunk after `chunks` chunks.
  WideKey with(WideKey key, std::uint32_t i, std::size_t chunks) const {
    const std::size_t at = chunks * bits_;
    if (at < 64) key.lo |= std::uint64_t{i} << at;
    if (at + bits_ > 64) key.hi |= at >= 64 ? std::uint64_t{i} << (at - 64) : i >> (64 - at);
    return key;
  }

 private:
  std::vector<std::uint32_t> ids_;
  std::size_t bits_ = 1;
};

// Adds every non-empty subset of the shard (by size) to the counters, keyed exactly.
void count_subsets(const Shard& shard, const SubsetPacker& packer,
                   std::vector<FlatCounter<WideKey>>& by_size, std::vector<std::uint32_t>& cells) {
  packer.index(shard, cells);
  const std::uint64_t subsets = std::uint64_t{1} << cells.size();
  for (std::uint64_t mask = 1; mask < subsets; ++mask) {
    WideKey key;
    std::size_t size = 0;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if ((mask >> i) & 1u) key = packer.with(key, cells[i], size++);
    }
    by_size[size].add(key);
  }
}

// Empty when a shard's cells do not fit an exact key (more than 128 bits of indices).
std::vector<std::uint64_t> overlap_histogram(const Placement& p, std::size_t max_k) {
  const SubsetPacker packer(p.fleet);
  if (!packer.fits(max_k)) return {};
  std::vector<FlatCounter<WideKey>> by_size(max_k + 1);
  std::vector<std::uint32_t> cells;
  for (const auto& [tenant, shard] : p.mapping)
    count_subsets(shard, packer, by_size, cells);
  // S_j: pairs of tenants sharing a given j-subset, summed over j-subsets.
  std::vector<std::uint64_t> s(max_k + 1, 0);
  for (std::size_t j = 1; j <= max_k; ++j) {
    by_size[j].for_each(
        [&](const WideKey&, std::uint32_t n) { s[j] += std::uint64_t{n} * (n - 1) / 2; });
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

// Load per cell and zone, and where it goes when the worst cell or zone fails. A tenant's
// weight is spread evenly over its shard; when cells die, the share they carried moves
// evenly to the tenant's surviving cells (a tenant with none left loses it).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "analysis_steps.h"

namespace cellkit::analysis_internal {
namespace {

LoadStats stats(const std::vector<double>& values, const std::vector<std::string>& names) {
  LoadStats s;
  // max_element, not minmax_element: the busiest is the first unit with the max, not the last.
  const auto lo = std::min_element(values.begin(), values.end());
  const auto hi = std::max_element(values.begin(), values.end());
  s.min = *lo;
  s.max = *hi;
  s.busiest = names[static_cast<std::size_t>(hi - values.begin())];
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  double squares = 0;
  for (double v : values)
    squares += (v - s.mean) * (v - s.mean);
  s.sd = std::sqrt(squares / static_cast<double>(values.size()));
  // Equal loads summed in different orders differ in the last bit; call their spread 0
  // rather than print 5e-16.
  if (s.max - s.min <= 1e-12 * s.max) s.sd = 0;
  s.max_over_mean = s.mean > 0 ? s.max / s.mean : 0;
  return s;
}

// Load statistics describe the cells that take tenants: a draining cell is being emptied
// and a disabled one serves nothing, so their load is no measure of balance. All cells when
// none is active.
bool counts(const CompactMapping& m, std::size_t c) {
  return m.cell_active[c] || m.active_count() == 0;
}

std::vector<double> per_zone(const CompactMapping& m, const std::vector<double>& per_cell) {
  std::vector<double> zones(m.zone_names.size(), 0);
  for (std::size_t c = 0; c < m.cell_count(); ++c)
    if (counts(m, c)) zones[m.cell_zone[c]] += per_cell[c];
  return zones;
}

LoadStats active_stats(const CompactMapping& m, const std::vector<double>& per_cell) {
  std::vector<double> values;
  std::vector<std::string> names;
  for (std::size_t c = 0; c < m.cell_count(); ++c) {
    if (!counts(m, c)) continue;
    values.push_back(per_cell[c]);
    names.push_back(m.cell_names[c]);
  }
  return stats(values, names);
}

// Loads that differ only by rounding (the same sums added in another order) count as equal.
double tolerance(double load) {
  return 1e-9 * std::max(1.0, std::abs(load));
}

// The busiest cell seen so far: the highest load, equal loads to the lowest cell index, so
// the answer does not depend on the order cells are offered in.
struct Busiest {
  std::uint32_t cell = 0;
  double load = -1;  // none yet
  bool found() const { return load >= 0; }
  void offer(std::uint32_t c, double l) {
    if (!found() || l > load + tolerance(load) || (l >= load - tolerance(load) && c < cell)) {
      cell = c;
      load = l;
    }
  }
};

// Whether a failure's busiest cell beats the worst so far (ties keep the earlier failure).
bool worse_failure(const std::pair<std::uint32_t, double>& busiest,
                   const std::pair<std::uint32_t, double>& worst) {
  return worst.second < 0 || busiest.second > worst.second + tolerance(worst.second);
}

// Adds moved weight to surviving cells and finds the busiest one afterwards. Cells that get
// nothing keep their weight, so the busiest of them is the first live one in `by_weight`.
class Spill {
 public:
  Spill(const CompactMapping& m, const std::vector<double>& weight)
      : m_(m), weight_(weight), extra_(weight.size(), 0), dead_(weight.size(), false) {
    by_weight_.resize(weight.size());
    std::iota(by_weight_.begin(), by_weight_.end(), 0u);
    std::stable_sort(by_weight_.begin(), by_weight_.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return weight[a] > weight[b]; });
  }

  void kill(std::uint32_t c) { dead_[c] = true; }
  bool dead(std::uint32_t c) const { return dead_[c]; }

  // Moves the tenant's share on dead cells to its live cells.
  void move(std::size_t t) {
    const auto shard = m_.shard(t);
    const auto lost =
        std::count_if(shard.begin(), shard.end(), [&](std::uint32_t c) { return dead_[c]; });
    const auto live = static_cast<std::int64_t>(shard.size()) - lost;
    if (lost == 0 || live == 0) return;
    const double each = m_.weights[t] * static_cast<double>(lost) /
                        (static_cast<double>(shard.size()) * static_cast<double>(live));
    for (std::uint32_t c : shard) {
      if (dead_[c]) continue;
      if (extra_[c] == 0) touched_.push_back(c);
      extra_[c] += each;
    }
  }

  // The busiest live cell afterwards; then forgets the failure.
  std::pair<std::uint32_t, double> busiest_and_reset() {
    Busiest best;
    for (std::uint32_t c : by_weight_) {
      if (dead_[c] || extra_[c] != 0) continue;
      if (best.found() && weight_[c] < best.load - tolerance(best.load)) break;
      best.offer(c, weight_[c]);
    }
    for (std::uint32_t c : touched_) {
      best.offer(c, weight_[c] + extra_[c]);
      extra_[c] = 0;
    }
    touched_.clear();
    std::fill(dead_.begin(), dead_.end(), false);
    return {best.cell, best.load};
  }

 private:
  const CompactMapping& m_;
  const std::vector<double>& weight_;
  std::vector<double> extra_;
  std::vector<bool> dead_;
  std::vector<std::uint32_t> by_weight_;
  std::vector<std::uint32_t> touched_;
};

// Tenants of a cell are far apart in memory; loading the ones a few steps ahead (their
// offsets and weights first, then their cells) overlaps the cache misses.
void prefetch_tenant(const CompactMapping& m, std::span<const std::uint32_t> tenants,
                     std::size_t i) {
  if (i + 32 < tenants.size()) {
    __builtin_prefetch(&m.offsets[tenants[i + 32]]);
    __builtin_prefetch(&m.weights[tenants[i + 32]]);
  }
  if (i + 16 < tenants.size()) __builtin_prefetch(&m.cells[m.offsets[tenants[i + 16]]]);
}

Headroom make_headroom(const CompactMapping& m, const LoadStats& cells, std::string failed,
                       std::pair<std::uint32_t, double> busiest) {
  // -1: no cell survives. A survivor that carries nothing (all weights 0) still survives.
  const bool survivor = busiest.second >= 0;
  if (!survivor) busiest = {0, 0};
  return {.failed = std::move(failed),
          .busiest_after = survivor ? m.cell_names[busiest.first] : "",
          .peak_before = cells.max,
          .peak_after = busiest.second,
          .peak_after_over_mean = cells.mean > 0 ? busiest.second / cells.mean : 0};
}

Headroom cell_headroom(const CompactMapping& m, const CellIndex& index,
                       const std::vector<double>& weight, const LoadStats& stats) {
  Spill spill(m, weight);
  std::pair<std::uint32_t, double> worst{0, -1};
  std::uint32_t worst_cell = 0;
  for (std::uint32_t c = 0; c < m.cell_count(); ++c) {
    spill.kill(c);
    const auto tenants = index.tenants_of(c);
    for (std::size_t i = 0; i < tenants.size(); ++i) {
      prefetch_tenant(m, tenants, i);
      spill.move(tenants[i]);
    }
    const auto busiest = spill.busiest_and_reset();
    if (worse_failure(busiest, worst)) {
      worst = busiest;
      worst_cell = c;
    }
  }
  return make_headroom(m, stats, m.cell_names[worst_cell], worst);
}

}  // namespace

// Zone failures through the cell index: for each zone, its cells' tenants, each once.
Headroom zone_headroom_by_index(const CompactMapping& m, const CellIndex& index,
                                const std::vector<double>& weight, const LoadStats& stats) {
  Spill spill(m, weight);
  std::vector<std::uint32_t> seen(m.tenant_count(), 0);  // zone + 1 that last moved it
  std::pair<std::uint32_t, double> worst{0, -1};
  std::uint32_t worst_zone = 0;
  for (std::uint32_t z = 0; z < m.zone_names.size(); ++z) {
    for (std::uint32_t c = 0; c < m.cell_count(); ++c) {
      if (m.cell_zone[c] == z) spill.kill(c);
    }
    for (std::uint32_t c = 0; c < m.cell_count(); ++c) {
      if (m.cell_zone[c] != z) continue;
      for (std::uint32_t t : index.tenants_of(c)) {
        if (seen[t] == z + 1) continue;
        seen[t] = z + 1;
        spill.move(t);
      }
    }
    const auto busiest = spill.busiest_and_reset();
    if (worse_failure(busiest, worst)) {
      worst = busiest;
      worst_zone = z;
    }
  }
  return make_headroom(m, stats, m.zone_names[worst_zone], worst);
}

namespace {

// Weight each zone's failure moves onto each cell, extra[zone·cells + cell], in one
// sequential pass over the tenants (the index walk above jumps through memory per tenant).
std::vector<double> zone_spill(const CompactMapping& m) {
  const std::size_t cells = m.cell_count();
  std::vector<double> extra(m.zone_names.size() * cells, 0);
  std::uint32_t lost[kMaxShardSize + 1];
  for (std::size_t t = 0; t < m.tenant_count(); ++t) {
    const auto shard = m.shard(t);
    for (std::size_t i = 0; i < shard.size(); ++i) {
      const std::uint32_t z = m.cell_zone[shard[i]];
      lost[i] = static_cast<std::uint32_t>(std::count_if(
          shard.begin(), shard.end(), [&](std::uint32_t c) { return m.cell_zone[c] == z; }));
      // Move each zone's share once: at the zone's first cell in the shard.
      const bool first = std::none_of(shard.begin(), shard.begin() + static_cast<std::ptrdiff_t>(i),
                                      [&](std::uint32_t c) { return m.cell_zone[c] == z; });
      if (!first || lost[i] == shard.size()) continue;
      const auto k = static_cast<double>(shard.size());
      const double each = m.weights[t] * lost[i] / (k * (k - lost[i]));
      for (std::uint32_t c : shard) {
        if (m.cell_zone[c] != z) extra[z * cells + c] += each;
      }
    }
  }
  return extra;
}

}  // namespace

Headroom zone_headroom(const CompactMapping& m, const CellIndex& index,
                       const std::vector<double>& weight, const LoadStats& stats) {
  const std::size_t cells = m.cell_count();
  if (m.zone_names.size() * cells > (std::size_t{1} << 22))
    return zone_headroom_by_index(m, index, weight, stats);
  const std::vector<double> extra = zone_spill(m);
  std::pair<std::uint32_t, double> worst{0, -1};
  std::uint32_t worst_zone = 0;
  for (std::uint32_t z = 0; z < m.zone_names.size(); ++z) {
    Busiest best;
    for (std::uint32_t c = 0; c < cells; ++c) {
      if (m.cell_zone[c] != z) best.offer(c, weight[c] + extra[z * cells + c]);
    }
    const std::pair<std::uint32_t, double> busiest{best.cell, best.load};
    if (worse_failure(busiest, worst)) {
      worst = busiest;
      worst_zone = z;
    }
  }
  return make_headroom(m, stats, m.zone_names[worst_zone], worst);
}

void loads(const CompactMapping& m, const CellIndex& index, AnalysisResult& result) {
  std::vector<double> tenants(m.cell_count()), weight(m.cell_count(), 0);
  for (std::size_t c = 0; c < m.cell_count(); ++c)
    tenants[c] = static_cast<double>(index.tenants_of(c).size());
  for (std::size_t t = 0; t < m.tenant_count(); ++t) {
    const auto shard = m.shard(t);
    for (std::uint32_t c : shard)
      weight[c] += m.weights[t] / static_cast<double>(shard.size());
  }
  for (std::size_t c = 0; c < result.cell_details.size() && c < m.cell_count(); ++c) {
    result.cell_details[c].tenants = tenants[c];
    result.cell_details[c].weight = weight[c];
  }
  result.cell_tenants = active_stats(m, tenants);
  result.cell_weight = active_stats(m, weight);
  result.cell_headroom = cell_headroom(m, index, weight, result.cell_weight);
  if (m.zone_names.size() < 2) return;
  const std::vector<double> zone_tenants = per_zone(m, tenants), zone_weight = per_zone(m, weight);
  for (std::size_t z = 0; z < result.zone_details.size() && z < zone_tenants.size(); ++z) {
    result.zone_details[z].tenants = zone_tenants[z];
    result.zone_details[z].weight = zone_weight[z];
  }
  result.zone_tenants = stats(zone_tenants, m.zone_names);
  result.zone_weight = stats(zone_weight, m.zone_names);
  result.zone_headroom = zone_headroom(m, index, weight, result.cell_weight);
}

}  // namespace cellkit::analysis_internal

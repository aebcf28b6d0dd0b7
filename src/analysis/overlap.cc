// Pair overlaps without comparing pairs: S_j = Σ_{|s|=j} C(count(s), 2) = Σ_o C(o, j)·n_o,
// inverted from the largest o down.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "analysis_steps.h"
#include "cellkit/analysis/closed_form.h"

namespace cellkit::analysis_internal {
namespace {

std::vector<std::uint64_t> shared_subset_pairs(const SubsetTable& table, std::uint32_t max_shard) {
  std::vector<std::uint64_t> s(max_shard + 1, 0);
  table.for_each([&](std::uint32_t size, const SubsetTable::Counts& c) {
    if (c.count >= 2) s[size] += static_cast<std::uint64_t>(pairs_of(c.count));
  });
  return s;
}

// A shard's shape for the random model: its cell count in each zone (one entry, the shard
// size, when zones are ignored). Random placement keeps each tenant's shape.
using Shape = std::vector<std::uint32_t>;

// At most this many distinct shapes are modelled per zone; more fall back to no zones.
constexpr std::size_t kMaxShapes = 64;

struct RandomModel {
  std::vector<std::uint32_t> zone_cells;  // cells per zone (one entry: all cells)
  std::map<Shape, std::uint64_t> shapes;  // tenants per shape
};

// A random placement puts tenants on the cells that take tenants: draining and disabled
// cells are left out, unless a shard would not fit on the rest.
bool model_active_only(const CompactMapping& m) {
  const std::size_t active = m.active_count();
  return active > 0 && active < m.cell_count() && m.max_shard <= active;
}

RandomModel plain_model(const CompactMapping& m) {
  const std::size_t cells = model_active_only(m) ? m.active_count() : m.cell_count();
  RandomModel model{{static_cast<std::uint32_t>(cells)}, {}};
  for (std::size_t t = 0; t < m.tenant_count(); ++t)
    ++model.shapes[{static_cast<std::uint32_t>(m.shard(t).size())}];
  return model;
}

// The per-zone model applies when there are two zones or more and every shard is spread
// evenly over them (its per-zone counts differ by at most one), as zone-aware placement does.
std::optional<RandomModel> zone_model(const CompactMapping& m) {
  const std::size_t z = m.zone_names.size();
  if (z < 2) return std::nullopt;
  RandomModel model{std::vector<std::uint32_t>(z, 0), {}};
  const bool active_only = model_active_only(m);
  for (std::size_t c = 0; c < m.cell_count(); ++c)
    if (!active_only || m.cell_active[c]) ++model.zone_cells[m.cell_zone[c]];
  Shape shape(z);
  for (std::size_t t = 0; t < m.tenant_count(); ++t) {
    std::fill(shape.begin(), shape.end(), 0);
    for (std::uint32_t c : m.shard(t))
      ++shape[m.cell_zone[c]];
    const auto [lo, hi] = std::minmax_element(shape.begin(), shape.end());
    if (*hi - *lo > 1) return std::nullopt;
    for (std::size_t i = 0; i < z; ++i)
      if (shape[i] > model.zone_cells[i]) return std::nullopt;  // does not fit a random draw
    ++model.shapes[shape];
    if (model.shapes.size() > kMaxShapes) return std::nullopt;
  }
  return model;
}

long double log_choose(std::uint64_t n, std::uint64_t k) {
  return std::lgamma(static_cast<long double>(n) + 1) -
         std::lgamma(static_cast<long double>(k) + 1) -
         std::lgamma(static_cast<long double>(n - k) + 1);
}

// P(o) for a random b-subset meeting a fixed a-subset of n cells in o cells: exact when the
// counts fit in 128 bits, else through log-gamma.
std::vector<long double> hypergeometric(std::uint32_t n, std::uint32_t a, std::uint32_t b) {
  std::vector<long double> pmf(std::size_t{std::min(a, b)} + 1, 0);
  if (const auto exact = overlap_counts(n, a, b, 0)) {
    for (std::size_t o = 0; o < pmf.size(); ++o)
      pmf[o] = to_long_double(exact->counts[o]) / to_long_double(exact->total);
    return pmf;
  }
  for (std::uint32_t o = 0; o < pmf.size(); ++o) {
    if (b - o <= n - a)
      pmf[o] = std::exp(log_choose(a, o) + log_choose(n - a, b - o) - log_choose(n, b));
  }
  return pmf;
}

// P(o) for two shapes: zones are independent, so their overlap distributions convolve.
std::vector<long double> overlap_pmf(const RandomModel& model, const Shape& a, const Shape& b) {
  std::vector<long double> all{1};
  for (std::size_t z = 0; z < a.size(); ++z) {
    const std::vector<long double> zone = hypergeometric(model.zone_cells[z], a[z], b[z]);
    std::vector<long double> next(all.size() + zone.size() - 1, 0);
    for (std::size_t x = 0; x < all.size(); ++x)
      for (std::size_t y = 0; y < zone.size(); ++y)
        next[x + y] += all[x] * zone[y];
    all = std::move(next);
  }
  return all;
}

}  // namespace

std::vector<std::uint64_t> pair_histogram(const CompactMapping& m, const SubsetTable& table) {
  const std::uint32_t k = m.max_shard;
  std::vector<std::uint64_t> n = shared_subset_pairs(table, k);
  for (std::uint32_t o = k; o >= 1; --o) {
    for (std::uint32_t above = o + 1; above <= k; ++above)
      n[o] -= static_cast<std::uint64_t>(*choose(above, o)) * n[above];
  }
  std::uint64_t sharing = 0;
  for (std::uint32_t o = 1; o <= k; ++o)
    sharing += n[o];
  n[0] = static_cast<std::uint64_t>(pairs_of(m.tenant_count())) - sharing;
  return n;
}

std::vector<double> expected_histogram(const CompactMapping& m, std::string* model_name) {
  const std::optional<RandomModel> zoned = zone_model(m);
  *model_name = zoned ? "per-zone" : "hypergeometric";
  const RandomModel model = zoned ? *zoned : plain_model(m);
  std::vector<long double> expected(std::size_t{m.max_shard} + 1, 0);
  for (auto a = model.shapes.begin(); a != model.shapes.end(); ++a) {
    for (auto b = a; b != model.shapes.end(); ++b) {
      const long double pairs = a == b ? to_long_double(pairs_of(a->second))
                                       : static_cast<long double>(a->second) * b->second;
      const std::vector<long double> pmf = overlap_pmf(model, a->first, b->first);
      for (std::size_t o = 0; o < pmf.size() && o < expected.size(); ++o)
        expected[o] += pairs * pmf[o];
    }
  }
  return {expected.begin(), expected.end()};
}

std::vector<std::string> cell_names(const CompactMapping& m, std::span<const std::uint32_t> cells) {
  std::vector<std::string> names;
  for (std::uint32_t c : cells)
    names.push_back(m.cell_names[c]);
  return names;
}

}  // namespace cellkit::analysis_internal

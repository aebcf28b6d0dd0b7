// Pair overlaps without comparing pairs: S_j = Σ_{|s|=j} C(count(s), 2) = Σ_o C(o, j)·n_o,
// inverted from the largest o down.
#include <algorithm>
#include <cmath>
#include <map>

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

std::map<std::uint32_t, std::uint64_t> shard_size_counts(const CompactMapping& m) {
  std::map<std::uint32_t, std::uint64_t> sizes;
  for (std::size_t t = 0; t < m.tenant_count(); ++t)
    ++sizes[static_cast<std::uint32_t>(m.shard(t).size())];
  return sizes;
}

// Zones qualify for the per-zone model when they are equal and every shard has the same
// share k/z of its cells in each of them.
std::uint32_t even_zones(const CompactMapping& m) {
  const std::size_t z = m.zone_names.size();
  if (z < 2 || m.cell_count() % z != 0) return 0;
  std::vector<std::uint64_t> per_zone(z, 0);
  for (std::uint32_t zone : m.cell_zone)
    ++per_zone[zone];
  if (std::count(per_zone.begin(), per_zone.end(), per_zone[0]) != static_cast<long>(z)) return 0;
  for (std::size_t t = 0; t < m.tenant_count(); ++t) {
    const auto shard = m.shard(t);
    if (shard.size() % z != 0) return 0;
    std::fill(per_zone.begin(), per_zone.end(), 0);
    for (std::uint32_t c : shard)
      ++per_zone[m.cell_zone[c]];
    for (std::uint64_t n : per_zone) {
      if (n != shard.size() / z) return 0;
    }
  }
  return static_cast<std::uint32_t>(z);
}

long double log_choose(std::uint64_t n, std::uint64_t k) {
  return std::lgamma(static_cast<long double>(n) + 1) -
         std::lgamma(static_cast<long double>(k) + 1) -
         std::lgamma(static_cast<long double>(n - k) + 1);
}

// P(o) for shards of sizes a and b; exact when the counts fit in 128 bits, else through
// log-gamma, one zone at a time, convolved over the zones.
std::vector<long double> overlap_pmf(std::uint32_t cells, std::uint32_t a, std::uint32_t b,
                                     std::uint32_t zones) {
  std::vector<long double> pmf(std::size_t{a} + 1, 0);
  if (const auto exact = overlap_counts(cells, a, b, zones)) {
    for (std::size_t o = 0; o <= a; ++o)
      pmf[o] = to_long_double(exact->counts[o]) / to_long_double(exact->total);
    return pmf;
  }
  const std::uint32_t z = std::max(zones, 1u), n = cells / z, az = a / z, bz = b / z;
  std::vector<long double> zone(std::size_t{az} + 1, 0);
  for (std::uint32_t o = 0; o <= std::min(az, bz); ++o) {
    if (bz - o <= n - az)
      zone[o] = std::exp(log_choose(az, o) + log_choose(n - az, bz - o) - log_choose(n, bz));
  }
  std::vector<long double> all{1};
  for (std::uint32_t i = 0; i < z; ++i) {
    std::vector<long double> next(all.size() + zone.size() - 1, 0);
    for (std::size_t x = 0; x < all.size(); ++x)
      for (std::size_t y = 0; y < zone.size(); ++y)
        next[x + y] += all[x] * zone[y];
    all = std::move(next);
  }
  std::copy_n(all.begin(), std::min(all.size(), pmf.size()), pmf.begin());
  return pmf;
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

std::vector<double> expected_histogram(const CompactMapping& m, std::string* model) {
  const std::uint32_t zones = even_zones(m);
  *model = zones > 0 ? "per-zone" : "hypergeometric";
  const auto sizes = shard_size_counts(m);
  const auto cells = static_cast<std::uint32_t>(m.cell_count());
  std::vector<long double> expected(std::size_t{m.max_shard} + 1, 0);
  for (auto a = sizes.begin(); a != sizes.end(); ++a) {
    for (auto b = a; b != sizes.end(); ++b) {
      const long double pairs = a == b ? to_long_double(pairs_of(a->second))
                                       : static_cast<long double>(a->second) * b->second;
      const auto pmf = overlap_pmf(cells, a->first, b->first, zones);
      for (std::size_t o = 0; o < pmf.size(); ++o)
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

// Closed forms by exact polynomial arithmetic: a zone contributes a polynomial whose
// coefficient o counts the ways to reach o; z independent zones multiply. No zones is z = 1.
#include "cellkit/analysis/closed_form.h"

#include <fmt/format.h>
#include <cmath>

namespace cellkit {
namespace {

using Poly = std::optional<std::vector<UInt128>>;

Status too_large(std::string_view what) {
  return invalid_argument(
      fmt::format("{} does not fit in 128 bits; use fewer cells or a "
                  "smaller shard size",
                  what));
}

Poly multiply(const std::vector<UInt128>& a, const std::vector<UInt128>& b) {
  std::vector<UInt128> out(a.size() + b.size() - 1, 0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t j = 0; j < b.size(); ++j) {
      const std::optional<UInt128> term = checked_mul(a[i], b[j]);
      if (!term) return std::nullopt;
      const std::optional<UInt128> sum = checked_add(out[i + j], *term);
      if (!sum) return std::nullopt;
      out[i + j] = *sum;
    }
  }
  return out;
}

Poly power(const std::vector<UInt128>& base, std::uint32_t exponent) {
  std::vector<UInt128> result{1};
  for (std::uint32_t i = 0; i < exponent; ++i) {
    Poly next = multiply(result, base);
    if (!next) return std::nullopt;
    result = std::move(*next);
  }
  return result;
}

// Coefficient a: the ways to choose a cells of one zone of n, for a = 0..per_zone.
Poly subsets_polynomial(std::uint32_t n, std::uint32_t per_zone) {
  std::vector<UInt128> poly;
  for (std::uint32_t a = 0; a <= per_zone; ++a) {
    const std::optional<UInt128> c = choose(n, a);
    if (!c) return std::nullopt;
    poly.push_back(*c);
  }
  return poly;
}

double ratio(UInt128 numerator, UInt128 denominator) {
  return static_cast<double>(to_long_double(numerator) / to_long_double(denominator));
}

std::uint32_t zone_count(const MathOptions& o) {
  return o.zones == 0 ? 1 : o.zones;
}

Status fill_capacity(const MathOptions& o, MathResult& r) {
  const std::uint32_t z = zone_count(o);
  const std::uint32_t m = *o.max_overlap;
  Poly per_zone = subsets_polynomial(o.cells / z, o.shard_size / z);
  Poly all = per_zone ? power(*per_zone, z) : std::nullopt;
  const std::optional<UInt128> per_shard = choose(o.shard_size, m + 1);
  if (!all || !per_shard) return too_large("the capacity bound");
  r.capacity_bound = (*all)[m + 1] / *per_shard;
  UInt128 over = 0;
  for (std::uint32_t i = m + 1; i < r.overlap.size(); ++i)
    over += r.overlap[i].shards;
  r.probability_over_limit = ratio(over, r.distinct_shards);
  r.expected_pairs_over_limit = static_cast<double>(
      to_long_double(r.tenant_pairs) * to_long_double(over) / to_long_double(r.distinct_shards));
  return Status::ok();
}

void fill_load(const MathOptions& o, MathResult& r) {
  const double p = static_cast<double>(o.shard_size) / static_cast<double>(o.cells);
  const auto t = static_cast<double>(o.tenants);
  r.cell_load_mean = t * p;
  r.cell_load_sd = std::sqrt(t * p * (1 - p));
  // At equal load a new cell takes its fair share of the T·k slots, and no fewer move.
  r.add_cell_moves = t * o.shard_size / (static_cast<double>(o.cells) + 1);
}

}  // namespace

Status validate(const MathOptions& o) {
  const MathOptions::Names& n = o.names;
  if (o.cells == 0) {
    return invalid_argument(fmt::format("{} 0 is not allowed: it must be at least 1", n.cells));
  }
  if (o.shard_size == 0) {
    return invalid_argument(
        fmt::format("{} 0 is not allowed: it must be at least 1", n.shard_size));
  }
  if (o.shard_size > o.cells) {
    return invalid_argument(fmt::format("{} {} is not allowed: it must not exceed {} ({})",
                                        n.shard_size, o.shard_size, n.cells, o.cells));
  }
  if (o.zones > 0 && (o.cells % o.zones != 0 || o.shard_size % o.zones != 0)) {
    return invalid_argument(
        fmt::format("{} {} is not allowed: it must divide both {} ({}) and {} ({})", n.zones,
                    o.zones, n.cells, o.cells, n.shard_size, o.shard_size));
  }
  if (o.max_overlap && *o.max_overlap >= o.shard_size) {
    return invalid_argument(fmt::format("{} {} is not allowed: it must be below {} ({})",
                                        n.max_overlap, *o.max_overlap, n.shard_size, o.shard_size));
  }
  return Status::ok();
}

std::optional<OverlapCounts> overlap_counts(std::uint32_t cells, std::uint32_t a, std::uint32_t b,
                                            std::uint32_t zones) {
  const std::uint32_t z = zones == 0 ? 1 : zones;
  const std::uint32_t n = cells / z, az = a / z, bz = b / z;
  std::vector<UInt128> per_zone;
  for (std::uint32_t o = 0; o <= std::min(az, bz); ++o) {
    const std::optional<UInt128> inside = choose(az, o);
    const std::optional<UInt128> outside = choose(n - az, bz - o);
    if (!inside || !outside) return std::nullopt;
    const std::optional<UInt128> ways = checked_mul(*inside, *outside);
    if (!ways) return std::nullopt;
    per_zone.push_back(*ways);
  }
  Poly all = power(per_zone, z);
  if (!all) return std::nullopt;
  OverlapCounts out{.counts = std::move(*all), .total = 0};
  out.counts.resize(std::size_t{a} + 1, 0);
  for (UInt128 c : out.counts)
    out.total += c;  // equals C(n, bz)^z, which fits: checked above
  return out;
}

Result<MathResult> compute_math(const MathOptions& o) {
  if (Status s = validate(o); !s.is_ok()) return s;
  const std::optional<OverlapCounts> counts =
      overlap_counts(o.cells, o.shard_size, o.shard_size, o.zones);
  if (!counts) return too_large("the number of distinct shards");
  MathResult r;
  r.options = o;
  r.distinct_shards = counts->total;
  r.tenant_pairs = pairs_of(o.tenants);
  for (std::uint32_t i = 0; i < counts->counts.size(); ++i) {
    const UInt128 shards = counts->counts[i];
    r.overlap.push_back({.overlap = i,
                         .shards = shards,
                         .probability = ratio(shards, r.distinct_shards),
                         .expected_pairs = static_cast<double>(to_long_double(r.tenant_pairs) *
                                                               to_long_double(shards) /
                                                               to_long_double(r.distinct_shards))});
  }
  const double k = o.shard_size;
  r.mean_overlap = k * k / static_cast<double>(o.cells);
  fill_load(o, r);
  if (o.max_overlap) {
    if (Status s = fill_capacity(o, r); !s.is_ok()) return s;
    r.design = fit_design({o.cells, o.zones, o.shard_size, *o.max_overlap});
  }
  r.fully_inside_probability = ratio(1, r.distinct_shards);
  r.plain_probability = k / static_cast<double>(o.cells);
  // Exactly C(N,k)·k/N, not a quotient of two rounded doubles (8 cells, k=2: exactly 7).
  r.ratio_to_plain = static_cast<double>(to_long_double(r.distinct_shards) * o.shard_size /
                                         static_cast<long double>(o.cells));
  return r;
}

}  // namespace cellkit

// Who is hurt when cells die: poison pills through subset counts (inclusion–exclusion),
// single cells and zones through the cell → tenants index.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <algorithm>
#include <bit>
#include <cassert>

#include "analysis_steps.h"

namespace cellkit::analysis_internal {
namespace {

// For tenant X: fully down = Σ_{s⊆X} exact(s) (shards inside X, X included); touching X =
// |∪_{c∈X} tenants on c| = Σ_{s⊆X, s≠∅} (−1)^{|s|+1} count(s).
Impact poison_impact(const CompactMapping& m, const SubsetTable& table, SubsetKeys& keys,
                     std::size_t t) {
  const auto subset_keys = keys.of(m.shard(t));
  std::int64_t touched = 0;
  std::uint64_t down = 0;
  for (std::size_t mask = 1; mask < subset_keys.size(); ++mask) {
    const SubsetTable::Counts* e = table.find(subset_keys[mask]);
    touched += std::popcount(mask) % 2 == 1 ? e->count : -static_cast<std::int64_t>(e->count);
    down += e->exact;
  }
  const auto hurt = static_cast<std::uint64_t>(touched);
  return {.fully_down = down, .degraded = hurt - down, .untouched = m.tenant_count() - hurt};
}

// Orders impacts: more fully down first, then more degraded.
bool worse(const Impact& a, const Impact& b) {
  return a.fully_down != b.fully_down ? a.fully_down > b.fully_down : a.degraded > b.degraded;
}

// Nearest-rank 99th percentile.
std::uint64_t p99(std::vector<std::uint64_t> values) {
  const std::size_t rank = (values.size() * 99 + 99) / 100;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank - 1),
                   values.end());
  return values[rank - 1];
}

ImpactHistogram histogram(std::vector<std::uint64_t> values) {
  std::sort(values.begin(), values.end());
  ImpactHistogram out;
  for (std::uint64_t v : values) {
    if (out.empty() || out.back().first != v) out.emplace_back(v, 0);
    ++out.back().second;
  }
  return out;
}

double mean(const std::vector<std::uint64_t>& values) {
  long double sum = 0;
  for (std::uint64_t v : values)
    sum += static_cast<long double>(v);
  return static_cast<double>(sum / static_cast<long double>(values.size()));
}

std::optional<std::size_t> find_tenant(const CompactMapping& m, const std::string& name) {
  const auto it = std::find(m.tenant_names.begin(), m.tenant_names.end(), name);
  if (it == m.tenant_names.end()) return std::nullopt;
  return static_cast<std::size_t>(it - m.tenant_names.begin());
}

// Summarizes impacts of units (cells or zones) by name.
FailureSummary summarize(const std::vector<Impact>& impacts,
                         const std::vector<std::string>& names) {
  FailureSummary s{.units = impacts.size(), .worst = {}, .mean_fully_down = 0, .mean_degraded = 0};
  std::size_t worst = 0;
  std::vector<std::uint64_t> down, degraded;
  for (std::size_t u = 0; u < impacts.size(); ++u) {
    if (worse(impacts[u], impacts[worst])) worst = u;
    down.push_back(impacts[u].fully_down);
    degraded.push_back(impacts[u].degraded);
  }
  s.worst = {.name = names[worst], .cells = {}, .impact = impacts[worst]};
  s.mean_fully_down = mean(down);
  s.mean_degraded = mean(degraded);
  return s;
}

std::vector<Impact> cell_impacts(const CompactMapping& m, const CellIndex& index) {
  std::vector<Impact> impacts;
  for (std::size_t c = 0; c < m.cell_count(); ++c) {
    const auto tenants = index.tenants_of(c);
    const auto alone = static_cast<std::uint64_t>(std::count_if(
        tenants.begin(), tenants.end(), [&](std::uint32_t t) { return m.shard(t).size() == 1; }));
    impacts.push_back({.fully_down = alone,
                       .degraded = tenants.size() - alone,
                       .untouched = m.tenant_count() - tenants.size()});
  }
  return impacts;
}

std::vector<Impact> zone_impacts(const CompactMapping& m) {
  std::vector<Impact> impacts(m.zone_names.size());
  std::vector<std::uint32_t> zones;
  for (std::size_t t = 0; t < m.tenant_count(); ++t) {
    zones.clear();
    for (std::uint32_t c : m.shard(t))
      zones.push_back(m.cell_zone[c]);
    std::sort(zones.begin(), zones.end());
    zones.erase(std::unique(zones.begin(), zones.end()), zones.end());
    for (std::uint32_t z : zones)
      ++(zones.size() == 1 ? impacts[z].fully_down : impacts[z].degraded);
  }
  for (Impact& i : impacts)
    i.untouched = m.tenant_count() - i.fully_down - i.degraded;
  return impacts;
}

Impact set_impact(const CompactMapping& m, const std::vector<bool>& dead) {
  Impact impact;
  for (std::size_t t = 0; t < m.tenant_count(); ++t) {
    const auto shard = m.shard(t);
    const auto n =
        std::count_if(shard.begin(), shard.end(), [&](std::uint32_t c) { return dead[c]; });
    ++(n == 0                                        ? impact.untouched
       : static_cast<std::size_t>(n) == shard.size() ? impact.fully_down
                                                     : impact.degraded);
  }
  return impact;
}

// The cells are known (check_options).
NamedImpact chosen_failure(const CompactMapping& m, const std::vector<std::string>& names) {
  std::vector<bool> dead(m.cell_count(), false);
  NamedImpact chosen;
  for (const std::string& name : names) {
    const auto it = std::find(m.cell_names.begin(), m.cell_names.end(), name);
    assert(it != m.cell_names.end());
    dead[static_cast<std::size_t>(it - m.cell_names.begin())] = true;
  }
  for (std::size_t c = 0; c < m.cell_count(); ++c) {
    if (dead[c]) chosen.cells.push_back(m.cell_names[c]);
  }
  chosen.name = fmt::format("{}", fmt::join(chosen.cells, ","));
  chosen.impact = set_impact(m, dead);
  return chosen;
}

}  // namespace

Status check_options(const CompactMapping& m, const AnalysisOptions& options) {
  if (options.tenant && !find_tenant(m, *options.tenant)) {
    return not_found(fmt::format("{} '{}' is not a tenant of the mapping", options.names.tenant,
                                 *options.tenant));
  }
  for (const std::string& name : options.fail_cells) {
    if (std::find(m.cell_names.begin(), m.cell_names.end(), name) == m.cell_names.end()) {
      return not_found(fmt::format("{} names cell '{}', which is not in the mapping",
                                   options.names.fail_cells, name));
    }
  }
  return Status::ok();
}

void poison_pills(const CompactMapping& m, const SubsetTable& table, SubsetKeys& keys,
                  const AnalysisOptions& options, AnalysisResult& result) {
  std::optional<std::size_t> chosen;
  if (options.tenant) {
    chosen = find_tenant(m, *options.tenant);
    assert(chosen && "check_options ran first");
  }
  std::vector<std::uint64_t> others_down(m.tenant_count()), degraded(m.tenant_count());
  std::size_t worst = 0;
  Impact worst_impact{.fully_down = 0, .degraded = 0, .untouched = 0};
  SubsetKeys ahead(m.cell_count());
  const std::uint64_t tenants = m.tenant_count();
  for (std::size_t t = 0; t < m.tenant_count(); ++t) {
    options.progress.step(tenants + t, 3 * tenants);  // the second of analyze()'s three steps
    if (t + SubsetTable::kPrefetchDistance < m.tenant_count())
      table.prefetch(m.shard(t + SubsetTable::kPrefetchDistance), ahead);
    const Impact impact = poison_impact(m, table, keys, t);
    others_down[t] = impact.fully_down - 1;
    degraded[t] = impact.degraded;
    if (t == 0 || worse(impact, worst_impact)) {
      worst = t;
      worst_impact = impact;
    }
    if (chosen && *chosen == t)
      result.chosen_tenant = {m.tenant_names[t], cell_names(m, m.shard(t)), impact};
  }
  PoisonSummary& p = result.poison;
  p.worst = {m.tenant_names[worst], cell_names(m, m.shard(worst)), worst_impact};
  p.p99_others_fully_down = p99(others_down);
  p.p99_degraded = p99(degraded);
  p.mean_others_fully_down = mean(others_down);
  p.mean_degraded = mean(degraded);
  result.poison_others_down = histogram(std::move(others_down));
  result.poison_degraded = histogram(std::move(degraded));
}

void failures(const CompactMapping& m, const CellIndex& index, const AnalysisOptions& options,
              AnalysisResult& result) {
  const std::vector<Impact> by_cell = cell_impacts(m, index);
  result.cell_failure = summarize(by_cell, m.cell_names);
  result.cell_details.resize(m.cell_count());
  for (std::size_t c = 0; c < m.cell_count(); ++c) {
    result.cell_details[c].name = m.cell_names[c];
    result.cell_details[c].zone = m.zone_names[m.cell_zone[c]];
    result.cell_details[c].loss = by_cell[c];
  }
  result.cell_failure.worst.cells = {result.cell_failure.worst.name};
  if (m.zone_names.size() >= 2) {
    const std::vector<Impact> by_zone = zone_impacts(m);
    result.zone_failure = summarize(by_zone, m.zone_names);
    for (std::size_t z = 0; z < by_zone.size(); ++z)
      result.zone_details.push_back(
          {.name = m.zone_names[z], .zone = m.zone_names[z], .loss = by_zone[z]});
  }
  if (!options.fail_cells.empty()) result.chosen_failure = chosen_failure(m, options.fail_cells);
}

}  // namespace cellkit::analysis_internal

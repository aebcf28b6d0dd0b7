// Naming names: the pairs at the largest overlap and the groups of identical cell sets.
#include <algorithm>
#include <bit>

#include "analysis_steps.h"

namespace cellkit::analysis_internal {
namespace {

struct Member {
  UInt128 key;
  std::uint32_t tenant;
  auto operator<=>(const Member&) const = default;
};

// The tenant's subsets of `size` cells that some other shard also contains, sorted.
std::vector<UInt128> shared_subsets(std::span<const UInt128> subset_keys, const SubsetTable& table,
                                    std::uint32_t size) {
  std::vector<UInt128> shared;
  for (std::size_t mask = 1; mask < subset_keys.size(); ++mask) {
    if (static_cast<std::uint32_t>(std::popcount(mask)) != size) continue;
    if (table.find(subset_keys[mask])->count >= 2) shared.push_back(subset_keys[mask]);
  }
  std::sort(shared.begin(), shared.end());
  return shared;
}

bool contains_any(std::span<const UInt128> subset_keys, const std::vector<UInt128>& wanted,
                  std::uint32_t size) {
  for (std::size_t mask = 1; mask < subset_keys.size(); ++mask) {
    if (static_cast<std::uint32_t>(std::popcount(mask)) == size &&
        std::binary_search(wanted.begin(), wanted.end(), subset_keys[mask]))
      return true;
  }
  return false;
}

// (shard key, tenant) for every tenant whose exact cell set another tenant also has, sorted.
std::vector<Member> shared_shards(const CompactMapping& m, const SubsetTable& table,
                                  SubsetKeys& keys) {
  std::vector<Member> members;
  for (std::size_t t = 0; t < m.tenant_count(); ++t) {
    const UInt128 key = keys.of(m.shard(t)).back();
    if (table.find(key)->exact >= 2) members.push_back({key, static_cast<std::uint32_t>(t)});
  }
  std::sort(members.begin(), members.end());
  return members;
}

// Calls f(begin, end) for each run of members with one key.
template <class F>
void for_each_group(const std::vector<Member>& members, F f) {
  for (std::size_t i = 0; i < members.size();) {
    std::size_t j = i + 1;
    while (j < members.size() && members[j].key == members[i].key)
      ++j;
    f(i, j);
    i = j;
  }
}

}  // namespace

// The first pairs (a, b), a < b, in tenant order: for each tenant a in turn that shares
// `overlap` cells with someone, its partners after it, found by one scan. Chosen over
// sorting every shared subset's holders, which at millions of sharing pairs costs seconds;
// a scan that finds no later partner happens at most once per tenant already listed as b.
std::vector<std::pair<std::string, std::string>> max_overlap_examples(const CompactMapping& m,
                                                                      const SubsetTable& table,
                                                                      SubsetKeys& keys,
                                                                      std::uint32_t overlap,
                                                                      std::size_t limit) {
  std::vector<std::pair<std::string, std::string>> named;
  if (overlap == 0) return named;
  SubsetKeys other(m.cell_count());
  for (std::size_t a = 0; a < m.tenant_count() && named.size() < limit; ++a) {
    const std::vector<UInt128> shared = shared_subsets(keys.of(m.shard(a)), table, overlap);
    if (shared.empty()) continue;
    for (std::size_t b = a + 1; b < m.tenant_count() && named.size() < limit; ++b) {
      if (contains_any(other.of(m.shard(b)), shared, overlap))
        named.emplace_back(m.tenant_names[a], m.tenant_names[b]);
    }
  }
  return named;
}

void identical_groups(const CompactMapping& m, const SubsetTable& table, SubsetKeys& keys,
                      std::size_t limit, AnalysisResult& result) {
  const std::vector<Member> members = shared_shards(m, table, keys);
  struct Group {
    std::size_t begin, end;
  };
  std::vector<Group> groups;
  for_each_group(members, [&](std::size_t b, std::size_t e) { groups.push_back({b, e}); });
  result.identical_groups = groups.size();
  result.identical_tenants = members.size();
  // Largest first; equal sizes by their first tenant, so the listing is reproducible.
  std::sort(groups.begin(), groups.end(), [&](const Group& x, const Group& y) {
    if (x.end - x.begin != y.end - y.begin) return x.end - x.begin > y.end - y.begin;
    return members[x.begin].tenant < members[y.begin].tenant;
  });
  for (std::size_t g = 0; g < std::min(limit, groups.size()); ++g) {
    TenantGroup group{.cells = cell_names(m, m.shard(members[groups[g].begin].tenant)),
                      .tenants = groups[g].end - groups[g].begin,
                      .examples = {}};
    for (std::size_t i = groups[g].begin; i < std::min(groups[g].end, groups[g].begin + limit); ++i)
      group.examples.push_back(m.tenant_names[members[i].tenant]);
    result.largest_groups.push_back(std::move(group));
  }
}

}  // namespace cellkit::analysis_internal

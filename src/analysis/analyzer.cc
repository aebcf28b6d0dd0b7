// The analyzer: flattens the mapping, counts subsets once, and runs each step over them.
#include "cellkit/analysis/analyzer.h"

#include <map>

#include "analysis_steps.h"

namespace cellkit {
namespace {

using namespace analysis_internal;

void out_of_service(const Fleet& fleet, AnalysisResult& r) {
  for (const Cell& c : fleet.cells()) {
    if (c.state == CellState::kDraining) r.draining_cells.push_back(c.name);
    if (c.state == CellState::kDisabled) r.disabled_cells.push_back(c.name);
  }
}

void describe(const CompactMapping& m, AnalysisResult& r) {
  r.tenants = m.tenant_count();
  r.cells = m.cell_count();
  r.zones = m.zone_names.size();
  r.tenant_pairs = pairs_of(m.tenant_count());
  std::map<std::uint32_t, std::uint64_t> sizes;
  for (std::size_t t = 0; t < m.tenant_count(); ++t)
    ++sizes[static_cast<std::uint32_t>(m.shard(t).size())];
  r.shard_sizes.assign(sizes.begin(), sizes.end());
}

void overlaps(const CompactMapping& m, const SubsetTable& table, SubsetKeys& keys,
              const AnalysisOptions& options, AnalysisResult& r) {
  const std::vector<std::uint64_t> pairs = pair_histogram(m, table);
  const std::vector<double> expected = expected_histogram(m, &r.expectation_model);
  for (std::uint32_t o = 0; o < pairs.size(); ++o) {
    r.overlap.push_back({.overlap = o, .pairs = pairs[o], .expected = expected[o]});
    if (pairs[o] > 0) r.max_overlap = o;
  }
  r.max_overlap_pairs = pairs[r.max_overlap];
  r.max_overlap_examples = max_overlap_examples(m, table, keys, r.max_overlap, options.examples);
  identical_groups(m, table, keys, options.examples, r);
}

}  // namespace

Result<AnalysisResult> analyze(const AnalysisInput& input, const AnalysisOptions& options) {
  Result<CompactMapping> compacted = compact(input);
  if (!compacted.is_ok()) return compacted.status();
  const CompactMapping& m = *compacted;
  if (Status s = check_options(m, options); !s.is_ok()) return s;
  AnalysisResult r;
  describe(m, r);
  if (input.limit && input.limit->bound > 0) {
    r.fill = FillSummary{
        .max_overlap = input.limit->max_overlap,
        .placed = r.tenants,
        .bound = input.limit->bound,
        .fill = static_cast<double>(r.tenants) / static_cast<double>(input.limit->bound)};
  }
  out_of_service(input.fleet, r);
  SubsetKeys keys(m.cell_count());
  const SubsetTable table = SubsetTable::build(m, keys);
  overlaps(m, table, keys, options, r);
  const std::uint64_t tenants = m.tenant_count();
  options.progress.tell(tenants, 3 * tenants);
  poison_pills(m, table, keys, options, r);
  const CellIndex index = index_cells(m);
  failures(m, index, options, r);
  loads(m, index, r);
  options.progress.tell(3 * tenants, 3 * tenants);
  return r;
}

}  // namespace cellkit

// The analyzer's steps, each a pure function of the compact mapping and the subset counts.
// Private to the analysis module.
#pragma once

#include <string>
#include <vector>

#include "cellkit/analysis/analyzer.h"
#include "compact_mapping.h"
#include "subset_table.h"

namespace cellkit::analysis_internal {

// n_o, the tenant pairs sharing exactly o cells, o = 0..max_shard, from the subset counts.
std::vector<std::uint64_t> pair_histogram(const CompactMapping& m, const SubsetTable& table);

// Expected n_o for a random placement of the same shard sizes on the same cells; per zone
// when every shard spreads evenly over equal zones. Sets *model to the model's name.
std::vector<double> expected_histogram(const CompactMapping& m, std::string* model);

// The first `limit` pairs (in tenant order) sharing exactly `overlap` cells, which must be
// the largest overlap of the mapping (so each such pair shares exactly one overlap-subset).
std::vector<std::pair<std::string, std::string>> max_overlap_examples(const CompactMapping& m,
                                                                      const SubsetTable& table,
                                                                      SubsetKeys& keys,
                                                                      std::uint32_t overlap,
                                                                      std::size_t limit);

// Cell sets held by two or more tenants: fills the counts and the largest `limit` groups.
void identical_groups(const CompactMapping& m, const SubsetTable& table, SubsetKeys& keys,
                      std::size_t limit, AnalysisResult& result);

// Fails with kNotFound when options.tenant or fail_cells names something the mapping does
// not have (named as options.names says); run before the expensive steps, so a typo is
// reported at once. The steps below require it passed.
Status check_options(const CompactMapping& m, const AnalysisOptions& options);

// Poison pills for every tenant (summary, and the chosen tenant's detail when named).
void poison_pills(const CompactMapping& m, const SubsetTable& table, SubsetKeys& keys,
                  const AnalysisOptions& options, AnalysisResult& result);

// Losing each cell, each zone, and the fail_cells set.
void failures(const CompactMapping& m, const CellIndex& index, const AnalysisOptions& options,
              AnalysisResult& result);

// Load per cell and zone, and the headroom when the worst cell or zone fails.
void loads(const CompactMapping& m, const CellIndex& index, AnalysisResult& result);

// The worst zone failure for load (see Headroom), two ways: by a sequential pass over the
// tenants into a zones × cells table (used when that table has at most 2^22 entries), and
// by walking the cell index per zone (used beyond). Exposed so tests can compare them.
Headroom zone_headroom(const CompactMapping& m, const CellIndex& index,
                       const std::vector<double>& weight, const LoadStats& stats);
Headroom zone_headroom_by_index(const CompactMapping& m, const CellIndex& index,
                                const std::vector<double>& weight, const LoadStats& stats);

// Names of the cells, in index order.
std::vector<std::string> cell_names(const CompactMapping& m, std::span<const std::uint32_t> cells);

}  // namespace cellkit::analysis_internal

// Text shared by `place` and `rebalance`: summaries and shard listings.
#pragma once

#include <ostream>
#include <string>

#include "cellkit/core/placement_summary.h"
#include "cellkit/io/mapping_file.h"

namespace cellkit::cli {

// "load per cell: min 38, max 42, mean 40.00, sd 1.10" and the pair-overlap histogram.
void print_placement_summary(std::ostream& out, const PlacementSummary& summary);
void print_load(std::ostream& out, std::string_view label, const LoadSpread& load);
// "tenant-3: cell-1 cell-7 cell-2" for the first `count` tenants in id order.
void print_shards(std::ostream& out, const Placement& placement, std::size_t count);

// The whole file, or an error naming it ("cannot read 'x': No such file or directory").
Result<std::string> read_text_file(const std::string& path);
// Reads a JSON mapping file; errors name the file (and line and column when parsing).
Result<MappingDocument> load_mapping(const std::string& path);

}  // namespace cellkit::cli

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

// Reads a JSON or CSV mapping file (read_mapping_file); errors name the file and line.
Result<MappingDocument> load_mapping(const std::string& path);

}  // namespace cellkit::cli

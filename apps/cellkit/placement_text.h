// Text shared by `place` and `rebalance`: summaries and shard listings.
#pragma once

#include <CLI/CLI.hpp>

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

// The mapping as the text of a file named `path`: CSV when `format` is "csv", or when it is
// empty and `path` ends in ".csv"; JSON otherwise. Fails when a name cannot go into CSV.
Result<std::string> render_mapping(const MappingDocument& doc, std::string_view path,
                                   std::string_view format);
// Adds --output-format json|csv (default: from the -o file name) to `cmd`.
void add_output_format_option(CLI::App* cmd, std::string& format);

}  // namespace cellkit::cli

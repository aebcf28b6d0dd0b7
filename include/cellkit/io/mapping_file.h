// Mapping files: the versioned JSON document and the CSV form (tenant,cell,cell,...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/fleet.h"
#include "cellkit/core/mapping.h"
#include "cellkit/core/placement_summary.h"
#include "cellkit/core/tenant.h"
#include "cellkit/io/file.h"

namespace cellkit {

// Everything a mapping file holds. Tenants are sorted by id and every tenant in
// `tenants` has a shard in `mapping` (and no other tenant has one).
struct MappingDocument {
  Fleet fleet;                          // cells with names, zones, capacity, state
  std::vector<std::string> zone_names;  // index = ZoneId; may be empty (no zones)
  std::vector<Tenant> tenants;          // names, shard sizes, weights
  Mapping mapping;                      // tenant → cells, preference order
  std::string strategy;                 // what produced it ("rendezvous", "csv import", ...)
  std::uint64_t seed = 0;               // seed that produced it, when one did
  // The overlap limit m it was placed under (0 is a real limit: no shared cell); none when
  // the file records none. A shuffle mapping must record it to be rebalanced or extended.
  std::optional<std::uint32_t> max_overlap;
  bool zone_aware = false;  // shards were spread evenly over zones when placed
  // Tenants beside the overlap bound when placed under a limit (version 2; informational:
  // document_from recomputes it, readers keep it as written).
  std::optional<PlacementFill> fill;
  // The routing snapshot version a live router serves this mapping as; none: 1.
  std::optional<std::uint64_t> routing_version;
  // The mapping may have no tenant or no cell and a router should still take it.
  bool allow_empty = false;

  bool operator==(const MappingDocument&) const = default;
};

struct ReadOptions {
  bool lenient = false;  // skip bad lines (counting them) instead of stopping at the first
  // CSV only: when set, every cell name must name a cell of this fleet, and the document
  // gets this fleet; when null, cells are created from the names the file uses.
  const Fleet* fleet = nullptr;
};

struct ReadReport {
  std::uint64_t lines = 0;            // data lines read
  std::uint64_t skipped_lines = 0;    // bad lines skipped under `lenient`
  std::vector<std::string> problems;  // "file:line: message" for each skipped line (first 100)
  std::vector<std::uint64_t> tenant_lines;  // CSV: line of each document tenant (JSON: empty)
};

// Reads a .json or .csv mapping (chosen by extension, else by the first byte). Errors name
// the file, the line (and column where known) and the problem, e.g.
// "m.csv:12: tenant 'acme' is listed twice (first on line 3)". A CSV brings no fleet: its
// cells are created from the names it uses, in order of first appearance.
Result<MappingDocument> read_mapping_file(const std::string& path, const ReadOptions& options = {},
                                          ReadReport* report = nullptr);
// The same from text already in memory; `name` is used in error messages.
Result<MappingDocument> parse_mapping_json(std::string_view text, std::string_view name);
Result<MappingDocument> parse_mapping_csv(std::string_view text, std::string_view name,
                                          const ReadOptions& options = {},
                                          ReadReport* report = nullptr);

// Exports that round-trip exactly: parse(write(doc)) == doc (CSV: fleet reduced to names).
std::string write_mapping_json(const MappingDocument& doc);
// The CSV form has no quoting, so it refuses (naming the tenant or cell) a name it could not
// give back: one that is empty, holds a comma, quote or line break, starts or ends with a
// space or tab, holds a carriage return, a NUL byte or bytes that are not UTF-8, or, for a
// tenant, starts with '#'; and a tenant
// without cells.
Result<std::string> write_mapping_csv(const MappingDocument& doc);

}  // namespace cellkit

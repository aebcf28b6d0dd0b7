// Exact blast-radius analysis of a tenant → cells mapping: overlaps, poison pills, cell and
// zone failures, load. Linear in tenants: O(T·2^k) through subset counts, never O(T²).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cellkit/analysis/exact.h"
#include "cellkit/base/progress.h"
#include "cellkit/base/status.h"
#include "cellkit/core/fleet.h"
#include "cellkit/core/mapping.h"
#include "cellkit/core/tenant.h"

namespace cellkit {

// What to analyze; observed, not owned. Tenants without an entry in `tenants` are named
// "tenant-<id>" with weight 1. Zones are the cells' zone ids (names from `zone_names`).
// Errors about the mapping itself (no tenants, a shard too large to analyze, ...) start with
// "source: ", or "source:line: " when `tenant_lines` gives the line each tenant was read from
// (index = position in `tenants`; may be empty).
// The overlap limit a mapping was placed under and the bound it gives (placement_fill's):
// the analysis then reports the fill, placed / bound.
struct OverlapLimit {
  std::uint32_t max_overlap = 0;  // m
  std::uint64_t bound = 0;        // most tenants sharing at most m cells; at least 1

  bool operator==(const OverlapLimit&) const = default;
};

struct AnalysisInput {
  const Fleet& fleet;
  const Mapping& mapping;
  std::span<const Tenant> tenants = {};
  std::span<const std::string> zone_names = {};
  std::string_view source = {};                      // the mapping's file name, if any
  std::span<const std::uint64_t> tenant_lines = {};  // line of each tenant in `source`
  std::optional<OverlapLimit> limit = {};            // none: no fill reported
};

// Tenants beside the bound of their overlap limit.
struct FillSummary {
  std::uint32_t max_overlap = 0;
  std::uint64_t placed = 0;
  std::uint64_t bound = 0;
  double fill = 0;  // placed / bound

  bool operator==(const FillSummary&) const = default;
};

struct AnalysisOptions {
  std::optional<std::string> tenant;    // poison-pill detail for this tenant name
  std::vector<std::string> fail_cells;  // cell names failing together (empty = none)
  std::size_t examples = 5;             // pairs and groups listed by name
  // Told the work done in steps of one tenant: 3 per tenant (subset counts and overlaps,
  // poison pills, failures and loads), so total = 3 × tenants. No effect on the result.
  Progress progress;
  // What errors call each field: the field's own name unless a front end maps its fields
  // to its own words (the CLI: "--fail").
  struct Names {
    std::string_view tenant = "tenant", fail_cells = "fail_cells";
  } names;
};

// Who is hurt when a set of cells dies. fully_down + degraded + untouched = tenants.
struct Impact {
  std::uint64_t fully_down = 0;  // every cell of the shard is dead
  std::uint64_t degraded = 0;    // some but not all cells are dead
  std::uint64_t untouched = 0;   // no cell is dead

  bool operator==(const Impact&) const = default;
};

// One named unit (tenant, cell, zone or chosen set) and what its failure does.
struct NamedImpact {
  std::string name;
  std::vector<std::string> cells;  // the cells that die
  Impact impact;

  bool operator==(const NamedImpact&) const = default;
};

// For every tenant X poisoning all its cells. fully_down counts X itself.
struct PoisonSummary {
  NamedImpact worst;  // most other tenants fully down, then most degraded; first in id order
  std::uint64_t p99_others_fully_down = 0;  // nearest-rank 99th percentile over tenants
  std::uint64_t p99_degraded = 0;
  double mean_others_fully_down = 0;
  double mean_degraded = 0;

  bool operator==(const PoisonSummary&) const = default;
};

// Losing one unit (a cell, or a zone) at a time.
struct FailureSummary {
  std::uint64_t units = 0;  // cells or zones considered
  NamedImpact worst;        // most tenants fully down, then degraded; first in id order
  double mean_fully_down = 0;
  double mean_degraded = 0;

  bool operator==(const FailureSummary&) const = default;
};

struct LoadStats {
  double min = 0, max = 0, mean = 0, sd = 0;  // sd over units (population)
  double max_over_mean = 0;                   // 0 when the mean is 0
  std::string busiest;                        // name of a unit with the max (first in order)

  bool operator==(const LoadStats&) const = default;
};

// The worst single failure for load: the unit whose failure leaves the busiest surviving
// cell with the most weight after its tenants' load moves to the rest of their shards.
struct Headroom {
  std::string failed;               // the cell or zone that fails
  std::string busiest_after;        // the surviving cell with the most weight afterwards
  double peak_before = 0;           // max cell weight before any failure
  double peak_after = 0;            // that cell's weight afterwards
  double peak_after_over_mean = 0;  // over the mean cell weight before the failure

  bool operator==(const Headroom&) const = default;
};

struct OverlapRow {
  std::uint32_t overlap = 0;  // o
  std::uint64_t pairs = 0;    // tenant pairs sharing exactly o cells
  double expected = 0;        // the same count for a random placement of the same shapes

  bool operator==(const OverlapRow&) const = default;
};

struct TenantGroup {
  std::vector<std::string> cells;     // the shared cell set
  std::uint64_t tenants = 0;          // how many tenants have exactly it
  std::vector<std::string> examples;  // the first few, in tenant order

  bool operator==(const TenantGroup&) const = default;
};

// One cell or zone, for charts: its load and what losing it alone does.
struct UnitDetail {
  std::string name;
  std::string zone;    // a cell's zone; a zone's own name
  double tenants = 0;  // tenants with a cell in it
  double weight = 0;   // their weight, each tenant's spread evenly over its shard
  Impact loss;         // when it fails alone

  bool operator==(const UnitDetail&) const = default;
};

// How many tenants' poison pills reach n other tenants: (n, tenants), ascending in n.
using ImpactHistogram = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

struct AnalysisResult {
  std::uint64_t tenants = 0, cells = 0, zones = 0;
  // Cells that take no new tenants, by name in fleet order. They count in the failure and
  // poison figures (their tenants are still there) but not in the load statistics, whose
  // mean and spread describe the active cells, nor in the random baseline, which places the
  // same shapes on the active cells (all cells when a shard would not fit on them).
  std::vector<std::string> draining_cells, disabled_cells;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> shard_sizes;  // (k, tenants), by k
  std::optional<FillSummary> fill;  // when the input gives an overlap limit
  UInt128 tenant_pairs = 0;
  std::string expectation_model;    // "hypergeometric" or "per-zone"
  std::vector<OverlapRow> overlap;  // o = 0..largest shard
  std::uint32_t max_overlap = 0;    // most cells any two tenants share
  std::uint64_t max_overlap_pairs = 0;
  std::vector<std::pair<std::string, std::string>> max_overlap_examples;  // first in tenant order
  std::uint64_t identical_groups = 0;       // cell sets held by two or more tenants
  std::uint64_t identical_tenants = 0;      // tenants in those groups
  std::vector<TenantGroup> largest_groups;  // by size, then first tenant
  PoisonSummary poison;
  std::optional<NamedImpact> chosen_tenant;  // options.tenant's
  FailureSummary cell_failure;
  std::optional<FailureSummary> zone_failure;  // when there are two zones or more
  std::optional<NamedImpact> chosen_failure;   // options.fail_cells'
  LoadStats cell_tenants, cell_weight;
  std::optional<LoadStats> zone_tenants, zone_weight;
  Headroom cell_headroom;
  std::optional<Headroom> zone_headroom;
  // For charts (not in the text or JSON reports): every cell and zone in id order, and the
  // distribution of poison impacts over tenants.
  std::vector<UnitDetail> cell_details, zone_details;
  ImpactHistogram poison_others_down, poison_degraded;

  bool operator==(const AnalysisResult&) const = default;
};

// The largest shard analyze() counts exactly on a fleet of `cells` cells: 16, fewer above 255
// cells (a subset's cells pack into a 128-bit key), 7 at 100,000 cells.
std::uint32_t max_analyzed_shard_size(std::size_t cells);

// Fails with kInvalidArgument naming the problem: an empty mapping, a shard with an unknown
// or repeated cell or no cell, a shard too large for exact subset counting (more than 16
// cells, or more than fit in a 128-bit key); with kNotFound for an unknown `tenant` or
// `fail_cells` name.
Result<AnalysisResult> analyze(const AnalysisInput& input, const AnalysisOptions& options = {});

}  // namespace cellkit

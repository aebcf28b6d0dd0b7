// Between mapping documents (files) and Placement values (what the core operates on),
// and rebalance plans as JSON or CSV.
#pragma once

#include <string>

#include "cellkit/core/placement_ops.h"
#include "cellkit/core/rebalance.h"
#include "cellkit/io/mapping_file.h"

namespace cellkit {

// The placement a document records. Its options come from the document: strategy (an
// unknown one, such as "csv import", continues as "random"), seed, max_overlap, zone_aware.
// Capacities live on the cells. Fails when the document's shards name unknown cells, or
// when a shuffle mapping records no max_overlap (no limit to keep when adding or moving)
// or one that validate() refuses (more than 15).
Result<Placement> placement_from(const MappingDocument& doc);

// The document recording `placement`; `zone_names` names ZoneId i (may be empty).
MappingDocument document_from(const Placement& placement, std::vector<std::string> zone_names);

// A plan as {"format": "cellkit.plan", "version": 1, "moves": [{"step", "tenant", "from",
// "to"}]} with tenant and cell names from `placement` and `target`, one move per line.
std::string write_plan_json(const RebalancePlan& plan, const Placement& placement,
                            const Fleet& target);
// The same as CSV: a header "step,tenant,from,to", then one row per move.
std::string write_plan_csv(const RebalancePlan& plan, const Placement& placement,
                           const Fleet& target);

}  // namespace cellkit

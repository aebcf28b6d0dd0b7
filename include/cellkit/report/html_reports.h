// The HTML reports of `simulate`, `analyze`, `place` and `rebalance` (--html FILE): one
// self-contained page each, charts drawn as SVG here (see html_page.h, svg_chart.h). They
// return the document; writing it is the caller's business. Same input, same bytes.
#pragma once

#include <span>
#include <string>

#include "cellkit/analysis/analyzer.h"
#include "cellkit/core/placement_ops.h"
#include "cellkit/core/rebalance.h"
#include "cellkit/report/analysis_report.h"
#include "cellkit/report/diagram.h"
#include "cellkit/sim/run_result.h"

namespace cellkit {

// One run, or R replications (means with 95% confidence bands). Requires runs. The diagram
// is of the fleet at the end of the first run.
std::string render_runs_html(std::span<const sim::RunResult> runs);

// The analysis of a mapping, with a diagram of it when `diagram` is given.
std::string render_analysis_html(const AnalysisResult& result, const AnalysisSource& source,
                                 const FleetDiagram* diagram = nullptr);

// A placement: load per cell, the overlap histogram and a diagram. `title` says what made it.
std::string render_placement_html(const Placement& placement,
                                  std::span<const std::string> zone_names,
                                  const std::string& title);

// A rebalance plan: load per cell before and after, moves per cell, overlap before and after.
std::string render_rebalance_html(const Placement& before, const Placement& after,
                                  const Fleet& target, const RebalancePlan& plan,
                                  std::span<const std::string> zone_names,
                                  const std::string& title);

}  // namespace cellkit

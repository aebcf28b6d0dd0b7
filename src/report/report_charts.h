// Charts and sections the HTML reports share: overlap beside random, histograms of counts,
// load per cell, and the fleet diagram.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cellkit/analysis/analyzer.h"
#include "cellkit/report/diagram.h"
#include "cellkit/report/html_page.h"
#include "cellkit/report/svg_chart.h"

namespace cellkit::report_internal {

// Named counts of pairs sharing o cells (o = index), e.g. before and after a rebalance.
using PairCounts = std::vector<std::pair<std::string, std::vector<std::uint64_t>>>;

// Pairs sharing o cells, one series per mapping, beside the random expectation when
// `expected` is not empty, on a log scale.
chart::Chart overlap_chart(std::string id, const PairCounts& mappings,
                           const std::vector<double>& expected);

// A histogram of (value, count) pairs ascending in value: one bar per value up to 60 values,
// beyond that bins of a round width.
chart::Chart histogram_chart(const ImpactHistogram& h, std::string id, std::string title,
                             std::string x_label, std::string y_label);

// "The fleet" section: the note on what was aggregated and the SVG diagram.
void diagram_section(const FleetDiagram& diagram, html::Page& page,
                     const std::string& health_means = "health checks");

}  // namespace cellkit::report_internal

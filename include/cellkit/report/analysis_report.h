// Renders `cellkit analyze` results as readable tables or JSON.
#pragma once

#include <cstdint>
#include <string>

#include "cellkit/analysis/analyzer.h"

namespace cellkit {

// Where the analyzed mapping came from.
struct AnalysisSource {
  std::string path;
  std::uint64_t lines = 0;          // data lines read (CSV) or tenants (JSON)
  std::uint64_t skipped_lines = 0;  // bad lines skipped under --lenient
};

// Tables for a terminal; ends with a newline.
std::string render_analysis_text(const AnalysisResult& result, const AnalysisSource& source);

// One JSON object; the schema is documented in docs/analysis.md.
std::string render_analysis_json(const AnalysisResult& result, const AnalysisSource& source);

}  // namespace cellkit

// Renders the seed demo's result as readable text or JSON.
#pragma once

#include <string>

#include "cellkit/sim/seed_demo.h"

namespace cellkit {

// The story for a terminal: fleet, tenants' cells, notable events (every request when
// `verbose`), and a summary. Ends with a newline.
std::string render_demo_text(const DemoResult& result, bool verbose);

// One JSON document (schema in docs/demo.md), keys in a fixed order, every request listed.
std::string render_demo_json(const DemoResult& result);

}  // namespace cellkit

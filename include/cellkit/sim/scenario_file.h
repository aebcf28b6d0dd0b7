// Scenario files: YAML (JSON accepted, being YAML) → Scenario. The format is documented
// field by field in docs/scenario-format.md.
#pragma once

#include <string>
#include <string_view>

#include "cellkit/base/status.h"
#include "cellkit/base/time.h"
#include "cellkit/sim/scenario.h"

namespace cellkit::sim {

// Parses a scenario document. `source` names it in messages. Unknown keys, wrong types and
// bad values fail with kInvalidArgument and a message "source:line:column: key: what is
// wrong; what is allowed". Omitted fields keep Scenario's defaults. The result is validated.
Result<Scenario> parse_scenario(std::string_view text, std::string_view source);

// Reads and parses the file; a missing or unreadable file fails with kNotFound naming it.
Result<Scenario> load_scenario(const std::string& path);

// "250us", "10ms", "1.5s", "5m", "2h" → microseconds. Fails on anything else.
Result<Duration> parse_duration(std::string_view text);

}  // namespace cellkit::sim

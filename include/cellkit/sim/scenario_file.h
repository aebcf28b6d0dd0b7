// Scenario files: YAML (JSON accepted, being YAML) → Scenario and back. The format is
// documented field by field in docs/scenario-format.md.
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

// A duration as a scenario file writes it, in the largest unit that keeps it whole: "90s",
// "2h", "250us", "0s". parse_duration reads it back exactly (reports round durations for
// reading instead: "42.5s", "12m 05s"). Requires d >= 0.
std::string format_scenario_duration(Duration d);

// The scenario as a YAML scenario file, every field written (defaults included), in the
// order of docs/scenario-format.md; the same value always gives the same bytes. Read with
// parse_scenario under the same source name (a tenants.mapping path is written as given,
// relative to the scenario file), it gives a Scenario equal to `scenario`. Fails
// (kInvalidArgument, naming the field) on what a file cannot say: a scripted workload, and
// per-cell zones, capacities, zone names or tenant names without a tenants.mapping.
// Requires a scenario that validates.
Result<std::string> write_scenario(const Scenario& scenario);

}  // namespace cellkit::sim

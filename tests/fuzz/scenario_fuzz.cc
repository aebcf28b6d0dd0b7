// Fuzz target: scenario YAML/JSON. Either a located error, or a scenario that validates and
// round-trips: written (write_scenario) and read again, it is the same value, and writing
// that gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "cellkit/sim/scenario_file.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cellkit;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Result<sim::Scenario> scenario = sim::parse_scenario(text, "fuzz.yaml");
  if (!scenario.is_ok()) {
    fuzz::require_located(scenario.status(), "fuzz.yaml:");
    return 0;
  }
  fuzz::require(scenario->validate().is_ok(), "a parsed scenario that does not validate");
  const Result<std::string> written = sim::write_scenario(*scenario);
  fuzz::require(written.is_ok(), "a parsed scenario that cannot be written");
  const Result<sim::Scenario> again = sim::parse_scenario(*written, "fuzz.yaml");
  if (!again.is_ok()) {  // what the replay test shows before it fails
    std::fprintf(stderr, "%s\n--- written:\n%s", again.status().message().c_str(),
                 written->c_str());
  }
  fuzz::require(again.is_ok(), "a written scenario that does not read back");
  fuzz::require(*again == *scenario, "a written scenario that reads back as another value");
  const Result<std::string> rewritten = sim::write_scenario(*again);
  fuzz::require(rewritten.is_ok() && *rewritten == *written,
                "a scenario read back that is written differently");
  return 0;
}

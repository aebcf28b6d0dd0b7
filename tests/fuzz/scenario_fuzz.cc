// Fuzz target: scenario YAML/JSON. Either a located error, or a scenario that validates.
#include <cstddef>
#include <cstdint>
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
  return 0;
}

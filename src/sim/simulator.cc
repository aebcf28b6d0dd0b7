// Entry points: one run, and replications with derived seeds.
#include "cellkit/sim/simulator.h"

#include <memory>

#include "sim/world.h"

namespace cellkit::sim {

Result<RunResult> simulate(const Scenario& scenario, std::uint64_t seed,
                           const RunOptions& options) {
  if (Status s = scenario.validate(); !s.is_ok()) return s;
  // On the heap: a World holds the whole fleet and is too big for some stacks.
  auto world = std::make_unique<World>(scenario, seed, options);
  if (Status s = world->set_up(); !s.is_ok()) return s;
  world->run();
  return world->finish();
}

std::uint64_t replication_seed(std::uint64_t scenario_seed, std::uint32_t run) {
  return run == 0 ? scenario_seed : Random(scenario_seed).derive(run).seed();
}

Result<std::vector<RunResult>> replicate(const Scenario& scenario, std::uint32_t runs,
                                         const RunOptions& options) {
  std::vector<RunResult> results;
  for (std::uint32_t i = 0; i < runs; ++i) {
    Result<RunResult> r = simulate(scenario, replication_seed(scenario.seed, i), options);
    if (!r.is_ok()) return r.status();
    results.push_back(std::move(r).value());
  }
  return results;
}

}  // namespace cellkit::sim

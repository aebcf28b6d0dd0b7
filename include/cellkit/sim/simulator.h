// The discrete-event simulator: runs a Scenario through the core control plane, publisher
// and router, and returns what it measured.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/sim/run_result.h"
#include "cellkit/sim/scenario.h"

namespace cellkit::sim {

struct Progress {
  TimePoint now{};           // simulated time reached
  std::uint64_t events = 0;  // events processed so far
};

// What an observer learns about each request as it ends.
struct RequestRecord {
  TimePoint arrival{};
  TenantId tenant{};
  Outcome outcome = Outcome::kServed;
  CellId cell{};              // the last cell tried, when one was
  std::uint64_t version = 0;  // the routing-table version the router served at the end
  bool poison = false;
};

struct RunOptions {
  // Called for every request as it ends, in the order they end, when set.
  std::function<void(const RequestRecord&)> on_request;
  // Called every `progress_every` events when set (the CLI prints a line on a terminal).
  std::function<void(const Progress&)> progress;
  std::uint64_t progress_every = 1 << 20;
};

// One run with the given seed (normally scenario.seed). Same scenario and seed give an
// identical RunResult. Fails only when the scenario does not validate or its placement
// cannot be made (the Status says why).
Result<RunResult> simulate(const Scenario& scenario, std::uint64_t seed,
                           const RunOptions& options = {});

// The seed of replication `run`: the scenario's seed for run 0, then independent seeds
// derived from it.
std::uint64_t replication_seed(std::uint64_t scenario_seed, std::uint32_t run);

// `runs` independent replications (runs >= 1), in run order.
Result<std::vector<RunResult>> replicate(const Scenario& scenario, std::uint32_t runs,
                                         const RunOptions& options = {});

}  // namespace cellkit::sim

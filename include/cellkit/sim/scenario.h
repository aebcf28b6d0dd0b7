// Scenario: everything one simulation run needs, as plain data with in-class defaults.
// Scenario files (scenario_file.h) fill it; tests build it directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/base/time.h"
#include "cellkit/core/mapping.h"
#include "cellkit/core/router_policy.h"
#include "cellkit/core/strategies.h"
#include "cellkit/sim/distributions.h"

namespace cellkit::sim {

struct CellsSpec {
  std::uint32_t count = 8;  // cells at the start, ids 0..count-1
  std::uint32_t zones = 1;  // cell i lives in zone i % zones
  // Zone z's name in reports; empty: every zone is "zone-<z>" (as `cellkit place` names them).
  std::vector<std::string> zone_names;
  // Per cell at the start (a mapping file's cells; empty: the defaults). Cell i's name
  // (default "cell-<i>"), zone (default i % zones) and capacity, the most tenants the control
  // plane places on it (default 0: no limit). Each is empty or has `count` entries.
  std::vector<std::string> names;
  std::vector<ZoneId> zone_of;
  std::vector<std::uint32_t> capacity;
  std::uint32_t servers = 4;        // parallel servers per cell (c)
  std::uint32_t queue_limit = 100;  // requests that may wait per cell; beyond it they are shed
  ServiceTime service;              // time one request holds a server
  Duration restart_after =
      std::chrono::seconds(30);             // a cell crashed by a request restarts after this long
  Duration mtbf{};                          // mean time between random crashes per cell; 0: none
  Duration mttr = std::chrono::minutes(1);  // mean repair time of a random crash (exponential)
  bool operator==(const CellsSpec&) const = default;
};

// The name of zone `zone` in reports: cells.zone_names[zone], else "zone-<zone>".
std::string zone_name(const CellsSpec& cells, ZoneId zone);
// The name of cell `index` at the start: cells.names[index], else "cell-<index>".
std::string cell_name(const CellsSpec& cells, std::uint32_t index);

enum class Weights : std::uint8_t { kUniform, kZipf };

// TenantsSpec::placement when the scenario lists every tenant's shard ("explicit" in files).
inline constexpr std::optional<Strategy> kExplicitShards = std::nullopt;

struct TenantsSpec {
  std::uint32_t count = 28;             // tenants, ids 0..count-1
  std::uint32_t shard_size = 2;         // cells per tenant (k)
  Weights weights = Weights::kUniform;  // share of the traffic each tenant sends
  double zipf_exponent = 1.0;           // s of Zipf weights 1/(i+1)^s
  // A core placement strategy, or kExplicitShards: tenant i gets shards[i].
  std::optional<Strategy> placement = Strategy::kRandom;
  bool zone_aware = false;  // spread each shard over the zones
  // shuffle, design: no two tenants share more than this many cells. A scenario file that
  // does not give it gets min(2, shard_size - 1).
  std::uint32_t max_overlap = 2;
  std::vector<Shard> shards;  // explicit placement: tenant i gets shards[i]
  // The mapping file the fleet, tenants and shards came from (as the scenario wrote it);
  // empty: none. Set by scenario files; tenant i is then named names[i].
  std::string mapping;
  std::vector<std::string> names;  // tenant i's name; empty: "tenant-<i>"
  bool operator==(const TenantsSpec&) const = default;
};

// One request of a scripted workload.
struct ScriptedRequest {
  Duration at{};
  std::uint32_t tenant = 0;
  bool poison = false;  // kills the cell that handles it
  bool operator==(const ScriptedRequest&) const = default;
};

struct WorkloadSpec {
  double rate = 1000.0;  // requests per second from all tenants together (Poisson)
  // When not empty, exactly these requests arrive (in `at` order) and `rate` is ignored;
  // poison tenants' draws do not apply to them. Set by programs (the seed demo), not files.
  std::vector<ScriptedRequest> script;
  Duration timeout{};  // a request not answered this long after arrival times out; 0: never
  bool operator==(const WorkloadSpec&) const = default;
};

struct RouterSpec {
  RouterPolicy policy;  // failover, retry budget, containment, naive replacement
  Duration health_check_interval =
      std::chrono::seconds(5);   // the router probes every cell this often
  bool persist_snapshot = true;  // keep the last accepted table on disk across restarts
  bool operator==(const RouterSpec&) const = default;
};

struct ControlPlaneSpec {
  Duration publish_interval =
      std::chrono::seconds(30);  // a full routing snapshot is published this often
  bool operator==(const ControlPlaneSpec&) const = default;
};

// A tenant some of whose requests kill the cell that handles them (the seed's five bags).
struct PoisonTenant {
  std::uint32_t tenant = 0;
  double probability = 1.0;  // chance that one of its requests is poison
  std::uint64_t limit = 0;   // poison requests it sends at most; 0: no limit
  bool operator==(const PoisonTenant&) const = default;
};

struct CellCrash {
  Duration at{};
  std::uint32_t cell = 0;
  Duration duration{};  // down for this long; 0: cells.restart_after
  bool operator==(const CellCrash&) const = default;
};

struct ZoneOutage {
  Duration at{};
  std::uint32_t zone = 0;
  Duration duration = std::chrono::minutes(10);
  bool operator==(const ZoneOutage&) const = default;
};

struct Window {
  Duration at{};
  Duration duration = std::chrono::minutes(10);
  bool operator==(const Window&) const = default;
};

struct FaultsSpec {
  std::vector<PoisonTenant> poison;
  std::vector<CellCrash> cell_crashes;
  std::vector<ZoneOutage> zone_outages;
  std::vector<Window> control_plane_outages;
  std::vector<Duration> router_restarts;  // times at which the router restarts
  bool operator==(const FaultsSpec&) const = default;
};

// A rollout in waves: each wave's cells get the new build, then the rollout bakes; if the
// error rate of the wave's cells during the bake exceeds the alarm, it stops and every
// updated cell rolls back to the old build.
struct Deployment {
  Duration at{};
  std::vector<std::vector<std::uint32_t>> waves;  // cell ids per wave; the first is the canary
  Duration bake = std::chrono::minutes(5);        // time between a wave and the alarm check
  bool bad = false;                               // the new build is bad
  double error_probability = 0.0;  // bad build: chance a request it serves answers an error
  double crash_probability = 0.0;  // bad build: chance a request it takes crashes the cell
  double alarm_error_rate = 0.01;  // stop and roll back above this share of failed requests
  bool operator==(const Deployment&) const = default;
};

// Tenants that sign up at `at`: the control plane places them (when it is up; otherwise as
// soon as it is back) and they start sending at once; the router knows them from the next
// published snapshot. The workload's rate grows in proportion to the tenant count.
struct Onboarding {
  Duration at{};
  std::uint32_t count = 1;
  bool operator==(const Onboarding&) const = default;
};

struct ScaleOut {
  Duration at{};
  std::uint32_t cells = 1;  // cells added to the fleet (they take tenants placed from then on)
  bool operator==(const ScaleOut&) const = default;
};

struct AutoScale {
  double utilization_above =
      0;                  // add cells when an interval's mean utilization exceeds this; 0: off
  std::uint32_t add = 1;  // cells added each time
  std::uint32_t max_cells = 0;                  // never grow beyond this many cells; 0: no limit
  Duration cooldown = std::chrono::minutes(5);  // at least this long between two additions
  bool operator==(const AutoScale&) const = default;
};

struct GrowthSpec {
  std::vector<Onboarding> onboarding;
  std::vector<ScaleOut> scale_out;
  AutoScale auto_scale;
  // When cells are added, move tenants onto them with the core rebalance planner (each
  // move commits in the control plane; the router follows at the next snapshot).
  bool rebalance = false;
  bool operator==(const GrowthSpec&) const = default;
};

struct Scenario {
  std::string name = "scenario";
  std::string description;
  std::uint64_t seed = 1;  // run seed; every entity's stream derives from it
  Duration until =
      std::chrono::minutes(10);  // arrivals stop here; requests in flight are then drained
  Duration interval = std::chrono::minutes(1);  // length of one time-series interval
  CellsSpec cells;
  TenantsSpec tenants;
  WorkloadSpec workload;
  RouterSpec router;
  ControlPlaneSpec control_plane;
  FaultsSpec faults;
  std::vector<Deployment> deployments;
  GrowthSpec growth;

  // Names the first bad field, its value and what is allowed.
  Status validate() const;
  bool operator==(const Scenario&) const = default;
};

// The core placement options a scenario's tenants section asks for (not for "explicit").
PlacementOptions placement_options(const TenantsSpec& tenants, std::uint64_t seed);

}  // namespace cellkit::sim

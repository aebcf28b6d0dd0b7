// Building a run: streams, cells, tenants placed through the control plane, first events.
#include <cmath>

#include <fmt/format.h>

#include "cellkit/core/placement_ops.h"
#include "cellkit/core/snapshot_codec.h"
#include "sim/world.h"

namespace cellkit::sim {
namespace {

// Stream ids under the run seed: each entity draws from its own stream, so adding a
// tenant or a fault does not change what any cell draws.
constexpr std::uint64_t kPlacementStream = 1;
constexpr std::uint64_t kWorkloadStream = 2;
constexpr std::uint64_t kCellStreams = std::uint64_t{1} << 32;
constexpr std::uint64_t kTenantStreams = std::uint64_t{2} << 32;

// The scenario's explicit shards, handed out by tenant id, through the same control plane
// path as every other strategy.
class ExplicitPlacement final : public PlacementStrategy {
 public:
  explicit ExplicitPlacement(std::vector<Shard> shards) : shards_(std::move(shards)) {}
  std::string_view name() const override { return "explicit"; }
  Result<Shard> choose(const Fleet& fleet, const Mapping& /*mapping*/, const Tenant& tenant,
                       Random& /*random*/) override {
    if (raw(tenant.id) >= shards_.size()) {
      return not_found(fmt::format("no explicit shard for tenant {}", raw(tenant.id)));
    }
    for (CellId c : shards_[raw(tenant.id)]) {
      if (!fleet.contains(c)) {
        return not_found(fmt::format("shard of tenant {} names cell {}, which does not exist",
                                     raw(tenant.id), raw(c)));
      }
    }
    return shards_[raw(tenant.id)];
  }

 private:
  std::vector<Shard> shards_;
};

// Requires a validated scenario (simulate() checks it before building a World).
std::unique_ptr<PlacementStrategy> make_placement(const TenantsSpec& spec, std::uint64_t seed) {
  if (spec.placement == kExplicitShards) return std::make_unique<ExplicitPlacement>(spec.shards);
  // Plain random: the seed's RandomPlacement chooses the same shards as make_strategy's
  // "random" but costs O(cells) per tenant, where the pooled strategies rebuild their cell
  // pools on every choose() (O(cells log cells)): 3 s instead of 74 s for a million tenants.
  if (spec.placement == Strategy::kRandom && !spec.zone_aware)
    return std::make_unique<RandomPlacement>();
  return make_strategy(placement_options(spec, seed)).value();
}

}  // namespace

void PersistingPublisher::publish(const RoutingSnapshot& snapshot) {
  if (router_.accept(snapshot).is_ok() && persist_) bytes_ = encode_snapshot(snapshot);
}

World::World(const Scenario& scenario, std::uint64_t seed, const RunOptions& options)
    : scenario_(scenario),
      options_(options),
      policy_(scenario.router.policy),
      end_(TimePoint{} + scenario.until),
      seed_(seed),
      placement_seed_(Random(seed).derive(kPlacementStream).seed()),
      root_(seed),
      workload_(root_.derive(kWorkloadStream)),
      publisher_(router_, scenario.router.persist_snapshot),
      control_(make_placement(scenario.tenants, placement_seed_), publisher_, placement_seed_),
      quarantine_(scenario.router.policy),
      timeline_(end_),
      ledger_(end_, cells_, timeline_),
      rollouts_(scenario.deployments, cells_, timeline_),
      control_loop_(scenario.growth.auto_scale),
      faults_(scenario.cells, scenario.faults, end_, cells_, queue_, slots_, timeline_, ledger_,
              [this](SlotId s) { lose_request(s); }) {}

Status World::set_up() {
  if (Status s = scenario_.validate(); !s.is_ok()) return s;
  set_up_cells();
  if (Status s = place_tenants(); !s.is_ok()) return s;
  index_tenants();
  control_.publish();  // the router starts with version 1
  schedule_faults();
  return Status::ok();
}

void World::set_up_cells() {
  for (std::uint32_t i = 0; i < scenario_.cells.count; ++i)
    install_cell();
}

// A new cell in the control plane's fleet and in the simulation, with its own stream.
// Cells at the start take the scenario's names, zones and capacities (a mapping file's);
// later ones continue the fleet's naming scheme when the scenario named its cells.
void World::install_cell() {
  const CellsSpec& spec = scenario_.cells;
  const auto index = static_cast<std::uint32_t>(cells_.size());
  ZoneId zone{static_cast<std::uint16_t>(index % spec.zones)};
  if (index < spec.zone_of.size()) zone = spec.zone_of[index];
  std::string name;
  if (index < spec.names.size()) {
    name = spec.names[index];
  } else if (!spec.names.empty()) {
    if (!added_names_) added_names_.emplace(control_.cells().fleet(), "");
    name = added_names_->name(added_names_->least_zone(), added_names_->next_id());
  }
  const std::uint32_t capacity = index < spec.capacity.size() ? spec.capacity[index] : 0;
  Result<CellId> added = control_.add_cell(std::move(name), zone, capacity);
  // A named fleet whose scheme gives a taken name (validated names are unique otherwise).
  if (!added.is_ok()) added = control_.add_cell(fmt::format("added-{}", index), zone);
  const CellId id = added.value();
  if (added_names_) added_names_->add(control_.cells().fleet().cell(id));
  cells_.emplace_back(root_.derive(kCellStreams + raw(id)));
  cells_.back().zone = zone;
  cells_.back().last_change = now_;
  ledger_.add_cell();
  if (spec.mtbf > Duration::zero()) {
    queue_.push(now_ + cells_.back().random.exponential(spec.mtbf), kRandomCrash, raw(id));
  }
}

Status World::place_tenants() {
  const TenantsSpec& spec = scenario_.tenants;
  for (std::uint32_t i = 0; i < spec.count; ++i) {
    const std::uint32_t k = spec.placement == kExplicitShards
                                ? static_cast<std::uint32_t>(spec.shards[i].size())
                                : spec.shard_size;
    std::string name = i < spec.names.size() ? spec.names[i] : std::string();
    Result<TenantId> id = control_.add_tenant(std::move(name), k);
    if (!id.is_ok()) return id.status();
  }
  return Status::ok();
}

void World::index_tenants() {
  traffic_.assign(scenario_.tenants.count, TenantTraffic{});
  rebuild_tenant_choice();
  ledger_.start(scenario_.tenants.count, control_.tenants().mapping());
  for (const PoisonTenant& p : scenario_.faults.poison) {
    poison_.push_back({.tenant = TenantId{p.tenant},
                       .probability = p.probability,
                       .limit = p.limit,
                       .random = root_.derive(kTenantStreams + p.tenant)});
  }
}

void World::schedule_faults() {
  const FaultsSpec& f = scenario_.faults;
  const TimePoint t0{};
  for (std::uint32_t i = 0; i < f.cell_crashes.size(); ++i) {
    queue_.push(t0 + f.cell_crashes[i].at, kScheduledCrash, i);
  }
  for (std::uint32_t i = 0; i < f.zone_outages.size(); ++i) {
    const ZoneOutage& z = f.zone_outages[i];
    queue_.push(t0 + z.at, kZoneDown, i);
    queue_.push(t0 + z.at + z.duration, kZoneUp, i);
  }
  for (const Window& w : f.control_plane_outages) {
    queue_.push(t0 + w.at, kControlPlaneDown);
    queue_.push(t0 + w.at + w.duration, kControlPlaneUp);
  }
  for (Duration at : f.router_restarts)
    queue_.push(t0 + at, kRouterRestart);
  for (std::uint32_t i = 0; i < scenario_.deployments.size(); ++i) {
    queue_.push(t0 + scenario_.deployments[i].at, kDeployWave, i);
  }
  queue_.push(t0 + scenario_.router.health_check_interval, kHealthCheck);
  queue_.push(t0 + scenario_.control_plane.publish_interval, kPublish);
  queue_.push(clamp(t0 + scenario_.interval), kSample);
  const std::vector<ScriptedRequest>& script = scenario_.workload.script;
  for (std::uint32_t i = 0; i < script.size(); ++i) {
    queue_.push(t0 + script[i].at, kScriptedArrival, i);
  }
  const GrowthSpec& g = scenario_.growth;
  for (std::uint32_t i = 0; i < g.onboarding.size(); ++i) {
    queue_.push(t0 + g.onboarding[i].at, kOnboard, i);
  }
  for (std::uint32_t i = 0; i < g.scale_out.size(); ++i) {
    queue_.push(t0 + g.scale_out[i].at, kScaleOut, i);
  }
  set_rate(scenario_.workload.rate);
  if (script.empty() && rate_ > 0) {
    next_arrival_us_ = workload_.exponential(mean_gap_us_);
    const TimePoint first = t0 + round_us(next_arrival_us_);
    if (first < end_) queue_.push_beside(first, kArrival);
  }
}

}  // namespace cellkit::sim

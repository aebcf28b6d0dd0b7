// The control service's reads: the desired state (cells, tenants, the rebalance plan and
// status) and the published snapshot (long-polls), as readers see them: under the state lock
// shared, never the store lock, and without an onboarding's tenants whose publication is still
// being written.
#include <algorithm>
#include <cassert>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cellkit/core/delta_codec.h"
#include "cellkit/core/mapping.h"
#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/control_ops.h"
#include "cellkit/live/control_service.h"
#include "live/writer_first_mutex.h"

namespace cellkit::live {
namespace {

using nlohmann::json;

json names_of(const Fleet& fleet, const Shard& shard) {
  json names = json::array();
  for (CellId c : shard) {
    const Cell* cell = fleet.find_cell(c);
    names.push_back(cell == nullptr ? fmt::format("#{}", raw(c)) : cell->name);
  }
  return names;
}

json plan_json(const ControlState& state, const Rebalance& rebalance) {
  const Fleet& fleet = rebalance.target;
  // The names of the moved tenants, in one walk over the tenants (not one per move).
  std::map<std::uint32_t, std::string_view> names;
  for (const Move& mv : rebalance.plan.moves)
    names.emplace(raw(mv.tenant), std::string_view());
  for (const Tenant& t : state.placement.tenants) {
    if (auto it = names.find(raw(t.id)); it != names.end()) it->second = t.name;
  }
  json moves = json::array();
  for (std::size_t i = 0; i < rebalance.plan.moves.size(); ++i) {
    const Move& mv = rebalance.plan.moves[i];
    moves.push_back({{"step", i + 1},
                     {"tenant", names.at(raw(mv.tenant))},
                     {"from", names_of(fleet, {mv.from})[0]},
                     {"to", names_of(fleet, {mv.to})[0]}});
  }
  json shortfalls = json::array();
  for (const Shortfall& s : rebalance.plan.shortfalls) {
    shortfalls.push_back({{"cell", names_of(fleet, {s.cell})[0]},
                          {"load", s.load},
                          {"fair_share", s.fair_share},
                          {"reason", s.reason}});
  }
  return {{"version", state.version},
          {"required", rebalance.plan.required},
          {"clearing", rebalance.plan.clearing},
          {"moves", moves},
          {"shortfalls", shortfalls}};
}

ServiceReply json_reply(const json& body) {
  return {.body = body.dump()};
}

std::string as_string(const std::vector<std::byte>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

// The replies are built as JSON holding the state lock (the values are copied into them) and
// serialised after it is released. While an onboarding's publication is being written,
// state_ holds its tenants beyond visible_: the cell counts and the tenant list stop at
// visible_'s bounds rather than copy the state.
ServiceReply ControlService::list_cells() const {
  json body;
  {
    std::shared_lock lock(*state_mutex_);
    std::map<std::uint32_t, std::size_t> tenants;
    for (const auto& [tenant, shard] : state_.placement.mapping) {
      if (raw(tenant) >= visible_.next_tenant) break;  // the entries are in id order
      for (CellId c : shard)
        ++tenants[raw(c)];
    }
    json cells = json::array();
    const auto& zones = state_.zone_names;
    for (const Cell& c : state_.placement.fleet.cells()) {
      cells.push_back({{"name", c.name},
                       {"id", raw(c.id)},
                       {"zone", raw(c.zone) < zones.size() ? zones[raw(c.zone)] : ""},
                       {"endpoint", c.endpoint},
                       {"capacity", c.capacity},
                       {"state", to_string(c.state)},
                       {"tenants", tenants[raw(c.id)]}});
    }
    body = {{"version", visible_.version}, {"cells", std::move(cells)}};
  }
  return json_reply(body);
}

ServiceReply ControlService::list_tenants() const {
  json body;
  {
    std::shared_lock lock(*state_mutex_);
    const ControlState& state = state_;
    json tenants = json::array();
    for (std::size_t i = 0; i < visible_.tenants; ++i) {
      const Tenant& t = state.placement.tenants[i];
      const Shard* pin = state.pins.find_shard(t.id);
      tenants.push_back(
          {{"name", t.name},
           {"id", raw(t.id)},
           {"shard_size", t.shard_size},
           {"cells", names_of(state.placement.fleet, state.placement.mapping.shard(t.id))},
           {"pinned", pin == nullptr ? json(nullptr) : names_of(state.placement.fleet, *pin)}});
    }
    body = {{"version", visible_.version}, {"tenants", std::move(tenants)}};
  }
  return json_reply(body);
}

// The planner needs a whole state: state_ itself, or while an onboarding's publication is
// being written, a copy without its tenants (O(tenants), then only).
ServiceReply ControlService::plan() const {
  std::shared_lock lock(*state_mutex_);
  std::optional<ControlState> published;
  if (state_.placement.tenants.size() != visible_.tenants || state_.version != visible_.version) {
    published = state_;
    drop_tenants_from(*published, visible_.tenants, visible_.next_tenant);
    published->version = visible_.version;
    lock.unlock();
  }
  const ControlState& state = published ? *published : state_;
  Result<Rebalance> rebalance = plan_fleet_rebalance(state);
  if (!rebalance.is_ok()) return error_reply(409, rebalance.status().message(), "");
  json body = plan_json(state, *rebalance);
  if (lock.owns_lock()) lock.unlock();
  return json_reply(body);
}

ServiceReply ControlService::rebalance_status() const {
  std::shared_lock lock(*state_mutex_);          // set by each step of a rollout as it is stored
  const RebalanceProgress r = state_.rebalance;  // onboarding never changes it
  lock.unlock();
  return json_reply({{"planned", r.planned}, {"applied", r.applied}, {"version", r.version}});
}

// Requires store_mutex_ or state_mutex_, and a published version. The published snapshot in
// flat form: every publication and load keeps it (so a read need not build it from state_,
// which may hold an onboarding's tenants beyond the published ones).
const FlatSnapshot& ControlService::flat_of_published() const {
  assert(published_flat_ && published_flat_->version == visible_.version);
  return *published_flat_;
}

// Requires state_mutex_ (shared is enough: the published version cannot move meanwhile), and
// a published version. Its whole encoded snapshot: the one kept when it is that version's,
// else encoded from the flat form (O(tenants)) and kept. One reader encodes it; those that
// ask meanwhile (two routers booting) wait for it rather than encode it again.
std::shared_ptr<const std::string> ControlService::whole_of_published() {
  const std::uint64_t version = visible_.version;
  auto kept = [&]() -> std::shared_ptr<const std::string> {
    std::lock_guard cache(cache_mutex_);
    return whole_ && whole_version_ == version ? whole_ : nullptr;
  };
  if (auto whole = kept()) return whole;
  std::lock_guard encoding(encode_mutex_);
  if (auto whole = kept()) return whole;
  auto whole = std::make_shared<const std::string>(as_string(encode_snapshot(flat_of_published())));
  std::lock_guard cache(cache_mutex_);
  whole_ = whole;
  whole_version_ = version;
  return whole;
}

// Requires cache_mutex_. The framed deltas from `after` to the published version; empty when
// `after` is not in the chain.
std::string ControlService::chain_after(std::uint64_t after) const {
  auto from = std::find_if(chain_.begin(), chain_.end(),
                           [after](const DeltaLink& link) { return link.parent == after; });
  if (from == chain_.end() || chain_.back().version != published_.version) return {};
  std::vector<std::string> deltas;
  for (auto it = from; it != chain_.end(); ++it)
    deltas.push_back(it->bytes);
  return frame_deltas(deltas);
}

// The chain after `after` when asked and held, else the whole snapshot (encoded on demand,
// which waits for a change's work in memory, never for the store). The body is copied into
// the reply with no lock held.
ServiceReply ControlService::long_poll(std::uint64_t after, std::chrono::milliseconds wait,
                                       bool deltas) {
  std::unique_lock lock(cache_mutex_);
  published_changed_.wait_for(lock, std::min(wait, options_.max_wait),
                              [&] { return shut_down_ || published_.version > after; });
  if (published_.version <= after) return {.status = 304, .body = ""};
  auto reply = [](std::uint64_t version, std::string body) {
    return ServiceReply{.status = 200,
                        .content_type = "application/octet-stream",
                        .body = std::move(body),
                        .headers = {{"X-Cellkit-Routing-Version", std::to_string(version)}}};
  };
  std::string chain = deltas ? chain_after(after) : std::string();
  if (!chain.empty()) return reply(published_.version, std::move(chain));
  std::uint64_t version = published_.version;
  std::shared_ptr<const std::string> whole = whole_ && whole_version_ == version ? whole_ : nullptr;
  lock.unlock();
  if (!whole) {
    std::shared_lock state(*state_mutex_);  // published_'s version moves only under it
    version = visible_.version;
    whole = whole_of_published();
  }
  return reply(version, *whole);
}

}  // namespace cellkit::live

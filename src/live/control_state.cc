// The control plane's desired state as JSON, its snapshot, and its invariants.
#include "cellkit/live/control_state.h"

#include "cellkit/base/cut.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cellkit/core/snapshot_codec.h"
#include "cellkit/io/placement_document.h"

namespace cellkit::live {
namespace {

using nlohmann::json;

json pins_json(const ControlState& s) {
  json pins = json::object();
  for (const auto& [tenant, cells] : s.pins) {
    json names = json::array();
    for (CellId c : cells)
      names.push_back(raw(c));
    pins[std::to_string(raw(tenant))] = names;
  }
  return pins;
}

Status state_error(std::string_view what) {
  return data_loss(fmt::format("control state: {}", what));
}

Result<Mapping> parse_pins(const json& pins) {
  Mapping out;
  if (!pins.is_object()) return state_error("'pins' is not an object");
  for (const auto& [key, cells] : pins.items()) {
    if (!cells.is_array()) return state_error(fmt::format("pin of tenant {} is not an array", key));
    Shard shard;
    for (const json& c : cells) {
      if (!c.is_number_unsigned())
        return state_error(fmt::format("pin of tenant {} holds a non-id", key));
      shard.push_back(CellId{c.get<std::uint32_t>()});
    }
    out.assign(TenantId{static_cast<std::uint32_t>(std::stoul(key))}, std::move(shard));
  }
  return out;
}

Status check_capacity(const ControlState& s) {
  std::unordered_map<std::uint32_t, std::uint64_t> load;
  for (const Tenant& t : s.placement.tenants) {
    for (CellId c : effective_shard(s, t.id))
      load[raw(c)] += t.weight;
  }
  for (const Cell& cell : s.placement.fleet.cells()) {
    const std::uint64_t cap = capacity_of(s.placement, cell);
    if (cap != 0 && load[raw(cell.id)] > cap) {
      return failed_precondition(fmt::format("cell '{}' would hold load {} above its capacity {}",
                                             cut(cell.name), load[raw(cell.id)], cap));
    }
  }
  return Status::ok();
}

// Pins are the only shards the strategy did not choose, so only they can break the overlap
// limit (shuffle's and design's): count, for each pinned tenant, the cells it shares with
// every other tenant.
Status check_pinned_overlap(const ControlState& s) {
  if (!limits_overlap(s.placement.options) || s.pins.empty()) return Status::ok();
  std::unordered_map<std::uint32_t, std::vector<TenantId>> on_cell;
  for (const Tenant& t : s.placement.tenants) {
    for (CellId c : effective_shard(s, t.id))
      on_cell[raw(c)].push_back(t.id);
  }
  for (const auto& [pinned, cells] : s.pins) {
    std::unordered_map<std::uint32_t, std::uint32_t> shared;
    for (CellId c : cells) {
      for (TenantId other : on_cell[raw(c)]) {
        if (other != pinned && ++shared[raw(other)] > s.placement.options.max_overlap) {
          return failed_precondition(
              fmt::format("tenants {} and {} would share more than max_overlap {} cells",
                          raw(pinned), raw(other), s.placement.options.max_overlap));
        }
      }
    }
  }
  return Status::ok();
}

}  // namespace

std::uint64_t capacity_of(const Placement& p, const Cell& cell) {
  return cell.capacity != 0 ? cell.capacity : p.options.capacity;
}

const Shard& effective_shard(const ControlState& s, TenantId t) {
  const Shard* pin = s.pins.find_shard(t);
  return pin != nullptr ? *pin : s.placement.mapping.shard(t);
}

namespace {

// The stored state's "tenants": {"id": [shard_size, weight]}.
json extras_json(const TenantExtras& extras) {
  json out = json::object();
  for (const auto& [id, extra] : extras)
    out[std::to_string(raw(id))] = {extra.first, extra.second};
  return out;
}

void add_extra(const Tenant& t, const Shard& shard, TenantExtras& extras) {
  if (t.weight != 1 || t.shard_size != shard.size()) extras[t.id] = {t.shard_size, t.weight};
}

// A fleet being built (no cell or no tenant yet) is what the operator asked for.
bool allows_empty(const ControlState& s) {
  return s.placement.tenants.empty() || s.placement.fleet.empty();
}

// Version 2 keeps tenants' names and shards in the snapshot published with the state: the
// tenants, from the snapshot's shards and names and the state's extras.
Status add_tenants_from(const RoutingSnapshot& snapshot, const json& extras, Placement& out) {
  if (!extras.is_object()) return state_error("'tenants' is not an object");
  if (snapshot.tenant_names.size() != snapshot.shards.size()) {
    return state_error("the snapshot does not name every tenant");
  }
  out.tenants.reserve(snapshot.shards.size());
  for (std::size_t i = 0; i < snapshot.shards.size(); ++i) {
    const auto& [id, shard] = snapshot.shards[i];
    if (snapshot.tenant_names[i].first != id) {
      return state_error(fmt::format("the snapshot names tenant {} out of order", raw(id)));
    }
    Tenant t{.id = id,
             .name = snapshot.tenant_names[i].second,
             .shard_size = static_cast<std::uint32_t>(shard.size())};
    auto extra = extras.find(std::to_string(raw(id)));
    if (extra != extras.end()) {
      if (!extra->is_array() || extra->size() != 2 || !(*extra)[0].is_number_unsigned() ||
          !(*extra)[1].is_number_unsigned()) {
        return state_error(fmt::format("tenant {} is not [shard_size, weight]", raw(id)));
      }
      t.shard_size = (*extra)[0].get<std::uint32_t>();
      t.weight = (*extra)[1].get<std::uint32_t>();
    }
    out.tenants.push_back(std::move(t));
    out.mapping.assign(id, shard);
  }
  return Status::ok();
}

}  // namespace

TenantExtras tenant_extras(const ControlState& s) {
  TenantExtras extras;
  for (const Tenant& t : s.placement.tenants)
    add_extra(t, s.placement.mapping.shard(t.id), extras);
  return extras;
}

void add_tenant_extras(const ControlState& s, std::size_t first, TenantExtras& extras) {
  const std::vector<Tenant>& tenants = s.placement.tenants;
  for (std::size_t i = first; i < tenants.size(); ++i)
    add_extra(tenants[i], s.placement.mapping.shard(tenants[i].id), extras);
}

std::string write_state(const ControlState& s) {
  return write_state(s, tenant_extras(s));
}

std::string write_state(const ControlState& s, const TenantExtras& extras) {
  json head = {{"format", "cellkit.control-state"},
               {"version", 2},
               {"routing_version", s.version},
               {"next_cell", s.next_cell},
               {"next_tenant", s.next_tenant},
               {"default_capacity", s.placement.options.capacity},
               {"pins", pins_json(s)},
               {"tenants", extras_json(extras)},
               {"rebalance",
                {{"planned", s.rebalance.planned},
                 {"applied", s.rebalance.applied},
                 {"version", s.rebalance.version}}}};
  std::string text = head.dump();
  text.pop_back();  // the mapping document is spliced in as written, not re-serialised
  text += ",\"mapping\":";
  // Cells and placement options only: tenants and shards are the snapshot's.
  const Placement cells{.fleet = s.placement.fleet, .options = s.placement.options};
  text += write_mapping_json(document_from(cells, s.zone_names));
  text += "}";
  return text;
}

Result<ControlState> parse_state(std::string_view text, std::span<const std::byte> snapshot) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return state_error("not a JSON object");
  const int version = doc.value("version", 0);
  if (doc.value("format", "") != "cellkit.control-state" || (version != 1 && version != 2)) {
    return state_error("'format' is not cellkit.control-state version 1 or 2");
  }
  if (!doc.contains("mapping") || !doc.contains("pins")) {
    return state_error("'mapping' or 'pins' is missing");
  }
  Result<MappingDocument> mapping = parse_mapping_json(doc["mapping"].dump(), "control state");
  if (!mapping.is_ok()) return mapping.status();
  if (version == 2) {
    Result<RoutingSnapshot> routing = decode_snapshot(snapshot);
    if (!routing.is_ok()) return state_error(routing.status().message());
    Placement shell{.fleet = mapping->fleet};
    if (Status st = add_tenants_from(*routing, doc.value("tenants", json::object()), shell);
        !st.is_ok()) {
      return st;
    }
    mapping->tenants = std::move(shell.tenants);
    mapping->mapping = std::move(shell.mapping);
  }
  Result<Placement> placement = placement_from(*mapping);
  if (!placement.is_ok()) return placement.status();
  Result<Mapping> pins = parse_pins(doc["pins"]);
  if (!pins.is_ok()) return pins.status();
  ControlState state{.version = doc.value("routing_version", std::uint64_t{0}),
                     .placement = std::move(placement).value(),
                     .zone_names = mapping->zone_names,
                     .pins = std::move(pins).value(),
                     .next_cell = doc.value("next_cell", std::uint32_t{0}),
                     .next_tenant = doc.value("next_tenant", std::uint32_t{0})};
  // The mapping document keeps capacities on the cells; the fleet-wide default is ours.
  state.placement.options.capacity = doc.value("default_capacity", std::uint32_t{0});
  const json rebalance = doc.value("rebalance", json::object());
  state.rebalance = {.planned = rebalance.value("planned", std::size_t{0}),
                     .applied = rebalance.value("applied", std::size_t{0}),
                     .version = rebalance.value("version", std::uint64_t{0})};
  return state;
}

RoutingSnapshot snapshot_of(const ControlState& s, std::uint64_t version) {
  std::vector<CellId> cells;
  std::vector<CellId> disabled;
  for (const Cell& c : s.placement.fleet.cells()) {
    cells.push_back(c.id);
    if (c.state == CellState::kDisabled) disabled.push_back(c.id);
  }
  RoutingSnapshot snapshot = make_snapshot(version, std::move(cells), s.placement.mapping, s.pins);
  snapshot.disabled = std::move(disabled);
  for (const Cell& c : s.placement.fleet.cells()) {
    snapshot.addresses.push_back({.cell = c.id, .name = c.name, .endpoint = c.endpoint});
  }
  for (const Tenant& t : s.placement.tenants)
    snapshot.tenant_names.emplace_back(t.id, t.name);
  snapshot.allow_empty = allows_empty(s);
  return snapshot;
}

// What diff_snapshots finds between the two snapshot_of: the new tenants' shards and names
// (ids above every other, so appended in order), no pin (a new tenant has none), the same
// cell rows, and the result's flags.
RoutingDelta onboarding_delta(const ControlState& s, std::size_t first, std::uint64_t parent,
                              std::uint64_t version) {
  RoutingDelta delta{.parent = parent,
                     .version = version,
                     .allow_empty = allows_empty(s),
                     .addressed = !s.placement.fleet.empty()};
  const std::vector<Tenant>& tenants = s.placement.tenants;
  for (std::size_t i = first; i < tenants.size(); ++i) {
    delta.shards.add(tenants[i].id, s.placement.mapping.shard(tenants[i].id));
    delta.names.add(tenants[i].id, tenants[i].name);
  }
  return delta;
}

// What diff_snapshots finds between the two snapshot_of: one id in each of unsharded, unnamed
// and (pinned) unpinned, the same cell rows, and the result's flags.
RoutingDelta removal_delta(const ControlState& s, std::size_t at, std::uint64_t parent,
                           std::uint64_t version, std::uint64_t parent_digest) {
  const Tenant& gone = s.placement.tenants[at];
  RoutingDelta delta{.parent = parent,
                     .version = version,
                     .unsharded = {gone.id},
                     .unnamed = {gone.id},
                     .allow_empty = s.placement.tenants.size() == 1 || s.placement.fleet.empty(),
                     .addressed = !s.placement.fleet.empty()};
  ShardLists shards, pins;
  NameList names;
  shards.add(gone.id, s.placement.mapping.shard(gone.id));
  names.add(gone.id, gone.name);
  if (const Shard* pin = s.pins.find_shard(gone.id); pin != nullptr) {
    delta.unpinned = {gone.id};
    pins.add(gone.id, *pin);
  }
  delta.digest = digest_with_removals(parent_digest, shards, pins, names);
  return delta;
}

Status check_state(const ControlState& s) {
  auto refuse = [](const Status& st) { return failed_precondition(st.message()); };
  if (Status st = check_placement(s.placement); !st.is_ok()) return refuse(st);
  if (Status st = RoutingTable::build(snapshot_of(s, s.version + 1)).status(); !st.is_ok()) {
    return refuse(st);
  }
  for (const auto& [tenant, cells] : s.pins) {
    (void)cells;
    if (s.placement.mapping.find_shard(tenant) == nullptr) {
      return failed_precondition(
          fmt::format("pin names tenant {} which does not exist", raw(tenant)));
    }
  }
  if (Status st = check_capacity(s); !st.is_ok()) return st;
  return check_pinned_overlap(s);
}

void drop_tenants_from(ControlState& state, std::size_t first, std::uint32_t next_tenant) {
  std::vector<Tenant>& tenants = state.placement.tenants;
  for (std::size_t i = first; i < tenants.size(); ++i)
    state.placement.mapping.remove(tenants[i].id);
  tenants.erase(tenants.begin() + static_cast<std::ptrdiff_t>(first), tenants.end());
  state.next_tenant = next_tenant;
}

}  // namespace cellkit::live

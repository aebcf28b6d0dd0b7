// Control plane: cell manager, tenant manager and publishing.
#include "cellkit/core/control_plane.h"
#include "cellkit/base/cut.h"

#include <algorithm>

#include <fmt/format.h>

namespace cellkit {
namespace {

Status check_pin(TenantId tenant, const Shard& cells, const Fleet& fleet) {
  if (cells.empty()) return invalid_argument(fmt::format("pin of tenant {} is empty", raw(tenant)));
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!fleet.contains(cells[i])) {
      return not_found(
          fmt::format("pin of tenant {} names unknown cell {}", raw(tenant), raw(cells[i])));
    }
    if (std::find(cells.begin(), cells.begin() + i, cells[i]) != cells.begin() + i) {
      return invalid_argument(
          fmt::format("pin of tenant {} repeats cell {}", raw(tenant), raw(cells[i])));
    }
  }
  return Status::ok();
}

}  // namespace

Result<CellId> CellManager::add_cell(std::string name, ZoneId zone, std::uint32_t capacity) {
  const CellId id{next_id_};
  if (name.empty()) name = fmt::format("cell-{}", raw(id));
  Cell cell{.id = id, .name = std::move(name), .zone = zone, .capacity = capacity};
  if (Status s = fleet_.add(std::move(cell)); !s.is_ok()) return s;
  ++next_id_;
  return id;
}

Status CellManager::set_state(CellId cell, CellState state) {
  Cell* found = fleet_.find_cell(cell);
  if (found == nullptr) return not_found(fmt::format("no cell with id {}", raw(cell)));
  found->state = state;
  return Status::ok();
}

Status CellManager::set_health(CellId cell, bool healthy) {
  Cell* found = fleet_.find_cell(cell);
  if (found == nullptr) return not_found(fmt::format("no cell with id {}", raw(cell)));
  found->healthy = healthy;
  return Status::ok();
}

Status CellManager::remove(CellId cell) {
  return fleet_.remove(cell);
}

TenantManager::TenantManager(std::unique_ptr<PlacementStrategy> strategy)
    : strategy_(std::move(strategy)) {}

Result<TenantId> TenantManager::add_tenant(std::string name, std::uint32_t shard_size,
                                           const Fleet& fleet, Random& random) {
  const TenantId id{next_id_};
  if (name.empty()) name = fmt::format("tenant-{}", raw(id));
  if (names_.count(name) > 0) {
    return already_exists(fmt::format("tenant name '{}' is already taken", cut(name)));
  }
  Tenant tenant{.id = id, .name = std::move(name), .shard_size = shard_size};
  Result<Shard> shard = strategy_->choose(fleet, mapping_, tenant, random);
  if (!shard.is_ok()) return shard.status();
  mapping_.assign(id, std::move(shard).value());
  names_.insert(tenant.name);
  tenants_.push_back(std::move(tenant));
  ++next_id_;
  return id;
}

Status TenantManager::remove_tenant(TenantId tenant) {
  auto it = std::find_if(tenants_.begin(), tenants_.end(),
                         [&](const Tenant& t) { return t.id == tenant; });
  if (it == tenants_.end()) return not_found(fmt::format("no tenant with id {}", raw(tenant)));
  strategy_->forget(tenant, mapping_.shard(tenant));
  names_.erase(it->name);
  mapping_.remove(tenant);
  overrides_.remove(tenant);
  tenants_.erase(it);
  return Status::ok();
}

Status TenantManager::pin(TenantId tenant, Shard cells, const Fleet& fleet) {
  if (find_tenant(tenant) == nullptr) {
    return not_found(fmt::format("no tenant with id {}", raw(tenant)));
  }
  if (Status s = check_pin(tenant, cells, fleet); !s.is_ok()) return s;
  overrides_.assign(tenant, std::move(cells));
  return Status::ok();
}

Status TenantManager::reassign(TenantId tenant, Shard cells, const Fleet& fleet) {
  const Tenant* found = find_tenant(tenant);
  if (found == nullptr) return not_found(fmt::format("no tenant with id {}", raw(tenant)));
  if (Status s = check_pin(tenant, cells, fleet); !s.is_ok()) return s;
  strategy_->forget(tenant, mapping_.shard(tenant));
  strategy_->remember(*found, cells);
  mapping_.assign(tenant, std::move(cells));
  return Status::ok();
}

Status TenantManager::unpin(TenantId tenant) {
  if (!overrides_.remove(tenant)) {
    return not_found(fmt::format("tenant {} is not pinned", raw(tenant)));
  }
  return Status::ok();
}

const Tenant* TenantManager::find_tenant(TenantId tenant) const {
  auto it = std::lower_bound(tenants_.begin(), tenants_.end(), tenant,
                             [](const Tenant& t, TenantId key) { return t.id < key; });
  return (it != tenants_.end() && it->id == tenant) ? &*it : nullptr;
}

ControlPlane::ControlPlane(std::unique_ptr<PlacementStrategy> strategy,
                           SnapshotPublisher& publisher, std::uint64_t seed)
    : tenants_(std::move(strategy)), publisher_(publisher), random_(seed) {}

Result<TenantId> ControlPlane::add_tenant(std::string name, std::uint32_t shard_size) {
  return tenants_.add_tenant(std::move(name), shard_size, cells_.fleet(), random_);
}

Result<CellId> ControlPlane::add_cell(std::string name, ZoneId zone, std::uint32_t capacity) {
  return cells_.add_cell(std::move(name), zone, capacity);
}

Status ControlPlane::set_cell_state(CellId cell, CellState state) {
  return cells_.set_state(cell, state);
}

Status ControlPlane::set_health(CellId cell, bool healthy) {
  return cells_.set_health(cell, healthy);
}

Status ControlPlane::remove_tenant(TenantId tenant) {
  return tenants_.remove_tenant(tenant);
}

Status ControlPlane::pin(TenantId tenant, Shard cells) {
  return tenants_.pin(tenant, std::move(cells), cells_.fleet());
}

Status ControlPlane::unpin(TenantId tenant) {
  return tenants_.unpin(tenant);
}

Status ControlPlane::reassign(TenantId tenant, Shard cells) {
  return tenants_.reassign(tenant, std::move(cells), cells_.fleet());
}

Status ControlPlane::remove_cell(CellId cell) {
  const std::size_t holders =
      tenants_.mapping().tenants_on(cell).size() + tenants_.overrides().tenants_on(cell).size();
  if (holders > 0) {
    return failed_precondition(
        fmt::format("cell {} is still assigned to {} tenant(s); move them before removing it",
                    raw(cell), holders));
  }
  return cells_.remove(cell);
}

RoutingSnapshot ControlPlane::snapshot() const {
  std::vector<CellId> ids;
  std::vector<CellId> disabled;
  for (const Cell& c : cells_.fleet().cells()) {
    ids.push_back(c.id);
    if (c.state == CellState::kDisabled) disabled.push_back(c.id);
  }
  RoutingSnapshot next =
      make_snapshot(version_ + 1, std::move(ids), tenants_.mapping(), tenants_.overrides());
  next.disabled = std::move(disabled);
  // The control plane publishes its own state, and a fleet with no tenant yet (or no cell)
  // is a real state of it, not a truncated transfer.
  next.allow_empty = true;
  return next;
}

std::uint64_t ControlPlane::publish() {
  RoutingSnapshot next = snapshot();
  version_ = next.version;
  publisher_.publish(next);
  return version_;
}

}  // namespace cellkit

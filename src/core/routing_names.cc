// Cell names and endpoints, tenant names and the tenant-name index of a routing table.
#include <algorithm>
#include <charconv>
#include <unordered_set>
#include "cellkit/base/cut.h"

#include <fmt/format.h>

#include "cellkit/base/hash.h"
#include "cellkit/base/host_port.h"
#include "cellkit/core/routing_table.h"
#include "core/name_slots.h"
#include "core/routing_names.h"
#include "core/tenant_chunks.h"
#include "core/tenant_order.h"

namespace cellkit {

bool is_host_port(std::string_view endpoint) {
  const std::optional<HostPort> address = split_host_port(endpoint);
  if (!address || address->port == 0) return false;
  // Only an IPv6 literal in brackets may hold ':'; split_host_port took the brackets off.
  const bool bracketed = address->host.size() != endpoint.rfind(':');
  const std::string& host = address->host;
  return std::none_of(host.begin(), host.end(), [&](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= ' ' || u == 0x7f || c == '/' || c == '[' || c == ']' || (c == ':' && !bracketed);
  });
}

namespace {

// Whether tenants have a shard or a pin, asked in increasing tenant order: one walk of both
// sorted lists (a binary search per name cost a million searches of a million ids).
class ListedTenants {
 public:
  ListedTenants(const ShardLists& shards, const ShardLists& overrides)
      : shards_(shards), overrides_(overrides) {}

  // Requires `tenant` not below the one asked before.
  bool has(TenantId tenant) { return in(shards_, s_, tenant) || in(overrides_, o_, tenant); }

 private:
  static bool in(const ShardLists& lists, std::size_t& at, TenantId tenant) {
    while (at < lists.size() && lists.ids[at] < tenant)
      ++at;
    return at < lists.size() && lists.ids[at] == tenant;
  }

  const ShardLists& shards_;
  const ShardLists& overrides_;
  std::size_t s_ = 0;
  std::size_t o_ = 0;
};

}  // namespace

namespace detail {

Status check_addresses(std::vector<CellAddress>& addresses, const std::vector<CellId>& cells) {
  if (addresses.empty()) return Status::ok();
  std::sort(addresses.begin(), addresses.end(),
            [](const CellAddress& a, const CellAddress& b) { return a.cell < b.cell; });
  std::unordered_set<std::string_view> names;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const CellAddress& a = addresses[i];
    if (i > 0 && addresses[i - 1].cell == a.cell) {
      return data_loss(fmt::format("snapshot gives cell {} two addresses", raw(a.cell)));
    }
    if (!std::binary_search(cells.begin(), cells.end(), a.cell)) {
      return data_loss(fmt::format("snapshot gives an address to unknown cell {}", raw(a.cell)));
    }
    if (a.name.empty()) return data_loss(fmt::format("cell {} has an empty name", raw(a.cell)));
    if (!names.insert(a.name).second) {
      return data_loss(fmt::format("cell name '{}' is used twice", cut(a.name)));
    }
    if (!a.endpoint.empty() && !is_host_port(a.endpoint)) {
      return data_loss(
          fmt::format("cell '{}' has endpoint '{}', not host:port", cut(a.name), cut(a.endpoint)));
    }
  }
  if (addresses.size() != cells.size()) {
    return data_loss(
        fmt::format("snapshot addresses {} of its {} cells; give every cell one or none",
                    addresses.size(), cells.size()));
  }
  return Status::ok();
}

}  // namespace detail

Status RoutingTable::build_names(NameList names) {
  if (names.empty()) return Status::ok();
  if (names.offsets.size() != names.ids.size() + 1 || names.offsets.front() != 0 ||
      names.offsets.back() != names.text.size() ||
      !std::is_sorted(names.offsets.begin(), names.offsets.end())) {
    return data_loss("snapshot's tenant name lists are inconsistent");
  }
  if (!std::is_sorted(names.ids.begin(), names.ids.end())) detail::sort_by_tenant(names);
  ListedTenants shards{shards_, overrides_};
  for (std::size_t i = 0; i < names.size(); ++i) {
    const TenantId tenant = names.ids[i];
    if (i > 0 && names.ids[i - 1] == tenant) {
      return data_loss(fmt::format("tenant {} has two names", raw(tenant)));
    }
    if (!shards.has(tenant)) {
      return data_loss(fmt::format("snapshot names tenant {} ('{}'), which has no shard",
                                   raw(tenant), cut(names.name(i))));
    }
    if (names.name(i).empty()) {
      return data_loss(fmt::format("tenant {} has an empty name", raw(tenant)));
    }
  }
  if (names.size() != tenant_count()) {
    return data_loss(fmt::format("snapshot names {} of its {} tenants; name every tenant or none",
                                 names.size(), tenant_count()));
  }
  NameIndex& index = names_;
  index.list = std::move(names);
  index.slots = detail::name_slots(index.list.size());
  const auto name_of = [&](std::uint32_t i) { return index.list.name(i); };
  const auto count = static_cast<std::uint32_t>(index.list.size());
  detail::NameFiller filler(index.slots, count, name_of);
  for (std::uint32_t i = 0; i < count; ++i) {
    if (const std::optional<std::uint32_t> other = filler.add_next()) {
      return data_loss(fmt::format("tenant name '{}' is used twice (tenants {} and {})",
                                   cut(index.list.name(i)), raw(index.list.ids[*other]),
                                   raw(index.list.ids[i])));
    }
  }
  return Status::ok();
}

std::optional<TenantId> RoutingTable::find_tenant(std::string_view name) const {
  if (name_slots_) {
    return name_slots_->find(name, [&](TenantId tenant) { return tenant_name(tenant); });
  }
  if (names_.list.empty()) {
    std::uint32_t id = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
    if (ec != std::errc{} || end != name.data() + name.size() || name.empty()) return std::nullopt;
    // One name per tenant: "01" is not tenant 1 (two spellings would be two fingerprints
    // for the same request, and a quarantined request could come back as the other).
    if (name.size() > 1 && name.front() == '0') return std::nullopt;
    if (shard_of(TenantId{id}).empty()) return std::nullopt;
    return TenantId{id};
  }
  const std::optional<std::uint32_t> i =
      detail::find_name(names_.slots, name, [&](std::uint32_t n) { return names_.list.name(n); });
  if (!i) return std::nullopt;
  return names_.list.ids[*i];
}

std::string_view RoutingTable::tenant_name(TenantId tenant) const {
  if (!chunks_.empty()) {
    std::uint32_t offset = 0;
    const detail::TenantChunk* chunk = chunk_of(tenant, offset);
    return chunk == nullptr ? std::string_view{} : chunk->name(offset);
  }
  const std::vector<TenantId>& ids = names_.list.ids;
  auto it = std::lower_bound(ids.begin(), ids.end(), tenant);
  if (it == ids.end() || *it != tenant) return {};
  return names_.list.name(static_cast<std::size_t>(it - ids.begin()));
}

const CellAddress* RoutingTable::address_of(CellId cell) const {
  auto it = std::lower_bound(addresses_.begin(), addresses_.end(), cell,
                             [](const CellAddress& a, CellId key) { return a.cell < key; });
  return (it != addresses_.end() && it->cell == cell) ? &*it : nullptr;
}

std::string_view RoutingTable::cell_name(CellId cell) const {
  const CellAddress* a = address_of(cell);
  return a == nullptr ? std::string_view{} : std::string_view(a->name);
}

std::string_view RoutingTable::cell_endpoint(CellId cell) const {
  const CellAddress* a = address_of(cell);
  return a == nullptr ? std::string_view{} : std::string_view(a->endpoint);
}

}  // namespace cellkit

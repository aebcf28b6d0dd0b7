// Cell names and endpoints, tenant names and the tenant-name index of a routing table.
#include <algorithm>
#include <charconv>
#include <unordered_set>

#include <fmt/format.h>

#include "cellkit/base/hash.h"
#include "cellkit/base/host_port.h"
#include "cellkit/core/routing_table.h"
#include "core/routing_names.h"

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
      return data_loss(fmt::format("cell name '{}' is used twice", a.name));
    }
    if (!a.endpoint.empty() && !is_host_port(a.endpoint)) {
      return data_loss(
          fmt::format("cell '{}' has endpoint '{}', not host:port", a.name, a.endpoint));
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

namespace {

// Open addressing with linear probing at load factor <= 1/2.
std::size_t slot_count(std::size_t names) {
  std::size_t n = 16;
  while (n < 2 * names)
    n *= 2;
  return n;
}

}  // namespace

Status RoutingTable::build_names(std::vector<std::pair<TenantId, std::string>> names) {
  if (names.empty()) return Status::ok();
  const auto by_tenant = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(names.begin(), names.end(), by_tenant)) {
    std::sort(names.begin(), names.end(), by_tenant);
  }
  NameIndex& index = names_;
  index.offsets.reserve(names.size() + 1);
  index.ids.reserve(names.size());
  std::size_t text_bytes = 0;
  for (const auto& entry : names)
    text_bytes += entry.second.size();
  index.text.reserve(text_bytes);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& [tenant, name] = names[i];
    if (i > 0 && names[i - 1].first == tenant) {
      return data_loss(fmt::format("tenant {} has two names", raw(tenant)));
    }
    if (find_shard(tenant) == nullptr) {
      return data_loss(
          fmt::format("snapshot names tenant {} ('{}'), which has no shard", raw(tenant), name));
    }
    if (name.empty()) return data_loss(fmt::format("tenant {} has an empty name", raw(tenant)));
    index.offsets.push_back(static_cast<std::uint32_t>(index.text.size()));
    index.text += name;
    index.ids.push_back(tenant);
  }
  index.offsets.push_back(static_cast<std::uint32_t>(index.text.size()));
  if (names.size() != tenant_count()) {
    return data_loss(fmt::format("snapshot names {} of its {} tenants; name every tenant or none",
                                 names.size(), tenant_count()));
  }
  index.slots.assign(slot_count(names.size()), 0);
  const std::size_t mask = index.slots.size() - 1;
  for (std::uint32_t i = 0; i < index.ids.size(); ++i) {
    std::size_t slot = hash64(index.name(i)) & mask;
    while (index.slots[slot] != 0) {
      if (index.name(index.slots[slot] - 1) == index.name(i)) {
        return data_loss(fmt::format("tenant name '{}' is used twice (tenants {} and {})",
                                     index.name(i), raw(index.ids[index.slots[slot] - 1]),
                                     raw(index.ids[i])));
      }
      slot = (slot + 1) & mask;
    }
    index.slots[slot] = i + 1;
  }
  return Status::ok();
}

std::optional<TenantId> RoutingTable::find_tenant(std::string_view name) const {
  if (names_.ids.empty()) {
    std::uint32_t id = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
    if (ec != std::errc{} || end != name.data() + name.size() || name.empty()) return std::nullopt;
    // One name per tenant: "01" is not tenant 1 (two spellings would be two fingerprints
    // for the same request, and a quarantined request could come back as the other).
    if (name.size() > 1 && name.front() == '0') return std::nullopt;
    if (shard_of(TenantId{id}).empty()) return std::nullopt;
    return TenantId{id};
  }
  const std::size_t mask = names_.slots.size() - 1;
  for (std::size_t slot = hash64(name) & mask; names_.slots[slot] != 0; slot = (slot + 1) & mask) {
    const std::uint32_t i = names_.slots[slot] - 1;
    if (names_.name(i) == name) return names_.ids[i];
  }
  return std::nullopt;
}

std::string_view RoutingTable::tenant_name(TenantId tenant) const {
  auto it = std::lower_bound(names_.ids.begin(), names_.ids.end(), tenant);
  if (it == names_.ids.end() || *it != tenant) return {};
  return names_.name(static_cast<std::size_t>(it - names_.ids.begin()));
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

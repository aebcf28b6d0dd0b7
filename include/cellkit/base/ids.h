// Strong identifiers for cells, tenants and zones.
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace cellkit {

// Distinct enum types so that swapping a cell and a tenant argument fails to compile.
enum class CellId : std::uint32_t {};
enum class TenantId : std::uint32_t {};
enum class ZoneId : std::uint16_t {};

// The id caps, here once. Tenant and zone ids use their whole width (zones 0..65535); a
// fleet built from a zone count (place --zones, a scenario's cells.zones) has at most
// kMaxZones zones. Cell ids index dense per-cell tables in placement, so a mapping file's
// ids stop at kMaxCellId.
inline constexpr std::uint32_t kMaxTenantId = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint16_t kMaxZoneId = std::numeric_limits<std::uint16_t>::max();
inline constexpr std::uint32_t kMaxZones = kMaxZoneId;
inline constexpr std::uint32_t kMaxCellId = (1u << 24) - 1;

template <class Id>
concept StrongId =
    std::same_as<Id, CellId> || std::same_as<Id, TenantId> || std::same_as<Id, ZoneId>;

// The integer behind an id, for indexing and printing.
template <StrongId Id>
constexpr std::underlying_type_t<Id> raw(Id id) {
  return static_cast<std::underlying_type_t<Id>>(id);
}

}  // namespace cellkit

// Strong identifiers for cells, tenants and zones.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>

namespace cellkit {

// Distinct enum types so that swapping a cell and a tenant argument fails to compile.
enum class CellId : std::uint32_t {};
enum class TenantId : std::uint32_t {};
enum class ZoneId : std::uint16_t {};

template <class Id>
concept StrongId =
    std::same_as<Id, CellId> || std::same_as<Id, TenantId> || std::same_as<Id, ZoneId>;

// The integer behind an id, for indexing and printing.
template <StrongId Id>
constexpr std::underlying_type_t<Id> raw(Id id) {
  return static_cast<std::underlying_type_t<Id>>(id);
}

}  // namespace cellkit

// An open-addressing index of names kept elsewhere (in a NameList or any list of rows), so a
// million names cost a few bytes each: the tenant-name index of a routing table and the
// mapping reader's duplicate check.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "cellkit/base/hash.h"

namespace cellkit::detail {

// Linear probing at load factor <= 1/2: a slot holds 0 (empty) or a name's index + 1. The
// empty slots for up to `names` names; adding more is a bug (a full table probes forever).
inline std::vector<std::uint32_t> name_slots(std::size_t names) {
  std::size_t n = 16;
  while (n < 2 * names)
    n *= 2;
  return std::vector<std::uint32_t>(n, 0);
}

// The index of the name equal to `name` (name_of(i) gives name i); nullopt when none.
template <class NameOf>
std::optional<std::uint32_t> find_name(const std::vector<std::uint32_t>& slots,
                                       std::string_view name, const NameOf& name_of) {
  if (slots.empty()) return std::nullopt;
  const std::size_t mask = slots.size() - 1;
  for (std::size_t slot = table_hash(name) & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
    if (name_of(slots[slot] - 1) == name) return slots[slot] - 1;
  }
  return std::nullopt;
}

// Asks the CPU to fetch the slot where a probe for `name` starts (a hint; no effect on
// results), for a loop that knows the names it will probe next.
inline void prefetch_slot(const std::vector<std::uint32_t>& slots, std::string_view name) {
  __builtin_prefetch(&slots[table_hash(name) & (slots.size() - 1)]);
}

// Adds name i unless an equal name is there: then returns that one's index and leaves the
// slots as they were.
template <class NameOf>
std::optional<std::uint32_t> add_name(std::vector<std::uint32_t>& slots, std::uint32_t i,
                                      const NameOf& name_of) {
  const std::string_view name = name_of(i);
  const std::size_t mask = slots.size() - 1;
  std::size_t slot = table_hash(name) & mask;
  for (; slots[slot] != 0; slot = (slot + 1) & mask) {
    if (name_of(slots[slot] - 1) == name) return slots[slot] - 1;
  }
  slots[slot] = i + 1;
  return std::nullopt;
}

}  // namespace cellkit::detail

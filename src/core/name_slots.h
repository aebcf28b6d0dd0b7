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

// Linear probing at load factor <= 1/2, over at most 2^31 names. A slot is 0 (empty) or a name:
// its index + 1 in the low bits (those of the table's mask: the index is below the slot count)
// and, in the bits above, a tag of its hash (bits the slot position does not use). A probe
// compares names only when the tags agree, 1 time in 2^(32 - log2 slots) for another name (1 in
// 2,048 at a million names): the names live elsewhere, and each compare is a cache miss.
// The empty slots for up to `names` names; adding more is a bug (a full table probes forever).
inline std::vector<std::uint32_t> name_slots(std::size_t names) {
  std::size_t n = 16;
  while (n < 2 * names)
    n *= 2;
  return std::vector<std::uint32_t>(n, 0);
}

// Where a probe for one name ended: at the slot of the equal name (`found` is its index), or
// at the empty slot where the name would go.
struct SlotProbe {
  std::size_t slot = 0;
  std::uint32_t tag = 0;  // the name's tag, in place (the slot value without the index)
  std::optional<std::uint32_t> found;
};

// The probe for `name`, whose table_hash is `hash` (name_of(i) gives name i). Requires
// non-empty slots.
template <class NameOf>
SlotProbe probe_name(const std::vector<std::uint32_t>& slots, std::uint64_t hash,
                     std::string_view name, const NameOf& name_of) {
  const auto mask = static_cast<std::uint32_t>(slots.size() - 1);
  SlotProbe p{.slot = hash & mask, .tag = static_cast<std::uint32_t>(hash >> 32) & ~mask};
  for (; slots[p.slot] != 0; p.slot = (p.slot + 1) & mask) {
    const std::uint32_t value = slots[p.slot];
    if ((value & ~mask) == p.tag && name_of((value & mask) - 1) == name) {
      p.found = (value & mask) - 1;
      return p;
    }
  }
  return p;
}

// The index of the name equal to `name` (name_of(i) gives name i); nullopt when none.
template <class NameOf>
std::optional<std::uint32_t> find_name(const std::vector<std::uint32_t>& slots,
                                       std::string_view name, const NameOf& name_of) {
  if (slots.empty()) return std::nullopt;
  return probe_name(slots, table_hash(name), name, name_of).found;
}

// Adds name i unless an equal name is there: then returns that one's index and leaves the
// slots as they were.
template <class NameOf>
std::optional<std::uint32_t> add_name(std::vector<std::uint32_t>& slots, std::uint32_t i,
                                      const NameOf& name_of) {
  const std::string_view name = name_of(i);
  const SlotProbe p = probe_name(slots, table_hash(name), name, name_of);
  if (!p.found) slots[p.slot] = p.tag | (i + 1);
  return p.found;
}

// Adds names 0, 1, 2, ... of a list to empty slots, in order, as add_name does; each name
// is hashed once, and the slot of the name kAhead further on is fetched meanwhile. The slots
// are touched in random order: without that, a million names wait on a million cache misses
// one after the other. The slots and name_of must outlive it.
template <class NameOf>
class NameFiller {
 public:
  NameFiller(std::vector<std::uint32_t>& slots, std::uint32_t count, const NameOf& name_of)
      : slots_(slots), count_(count), name_of_(name_of) {
    for (std::uint32_t i = 0; i < kAhead && i < count; ++i)
      fetch(i);
  }

  // Adds the next name (at most `count` in all); returns the index of an equal name already
  // there, and then adds nothing.
  std::optional<std::uint32_t> add_next() {
    const std::uint32_t i = next_++;
    const std::uint64_t hash = hashes_[i % kAhead];
    if (i + kAhead < count_) fetch(i + kAhead);
    const SlotProbe p = probe_name(slots_, hash, name_of_(i), name_of_);
    if (!p.found) slots_[p.slot] = p.tag | (i + 1);
    return p.found;
  }

 private:
  static constexpr std::uint32_t kAhead = 16;

  void fetch(std::uint32_t i) {
    const std::uint64_t hash = table_hash(name_of_(i));
    hashes_[i % kAhead] = hash;
    __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }

  std::vector<std::uint32_t>& slots_;
  std::uint32_t count_;
  const NameOf& name_of_;
  std::uint32_t next_ = 0;
  std::uint64_t hashes_[kAhead] = {};
};

}  // namespace cellkit::detail

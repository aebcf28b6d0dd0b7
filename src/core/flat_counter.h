// FlatCounter<Key>: the flat open-addressing multiset that counts exact keys.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <vector>

namespace cellkit {
namespace detail {

// The finalizer of SplitMix64: spreads packed keys over the table.
constexpr std::uint64_t spread(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A key of two words, for sets of cells packed exactly into 128 bits.
struct WideKey {
  std::uint64_t lo = 0, hi = 0;
  bool operator==(const WideKey&) const = default;
};
constexpr std::uint64_t spread(WideKey k) {
  return spread(k.lo ^ spread(k.hi));
}

}  // namespace detail

// Counts keys compared whole (never by a hash of them): two keys share a count only when
// they are equal. Linear probing at load <= 1/2, backward-shift erase. Flat rather than
// std::unordered_map: at 1,000,000 shards of 4 cells it holds 4,000,000 keys with no node
// allocations. `Key` is regular, and spread(Key) -> std::uint64_t is detail::spread or found
// by argument-dependent lookup.
template <class Key>
class FlatCounter {
 public:
  // Count of the key; 0 when absent.
  std::uint32_t count(const Key& key) const { return slots_.empty() ? 0 : slots_[find(key)].count; }
  void add(const Key& key) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(std::max<std::size_t>(16, slots_.size() * 2));
    Slot& slot = slots_[find(key)];
    if (slot.count == 0) {
      slot.key = key;
      ++size_;
    }
    ++slot.count;
  }
  // Requires count(key) > 0 (asserts).
  void remove(const Key& key);
  std::size_t size() const { return size_; }
  // Makes room for `keys` keys without rehashing.
  void reserve(std::size_t keys) {
    if (keys * 2 > slots_.size()) rehash(std::bit_ceil(keys * 2));
  }
  // Calls f(key, count) for every present key, in slot order (not a reproducible order:
  // callers must only aggregate).
  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.count != 0) f(s.key, s.count);
    }
  }

 private:
  struct Slot {
    Key key{};
    std::uint32_t count = 0;  // 0 = empty slot
  };
  std::size_t home(const Key& key) const {
    using detail::spread;
    return spread(key) & (slots_.size() - 1);
  }
  // The slot of key, or of the empty slot ending its run.
  std::size_t find(const Key& key) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = home(key);
    while (slots_[i].count != 0 && !(slots_[i].key == key))
      i = (i + 1) & mask;
    return i;
  }
  void rehash(std::size_t slots) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(slots, Slot{});
    for (const Slot& s : old) {
      if (s.count != 0) slots_[find(s.key)] = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

template <class Key>
void FlatCounter<Key>::remove(const Key& key) {
  assert(count(key) > 0);
  const std::size_t mask = slots_.size() - 1;
  std::size_t hole = find(key);
  if (--slots_[hole].count > 0) return;
  --size_;
  // Backward-shift deletion: move later members of the run into the hole when their home
  // slot does not lie cyclically in (hole, j], so every key stays reachable without tombstones.
  for (std::size_t j = (hole + 1) & mask; slots_[j].count != 0; j = (j + 1) & mask) {
    const std::size_t h = home(slots_[j].key);
    const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
    if (stays) continue;
    slots_[hole] = slots_[j];
    slots_[j] = Slot{};
    hole = j;
  }
  slots_[hole] = Slot{};
}

}  // namespace cellkit

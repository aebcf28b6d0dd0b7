// Little-endian byte writing shared by the binary codecs (snapshots, deltas): fixed-width
// integers, length-prefixed text, the routing lists, and the trailing xxHash64 of it all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "cellkit/base/hash.h"
#include "cellkit/core/routing_table.h"

namespace cellkit::detail {

class LeWriter {
 public:
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  // The characters as they are (a magic), without a length.
  void chars(std::span<const char> s) {
    for (char c : s)
      bytes_.push_back(static_cast<std::byte>(c));
  }
  void text(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    chars(s);
  }
  void reserve(std::size_t bytes) { bytes_.reserve(bytes); }
  // The bytes written, followed by their xxHash64.
  std::vector<std::byte> finish() {
    u64(hash64(std::span<const std::byte>(bytes_)));
    return std::move(bytes_);
  }

 private:
  void put(std::uint64_t v, int width) {
    for (int i = 0; i < width; ++i)
      bytes_.push_back(static_cast<std::byte>(v >> (8 * i)));
  }
  std::vector<std::byte> bytes_;
};

// The routing lists both codecs write the same way: ids after their count, shard lists
// (tenant, then its cells after their count), tenant names (tenant, then its text).
class ListWriter : public LeWriter {
 public:
  // A range of TenantId or CellId.
  template <class Ids>
  void ids(const Ids& ids) {
    u32(static_cast<std::uint32_t>(ids.size()));
    for (auto id : ids)
      u32(raw(id));
  }
  void entries(const ShardLists& lists) {
    u32(static_cast<std::uint32_t>(lists.size()));
    for (std::size_t i = 0; i < lists.size(); ++i) {
      u32(raw(lists.ids[i]));
      ids(lists.shard(i));
    }
  }
  void names(const NameList& names) {
    u32(static_cast<std::uint32_t>(names.size()));
    for (std::size_t i = 0; i < names.size(); ++i) {
      u32(raw(names.ids[i]));
      text(names.name(i));
    }
  }
};

}  // namespace cellkit::detail

// RoutingSnapshot ⇄ bytes: fixed little-endian layout with a trailing checksum.
#include "cellkit/core/snapshot_codec.h"

#include <array>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "cellkit/base/hash.h"
#include "core/le_writer.h"

namespace cellkit {
namespace {

// The magic's last two characters are the layout's version: 02 adds the flags, cell
// addresses and tenant names after the overrides; 01 ends with the overrides.
constexpr std::array<char, 8> kMagic = {'C', 'K', 'S', 'N', 'A', 'P', '0', '2'};
constexpr std::size_t kVersionAt = 6;
constexpr std::uint32_t kAllowEmpty = 1;

class Writer : public detail::ListWriter {
 public:
  using ListWriter::entries;
  using ListWriter::names;
  void magic() { chars(kMagic); }
  void cells(std::span<const CellId> cells) { ids(cells); }
  void entries(const std::vector<std::pair<TenantId, Shard>>& entries) {
    u32(static_cast<std::uint32_t>(entries.size()));
    for (const auto& [tenant, shard] : entries) {
      u32(raw(tenant));
      cells(shard);
    }
  }
  void addresses(const std::vector<CellAddress>& addresses) {
    u32(static_cast<std::uint32_t>(addresses.size()));
    for (const CellAddress& a : addresses) {
      u32(raw(a.cell));
      text(a.name);
      text(a.endpoint);
    }
  }
  void names(const std::vector<std::pair<TenantId, std::string>>& names) {
    u32(static_cast<std::uint32_t>(names.size()));
    for (const auto& [tenant, name] : names) {
      u32(raw(tenant));
      text(name);
    }
  }
};

// Reads fields in order; the first short read latches an error and yields zeros.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::uint64_t u64() { return get(8); }
  bool cells(std::vector<CellId>& out) {
    const std::uint32_t n = u32();
    if (!fits(n, 4)) return false;
    out.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i)
      out.push_back(CellId{u32()});
    return ok_;
  }
  // Straight into the flat lists, reserved exactly (a first pass counts the cells).
  bool entries(ShardLists& out) {
    const std::uint32_t n = u32();
    if (!fits(n, 8)) return false;
    const std::size_t first = pos_;
    std::uint64_t cell_count = 0;
    for (std::uint32_t i = 0; i < n && ok_; ++i) {
      get(4);
      const std::uint32_t m = u32();
      if (!fits(m, 4)) return false;
      pos_ += 4 * static_cast<std::size_t>(m);
      cell_count += m;
    }
    if (!ok_) return false;
    pos_ = first;
    out.reserve(n, cell_count);
    for (std::uint32_t i = 0; i < n; ++i) {
      out.ids.push_back(TenantId{u32()});
      const std::uint32_t m = u32();
      for (std::uint32_t c = 0; c < m; ++c)
        out.cells.push_back(CellId{u32()});
      out.start.push_back(static_cast<std::uint32_t>(out.cells.size()));
    }
    return ok_;
  }
  bool text(std::string& out) {
    const std::uint32_t n = u32();
    if (!fits(n, 1)) return false;
    out.assign(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  bool addresses(std::vector<CellAddress>& out) {
    const std::uint32_t n = u32();
    if (!fits(n, 12)) return false;
    out.resize(n);
    for (CellAddress& a : out) {
      a.cell = CellId{u32()};
      if (!text(a.name) || !text(a.endpoint)) return false;
    }
    return ok_;
  }
  // Every name into one buffer; the names are the layout's last field, so the bytes left
  // bound their text.
  bool names(NameList& out) {
    const std::uint32_t n = u32();
    if (!fits(n, 8)) return false;
    out.ids.reserve(n);
    out.offsets.reserve(static_cast<std::size_t>(n) + 1);
    out.text.reserve(bytes_.size() - pos_ - 8 * static_cast<std::size_t>(n));
    for (std::uint32_t i = 0; i < n; ++i) {
      const TenantId tenant{u32()};
      const std::uint32_t size = u32();
      if (!fits(size, 1)) return false;
      out.add(tenant, std::string_view(reinterpret_cast<const char*>(bytes_.data() + pos_), size));
      pos_ += size;
    }
    return ok_;
  }
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  // Rejects counts that cannot fit in the bytes left, before reserving memory for them.
  bool fits(std::uint64_t count, std::uint64_t each) {
    if (ok_ && count <= (bytes_.size() - pos_) / each) return true;
    ok_ = false;
    return false;
  }
  std::uint64_t get(std::size_t width) {
    if (!ok_ || bytes_.size() - pos_ < width) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) {
      v |= static_cast<std::uint64_t>(bytes_[pos_ + i]) << (8 * i);
    }
    pos_ += width;
    return v;
  }
  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

Status check_envelope(std::span<const std::byte> bytes) {
  if (bytes.size() < kMagic.size() + 8) {
    return data_loss(fmt::format("snapshot is {} bytes, too short to be one", bytes.size()));
  }
  if (std::memcmp(bytes.data(), kMagic.data(), kVersionAt + 1) != 0 ||
      (bytes[kVersionAt + 1] != std::byte{'1'} && bytes[kVersionAt + 1] != std::byte{'2'})) {
    return data_loss("snapshot does not start with CKSNAP01 or CKSNAP02: not a cellkit snapshot");
  }
  const auto body = bytes.first(bytes.size() - 8);
  Reader tail(bytes.last(8));
  if (tail.u64() != hash64(body)) {
    return data_loss("snapshot checksum does not match its contents: it is corrupt");
  }
  return Status::ok();
}

}  // namespace

namespace {

// One layout for both forms of a snapshot.
template <class Snapshot>
std::vector<std::byte> encode(const Snapshot& snapshot, std::size_t reserve) {
  Writer w;
  w.reserve(reserve);
  w.magic();
  w.u64(snapshot.version);
  w.cells(snapshot.cells);
  w.cells(snapshot.disabled);
  w.entries(snapshot.shards);
  w.entries(snapshot.overrides);
  w.u32(snapshot.allow_empty ? kAllowEmpty : 0);
  w.addresses(snapshot.addresses);
  w.names(snapshot.tenant_names);
  return w.finish();
}

}  // namespace

std::vector<std::byte> encode_snapshot(const RoutingSnapshot& snapshot) {
  return encode(snapshot, 0);
}

std::vector<std::byte> encode_snapshot(const FlatSnapshot& snapshot) {
  const std::size_t entries = snapshot.shards.size() + snapshot.overrides.size();
  const std::size_t cells = snapshot.shards.cells.size() + snapshot.overrides.cells.size();
  return encode(snapshot, 64 + 8 * entries + 4 * cells + 8 * snapshot.tenant_names.size() +
                              snapshot.tenant_names.text.size());
}

Result<FlatSnapshot> decode_flat_snapshot(std::span<const std::byte> bytes) {
  if (Status s = check_envelope(bytes); !s.is_ok()) return s;
  Reader r(bytes.subspan(kMagic.size(), bytes.size() - kMagic.size() - 8));
  FlatSnapshot snapshot;
  snapshot.version = r.u64();
  bool read = r.cells(snapshot.cells) && r.cells(snapshot.disabled) && r.entries(snapshot.shards) &&
              r.entries(snapshot.overrides);
  if (read && bytes[kVersionAt + 1] == std::byte{'2'}) {
    const std::uint32_t flags = r.u32();
    snapshot.allow_empty = (flags & kAllowEmpty) != 0;
    read = (flags & ~kAllowEmpty) == 0 && r.addresses(snapshot.addresses) &&
           r.names(snapshot.tenant_names);
  }
  if (!read || !r.ok() || !r.at_end()) {
    return data_loss("snapshot layout is inconsistent with its counts: it is corrupt");
  }
  return snapshot;
}

Result<RoutingSnapshot> decode_snapshot(std::span<const std::byte> bytes) {
  Result<FlatSnapshot> flat = decode_flat_snapshot(bytes);
  if (!flat.is_ok()) return flat.status();
  return expand(*flat);
}

}  // namespace cellkit

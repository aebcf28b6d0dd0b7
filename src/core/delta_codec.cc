// RoutingDelta ⇄ bytes: fixed little-endian layout with a trailing checksum; the decoder
// names the byte and field of the first inconsistency.
#include "cellkit/core/delta_codec.h"

#include <array>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "cellkit/base/hash.h"
#include "core/le_writer.h"

namespace cellkit {
namespace {

constexpr std::array<char, 8> kMagic = {'C', 'K', 'D', 'E', 'L', 'T', '0', '1'};
constexpr std::uint32_t kAllowEmpty = 1;
constexpr std::uint32_t kAddressed = 2;
constexpr std::uint32_t kDisabled = 1;

class Writer : public detail::ListWriter {
 public:
  void cells(const std::vector<CellChange>& cells) {
    u32(static_cast<std::uint32_t>(cells.size()));
    for (const CellChange& c : cells) {
      u32(raw(c.cell));
      u32(c.disabled ? kDisabled : 0);
      text(c.name);
      text(c.endpoint);
    }
  }
};

// Reads fields in order. The first inconsistency latches an error naming its byte offset
// and the field being read; later reads yield zeros.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes), pos_(kMagic.size()) {}

  Reader& field(const char* name) {
    field_ = name;
    return *this;
  }
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::uint64_t u64() { return get(8); }
  // A count of items of at least `each` bytes: refused when the bytes left cannot hold it.
  std::uint32_t count(std::size_t each) {
    const std::size_t at = pos_;
    const std::uint32_t n = u32();
    if (ok() && n > (bytes_.size() - pos_) / each) {
      fail(at, fmt::format("{} entries cannot fit in the {} bytes left", n, bytes_.size() - pos_));
      return 0;
    }
    return n;
  }
  template <class Id>
  void ids(std::vector<Id>& out) {
    const std::uint32_t n = count(4);
    out.reserve(n);
    for (std::uint32_t i = 0; i < n && ok(); ++i)
      out.push_back(Id{u32()});
  }
  void entries(ShardLists& out) {
    const std::uint32_t n = count(8);
    for (std::uint32_t i = 0; i < n && ok(); ++i) {
      const TenantId tenant{u32()};
      const std::uint32_t m = count(4);
      out.ids.push_back(tenant);
      for (std::uint32_t c = 0; c < m && ok(); ++c)
        out.cells.push_back(CellId{u32()});
      out.start.push_back(static_cast<std::uint32_t>(out.cells.size()));
    }
  }
  std::string_view text() {
    const std::uint32_t n = count(1);
    if (!ok()) return {};
    const std::string_view s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  void names(NameList& out) {
    const std::uint32_t n = count(8);
    for (std::uint32_t i = 0; i < n && ok(); ++i) {
      const TenantId tenant{u32()};
      const std::string_view name = text();
      if (ok()) out.add(tenant, name);
    }
  }
  void cells(std::vector<CellChange>& out) {
    const std::uint32_t n = count(16);
    for (std::uint32_t i = 0; i < n && ok(); ++i) {
      CellChange c{.cell = CellId{u32()}};
      const std::size_t at = pos_;
      const std::uint32_t flags = u32();
      if (ok() && (flags & ~kDisabled) != 0)
        fail(at, fmt::format("unknown cell flags {:#x}", flags));
      c.disabled = (flags & kDisabled) != 0;
      c.name = text();
      c.endpoint = text();
      out.push_back(std::move(c));
    }
  }
  void fail(std::size_t at, std::string what) {
    if (ok()) error_ = fmt::format("delta byte {} ({}): {}", at, field_, what);
  }
  bool ok() const { return error_.empty(); }
  std::size_t pos() const { return pos_; }
  const std::string& error() const { return error_; }

 private:
  std::uint64_t get(std::size_t width) {
    if (!ok()) return 0;
    if (bytes_.size() - pos_ < width) {
      fail(pos_, fmt::format("{} bytes needed, {} left", width, bytes_.size() - pos_));
      return 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i)
      v |= static_cast<std::uint64_t>(bytes_[pos_ + i]) << (8 * i);
    pos_ += width;
    return v;
  }
  std::span<const std::byte> bytes_;
  std::size_t pos_;
  const char* field_ = "header";
  std::string error_;
};

Status check_envelope(std::span<const std::byte> bytes) {
  if (bytes.size() < kMagic.size() + 8) {
    return data_loss(fmt::format("delta is {} bytes, too short to be one", bytes.size()));
  }
  if (std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    return data_loss("delta does not start with CKDELT01: not a cellkit delta");
  }
  std::uint64_t checksum = 0;
  for (std::size_t i = 0; i < 8; ++i)
    checksum |= static_cast<std::uint64_t>(bytes[bytes.size() - 8 + i]) << (8 * i);
  if (checksum != hash64(bytes.first(bytes.size() - 8))) {
    return data_loss("delta checksum does not match its contents: it is corrupt");
  }
  return Status::ok();
}

void read_body(Reader& r, RoutingDelta& d) {
  d.parent = r.u64();
  d.version = r.u64();
  const std::size_t flags_at = r.pos();
  const std::uint32_t flags = r.u32();
  if (r.ok() && (flags & ~(kAllowEmpty | kAddressed)) != 0) {
    r.fail(flags_at, fmt::format("unknown flags {:#x}", flags));
  }
  d.allow_empty = (flags & kAllowEmpty) != 0;
  d.addressed = (flags & kAddressed) != 0;
  d.digest = r.u64();
  r.field("shards").entries(d.shards);
  r.field("unsharded").ids(d.unsharded);
  r.field("pins").entries(d.pins);
  r.field("unpinned").ids(d.unpinned);
  r.field("names").names(d.names);
  r.field("unnamed").ids(d.unnamed);
  r.field("cells").cells(d.cells);
  r.field("removed cells").ids(d.removed_cells);
}

}  // namespace

bool is_encoded_delta(std::span<const std::byte> bytes) {
  return bytes.size() >= 6 && std::memcmp(bytes.data(), kMagic.data(), 6) == 0;
}

std::vector<std::byte> encode_delta(const RoutingDelta& d) {
  Writer w;
  w.chars(kMagic);
  w.u64(d.parent);
  w.u64(d.version);
  w.u32((d.allow_empty ? kAllowEmpty : 0) | (d.addressed ? kAddressed : 0));
  w.u64(d.digest);
  w.entries(d.shards);
  w.ids(d.unsharded);
  w.entries(d.pins);
  w.ids(d.unpinned);
  w.names(d.names);
  w.ids(d.unnamed);
  w.cells(d.cells);
  w.ids(d.removed_cells);
  return w.finish();
}

Result<RoutingDelta> decode_delta(std::span<const std::byte> bytes) {
  if (Status s = check_envelope(bytes); !s.is_ok()) return s;
  Reader r(bytes.first(bytes.size() - 8));
  RoutingDelta d;
  read_body(r, d);
  if (r.ok() && r.pos() != bytes.size() - 8) {
    r.field("end");
    r.fail(r.pos(), fmt::format("{} bytes follow the last field", bytes.size() - 8 - r.pos()));
  }
  if (!r.ok()) return data_loss(r.error());
  return d;
}

}  // namespace cellkit

// Snapshot files: detect the form, decode, and persist durably.
#include "cellkit/live/snapshot_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "cellkit/core/snapshot_codec.h"
#include "cellkit/io/mapping_file.h"
#include "cellkit/io/routing_snapshot.h"

namespace cellkit::live {
namespace {

constexpr std::string_view kCodecMagic = "CKSNAP";

// fsync of the directory holding `path`, so the rename itself survives a power cut.
Status sync_directory(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? std::string(".")
                          : slash == 0               ? std::string("/")
                                                     : path.substr(0, slash);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return failed_precondition(fmt::format("cannot open '{}': {}", dir, std::strerror(errno)));
  const bool synced = ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!synced)
    return failed_precondition(fmt::format("cannot sync '{}': {}", dir, std::strerror(error)));
  return Status::ok();
}

}  // namespace

namespace {

// Decodes an encoded snapshot (either form) or reads a mapping JSON document (from_mapping).
template <class Snapshot, class Decode, class FromMapping>
Result<Snapshot> parse_as(std::string_view bytes, std::string_view name, const Decode& decode,
                          const FromMapping& from_mapping) {
  if (bytes.starts_with(kCodecMagic)) {
    Result<Snapshot> decoded = decode(std::as_bytes(std::span(bytes)));
    if (!decoded.is_ok()) {
      return Status(decoded.status().code(),
                    fmt::format("{}: {}", name, decoded.status().message()));
    }
    return decoded;
  }
  const auto first = bytes.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || bytes[first] != '{') {
    return invalid_argument(fmt::format(
        "{}: neither a cellkit snapshot (CKSNAP...) nor a mapping JSON document", name));
  }
  return from_mapping(bytes, name);
}

}  // namespace

Result<RoutingSnapshot> parse_snapshot(std::string_view bytes, std::string_view name) {
  return parse_as<RoutingSnapshot>(
      bytes, name, [](std::span<const std::byte> b) { return decode_snapshot(b); },
      [](std::string_view text, std::string_view source) -> Result<RoutingSnapshot> {
        Result<MappingDocument> doc = parse_mapping_json(text, source);
        if (!doc.is_ok()) return doc.status();
        return routing_snapshot_of(*doc);
      });
}

Result<FlatSnapshot> parse_flat_snapshot(std::string_view bytes, std::string_view name) {
  return parse_as<FlatSnapshot>(
      bytes, name, [](std::span<const std::byte> b) { return decode_flat_snapshot(b); },
      [](std::string_view text, std::string_view source) {
        return parse_routing_snapshot_json(text, source);
      });
}

Result<RoutingSnapshot> load_snapshot_file(const std::string& path) {
  Result<std::string> text = read_file(path);
  if (!text.is_ok()) return text.status();
  return parse_snapshot(*text, path);
}

Result<FlatSnapshot> load_flat_snapshot_file(const std::string& path) {
  Result<std::string> text = read_file(path);
  if (!text.is_ok()) return text.status();
  return parse_flat_snapshot(*text, path);
}

Status save_snapshot_file(const std::string& path, const RoutingSnapshot& snapshot) {
  return save_snapshot_bytes(path, encode_snapshot(snapshot));
}

Status save_snapshot_bytes(const std::string& path, std::span<const std::byte> bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (Status s = write_file_atomically(path, text); !s.is_ok()) return s;
  return sync_directory(path);
}

}  // namespace cellkit::live

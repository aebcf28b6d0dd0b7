// Delta chains framed in one body (store.h), and the router's delta log: such a chain,
// appended and fsynced.
#include "cellkit/live/delta_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cellkit/live/store.h"

namespace cellkit::live {
namespace {

constexpr std::string_view kMagic = "CKCHAIN1";

Status io_failure(std::string_view what, const std::string& path) {
  return failed_precondition(fmt::format("cannot {} {}: {}", what, path, std::strerror(errno)));
}

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_failure("append to", path);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::ok();
}

void put_frame(std::string& out, std::string_view delta) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<char>(static_cast<std::uint32_t>(delta.size()) >> (8 * i)));
  out += delta;
}

// The whole frames after the magic, into `out`; returns where the last whole one ends.
std::size_t read_frames(std::string_view body, std::vector<std::string>& out) {
  std::size_t at = kMagic.size();
  while (body.size() - at >= 4) {
    std::uint32_t size = 0;
    for (int i = 0; i < 4; ++i)
      size |= static_cast<std::uint32_t>(static_cast<unsigned char>(body[at + i])) << (8 * i);
    if (body.size() - at - 4 < size) break;
    out.emplace_back(body.substr(at + 4, size));
    at += 4 + size;
  }
  return at;
}

}  // namespace

std::string frame_deltas(std::span<const std::string> deltas) {
  std::string out(kMagic);
  for (const std::string& d : deltas)
    put_frame(out, d);
  return out;
}

bool is_framed_deltas(std::string_view body) {
  return body.starts_with(kMagic);
}

Result<std::vector<std::string>> unframe_deltas(std::string_view body) {
  if (!is_framed_deltas(body)) return data_loss("delta chain does not start with CKCHAIN1");
  std::vector<std::string> out;
  if (const std::size_t end = read_frames(body, out); end != body.size()) {
    return data_loss(fmt::format("delta chain byte {}: a frame is cut short", end));
  }
  if (out.empty()) return data_loss("delta chain holds no delta");
  return out;
}

std::vector<std::string> DeltaLog::read() {
  count_ = bytes_ = end_ = 0;
  std::ifstream in(path_, std::ios::binary);
  if (!in) return {};
  std::ostringstream content;
  content << in.rdbuf();
  const std::string text = std::move(content).str();
  std::vector<std::string> out;
  if (!is_framed_deltas(text)) return out;  // the next append starts the file over
  const std::size_t end = read_frames(text, out);
  // A tail torn by a crash was never acknowledged: cut it, so appends follow whole frames.
  if (end != text.size() && ::truncate(path_.c_str(), static_cast<off_t>(end)) != 0) return {};
  count_ = out.size();
  for (const std::string& d : out)
    bytes_ += d.size();
  end_ = out.empty() ? 0 : end;
  return out;
}

Status DeltaLog::keep(std::span<const std::string> frames) {
  if (frames.empty()) return clear();
  if (frames.size() == count_) return Status::ok();
  std::size_t end = kMagic.size(), bytes = 0;
  for (const std::string& d : frames) {
    end += 4 + d.size();
    bytes += d.size();
  }
  if (::truncate(path_.c_str(), static_cast<off_t>(end)) != 0) return io_failure("cut", path_);
  count_ = frames.size();
  bytes_ = bytes;
  end_ = end;
  return Status::ok();
}

bool DeltaLog::has_room(std::size_t count, std::size_t bytes) const {
  return count_ + count <= kChainLinks && bytes_ + bytes <= kChainBytes;
}

Status DeltaLog::append(std::span<const std::vector<std::byte>> deltas) {
  // The first delta starts the file over (whatever was there is not counted).
  const bool fresh = count_ == 0;
  std::string bytes = fresh ? std::string(kMagic) : std::string();
  for (const std::vector<std::byte>& d : deltas)
    put_frame(bytes, std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
  const int fd =
      ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (fresh ? O_TRUNC : 0), 0644);
  if (fd < 0) return io_failure("open", path_);
  const off_t end = static_cast<off_t>(fresh ? 0 : end_);
  // Whatever follows the acknowledged frames (a failed append's bytes) is cut first.
  Status s = ::ftruncate(fd, end) == 0 && ::lseek(fd, end, SEEK_SET) == end
                 ? Status::ok()
                 : io_failure("cut", path_);
  if (s.is_ok()) s = write_all(fd, bytes, path_);
  if (s.is_ok() && ::fdatasync(fd) != 0) s = io_failure("fsync", path_);
  if (!s.is_ok() && ::ftruncate(fd, end) != 0) {
    // The next append cuts it again; nothing more to do here.
  }
  ::close(fd);
  if (!s.is_ok()) return s;
  count_ += deltas.size();
  for (const std::vector<std::byte>& d : deltas)
    bytes_ += d.size();
  end_ = static_cast<std::size_t>(end) + bytes.size();
  return Status::ok();
}

Status DeltaLog::clear() {
  count_ = bytes_ = end_ = 0;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  if (ec) return failed_precondition(fmt::format("cannot remove {}: {}", path_, ec.message()));
  return Status::ok();
}

}  // namespace cellkit::live

// The embedded store: a directory per fleet. Writes are atomic (temp file, fsync, rename,
// fsync of the directory), a publication's in four fsyncs; the pointer's version is its
// revision; an exclusive flock on `lock` is the leadership, so two control planes cannot
// both write.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <span>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "cellkit/base/cut.h"
#include "stores.h"

namespace cellkit::live {
namespace {

namespace fs = std::filesystem;

Status io_failure(std::string_view what, const fs::path& path) {
  return failed_precondition(
      fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(errno)));
}

enum class Durability {
  kFsynced,  // survives a power cut once written
  kVolatile  // atomic for readers while the machine runs; a power cut may lose or truncate
             // it: for leased records that are rewritten anyway and skipped when unreadable
};

// A temp name beside `path` that no other writer takes: the pid, a counter and random bytes,
// since a restarted process may have the pid of the one before it (PID 1 in a container)
// and left its temp files behind.
fs::path temp_path(const fs::path& path) {
  static std::atomic<std::uint64_t> counter{0};
  return path.string() +
         fmt::format(".tmp.{}.{}.{:08x}", ::getpid(), counter++, std::random_device{}());
}

// Removes a temp file when the write it belongs to fails before its rename.
class TempFile {
 public:
  explicit TempFile(fs::path path) : path_(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const fs::path& path() const { return path_; }
  void renamed() { path_.clear(); }

 private:
  fs::path path_;
};

// The file operations whose order makes a write durable, each announced to the test seam
// (FileStepHook) before it is done.
class Disk {
 public:
  explicit Disk(FileStepHook hook) : hook_(std::move(hook)) {}

  // A new temp file beside `path` holding `pieces`, created exclusively (a leftover under
  // the name drawn is never written through: another name is drawn); removed when writing
  // it fails.
  Result<fs::path> write_temp(const fs::path& path,
                              std::span<const std::string_view> pieces) const {
    for (int attempt = 1;; ++attempt) {
      const fs::path name = temp_path(path);
      if (!allowed("write", name)) return io_failure("write", name);
      const int fd =
          ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0 && errno == EEXIST && attempt < 8) continue;
      if (fd < 0) return io_failure("create", name);
      TempFile temp(name);
      bool written = true;
      for (std::string_view piece : pieces) {
        while (written && !piece.empty()) {
          const ssize_t n = ::write(fd, piece.data(), piece.size());
          if (n < 0 && errno == EINTR) continue;
          written = n > 0;
          if (written) piece.remove_prefix(static_cast<std::size_t>(n));
        }
      }
      const int error = errno;
      ::close(fd);
      errno = error;
      if (!written) return io_failure("write", name);
      temp.renamed();
      return name;
    }
  }
  Status fsync(const fs::path& path, int flags = O_RDONLY) const {
    if (!allowed("fsync", path)) return io_failure("fsync", path);
    const int fd = ::open(path.c_str(), flags);
    if (fd < 0) return io_failure("open", path);
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return io_failure("fsync", path);
    return Status::ok();
  }
  Status fsync_dir(const fs::path& dir) const { return fsync(dir, O_RDONLY | O_DIRECTORY); }
  Status rename(const fs::path& from, const fs::path& to) const {
    if (!allowed("rename", to) || ::rename(from.c_str(), to.c_str()) != 0)
      return io_failure("rename onto", to);
    return Status::ok();
  }
  // Creates `dir` and its missing parents, fsyncing each new one's parent: a directory made
  // for a publication's files must outlive a power cut as they do.
  Status make_dirs(const fs::path& dir) const {
    if (dir.empty() || fs::is_directory(dir)) return Status::ok();
    if (Status s = make_dirs(dir.parent_path()); !s.is_ok()) return s;
    if (!allowed("mkdir", dir)) return io_failure("create", dir);
    std::error_code ec;
    if (!fs::create_directory(dir, ec) && ec)
      return failed_precondition(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    return fsync_dir(dir.has_parent_path() ? dir.parent_path() : fs::path("."));
  }

  // Temp file in the same directory, rename over the target: a reader sees the old content
  // or the new, never a torn file. kFsynced also fsyncs the file before the rename and the
  // directory after, so that holds across a power cut too. The temp file is removed when a
  // step before the rename fails.
  Status atomic_write(const fs::path& path, std::span<const std::string_view> pieces,
                      Durability durability = Durability::kFsynced) const {
    Result<fs::path> written = write_temp(path, pieces);
    if (!written.is_ok()) return written.status();
    TempFile temp(std::move(written).value());
    const bool fsynced = durability == Durability::kFsynced;
    if (fsynced) {
      if (Status s = fsync(temp.path()); !s.is_ok()) return s;
    }
    if (Status s = rename(temp.path(), path); !s.is_ok()) return s;
    temp.renamed();
    if (!fsynced) return Status::ok();
    return fsync_dir(path.parent_path());
  }
  Status atomic_write(const fs::path& path, std::string_view bytes,
                      Durability durability = Durability::kFsynced) const {
    return atomic_write(path, std::span(&bytes, 1), durability);
  }

 private:
  FileStepHook hook_;

  bool allowed(std::string_view step, const fs::path& path) const {
    if (!hook_ || hook_(step, path)) return true;
    errno = EIO;
    return false;
  }
};

// The whole file, or nullopt when it does not exist.
Result<std::optional<std::string>> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::optional<std::string>();
    return io_failure("read", path);
  }
  std::ostringstream content;
  content << in.rdbuf();
  return std::optional<std::string>(std::move(content).str());
}

// Which end of a publication's file (pub/) a blob is: its routing blob first, its state last.
enum class Part { kHead, kTail };

// `bytes` bytes from the head or the tail of the file (all of it when it is shorter, so that
// the check against the pointer names its size), or nullopt when it does not exist.
Result<std::optional<std::string>> read_part(const fs::path& path, std::uint64_t bytes, Part part) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    if (errno == ENOENT) return std::optional<std::string>();
    return io_failure("read", path);
  }
  const auto size = static_cast<std::uint64_t>(in.tellg());
  const std::uint64_t take = std::min(size, bytes);
  in.seekg(static_cast<std::streamoff>(part == Part::kTail ? size - take : 0));
  std::string out(take, '\0');
  if (!in.read(out.data(), static_cast<std::streamsize>(take))) return io_failure("read", path);
  return std::optional<std::string>(std::move(out));
}

bool safe_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

class FileStore final : public Store {
 public:
  FileStore(fs::path root, const StoreOptions& options, FileStepHook hook)
      : spec_("file:" + root.string()),
        dir_(root / options.fleet),
        options_(options),
        disk_(std::move(hook)),
        ledger_(std::chrono::seconds(options.lease_seconds)) {}
  ~FileStore() override { resign(); }

  std::string describe() const override { return spec_; }

  Result<PointerRead> read_pointer() override {
    Result<std::optional<std::string>> text = read_file(dir_ / "current");
    if (!text.is_ok()) return text.status();
    if (!text->has_value()) return PointerRead{};
    Result<Pointer> pointer = parse_pointer(**text);
    if (!pointer.is_ok()) return pointer.status();
    const auto revision = static_cast<std::int64_t>(pointer->version);
    return PointerRead{
        .pointer = std::move(pointer).value(), .revision = revision, .store_revision = revision};
  }

  // A format-2 pointer's snapshot is its base changed by its deltas.
  Result<std::string> read_snapshot(const Pointer& p) override {
    return read_whole(p, routing_blob());
  }
  Result<std::vector<std::string>> read_deltas(const Pointer& p, std::uint64_t after) override {
    return read_chain(p, after, routing_blob());
  }
  Result<std::string> read_state(const Pointer& p) override {
    if (p.publication.empty()) {  // a store written before pub/
      return read_blob("state", {}, dir_ / "state" / (blob_name(p.version, p.state) + ".json"),
                       p.state, Part::kTail);
    }
    return read_blob("state", dir_ / "pub" / p.publication, {}, p.state, Part::kTail);
  }

  Result<PublishReply> publish(const Publication& publication, std::int64_t expected) override {
    if (lock_fd_ < 0) return PublishReply{.outcome = PublishOutcome::kNotLeader};
    Result<PointerRead> current = read_pointer();
    if (!current.is_ok()) return current.status();
    if (current->revision != expected) return PublishReply{.outcome = PublishOutcome::kConflict};
    if (publication.version <= current->pointer.version) {
      return invalid_argument(fmt::format("version {} is not newer than the published {}",
                                          publication.version, current->pointer.version));
    }
    // The parent is the pointer just read, under the lock.
    if (Status s = check_whole_given(publication, current->pointer); !s.is_ok()) return s;
    Pointer pointer = next_pointer(publication, current->pointer);
    const bool by_delta =
        !pointer.deltas.empty() && pointer.deltas.back().version == pointer.version;
    const std::vector<std::byte>& stored = by_delta ? publication.delta : publication.snapshot;
    pointer.publication =
        publication_file(pointer.version, by_delta ? pointer.deltas.back().blob : pointer.snapshot);
    // Four fsyncs, each needed for "after a power cut the store reads the old version or
    // the new one whole, and never an older one than it answered": the publication's file
    // and its directory so the pointer never names a missing or torn blob; the pointer's temp file
    // before its rename, or a power cut may leave `current` empty (ext4 flushes a file renamed over
    // another first, a promise other file systems do not make); the directory after the rename,
    // before answering, or a power cut may bring back the old pointer after routers served the new
    // version (and the next writer would reuse its number for other content).
    const std::string_view pieces[] = {as_view(stored), publication.state};
    if (Status s = disk_.make_dirs(dir_ / "pub"); !s.is_ok()) return s;
    if (Status s = disk_.atomic_write(dir_ / "pub" / pointer.publication, pieces); !s.is_ok())
      return s;
    if (Status s = disk_.atomic_write(dir_ / "current", pointer_json(pointer)); !s.is_ok())
      return s;
    return published(pointer);
  }

  // A content-named file: safe beside any other call (the pointer does not move).
  Result<BlobRef> write_base(std::uint64_t version, std::span<const std::byte> snapshot) override {
    const std::string_view bytes(reinterpret_cast<const char*>(snapshot.data()), snapshot.size());
    const BlobRef ref = blob_ref(bytes);
    if (Status s = disk_.make_dirs(dir_ / "snap"); !s.is_ok()) return s;
    const fs::path path = dir_ / "snap" / (blob_name(version, ref) + ".bin");
    if (Status s = disk_.atomic_write(path, bytes); !s.is_ok()) return s;
    return ref;
  }

  Result<PublishReply> rebase(const Pointer& expected_pointer, std::uint64_t base_version,
                              const BlobRef& base, std::int64_t expected) override {
    if (lock_fd_ < 0) return PublishReply{.outcome = PublishOutcome::kNotLeader};
    Result<PointerRead> current = read_pointer();
    if (!current.is_ok()) return current.status();
    const std::optional<Pointer> pointer = rebased_pointer(current->pointer, base_version, base);
    if (current->revision != expected || current->pointer != expected_pointer || !pointer) {
      return PublishReply{.outcome = PublishOutcome::kConflict};
    }
    if (Status s = disk_.atomic_write(dir_ / "current", pointer_json(*pointer)); !s.is_ok())
      return s;
    return published(*pointer);
  }

  Result<WatchEnd> watch_pointer(std::int64_t revision,
                                 std::chrono::steady_clock::time_point deadline) override {
    // A directory has no change feed we can rely on everywhere; polling the small pointer
    // file every 50 ms is cheap and bounded.
    for (;;) {
      if (interrupted_) return failed_precondition(fmt::format("{}: interrupted", spec_));
      Result<PointerRead> current = read_pointer();
      if (!current.is_ok()) return current.status();
      if (current->revision != revision) return WatchEnd::kChanged;
      if (std::chrono::steady_clock::now() >= deadline) return WatchEnd::kDeadline;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // A report's lease is its file's modification time: an unchanged report only touches the
  // file (no write, no fsync); a missing file is written again.
  Status report(const RouterReport& report) override {
    if (!safe_name(report.router)) {
      return invalid_argument(fmt::format(
          "router id '{}' must be 1-128 characters of A-Z a-z 0-9 - _ . :", cut(report.router)));
    }
    const fs::path path = dir_ / "routers" / (report.router + ".json");
    auto touch = [&path](std::int64_t) {
      std::error_code ec;
      fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
      return !ec;
    };
    auto write = [&](const RouterReport& r, std::int64_t) -> Result<std::int64_t> {
      if (Status s = disk_.make_dirs(dir_ / "routers"); !s.is_ok()) return s;
      // A report is leased: it needs no fsync, and its two fsyncs would delay the next
      // publication (reports through the control API share its store handle).
      if (Status s = disk_.atomic_write(path, report_json(r), Durability::kVolatile); !s.is_ok())
        return s;
      return std::int64_t{0};
    };
    return ledger_.report(report, touch, write);
  }

  Result<std::vector<RouterReport>> reports() override;
  Result<Leadership> campaign(const std::string& address) override;
  Result<std::vector<std::uint64_t>> stored_versions() override;
  Status delete_version(std::uint64_t version) override;

  void interrupt() override { interrupted_ = true; }

  void resign() override {
    if (lock_fd_ < 0) return;
    ::close(lock_fd_);  // closing the descriptor releases the flock
    lock_fd_ = -1;
  }

 private:
  std::string spec_;
  fs::path dir_;
  StoreOptions options_;
  Disk disk_;
  int lock_fd_ = -1;
  std::atomic<bool> interrupted_{false};  // set by interrupt(), from another thread
  ReportLedger ledger_;                   // the routers' reports this handle wrote

  std::vector<fs::path> blob_files(std::optional<std::uint64_t> only) const;

  // A blob the pointer names, `part` of the publication file `in_pub` holding it, else (a
  // base, or a store written before pub/) its own file `own`; either may be empty (none).
  Result<std::string> read_blob(std::string_view what, const fs::path& in_pub, const fs::path& own,
                                const BlobRef& ref, Part part) {
    if (!in_pub.empty()) {
      Result<std::optional<std::string>> bytes = read_part(in_pub, ref.bytes, part);
      if (!bytes.is_ok()) return bytes.status();
      if (bytes->has_value()) {
        if (Status s = check_blob(in_pub.string(), **bytes, ref); !s.is_ok()) return s;
        return std::move(**bytes);
      }
      if (own.empty()) return data_loss(fmt::format("{} {} is missing", what, in_pub.string()));
    }
    Result<std::optional<std::string>> bytes = read_file(own);
    if (!bytes.is_ok()) return bytes.status();
    if (!bytes->has_value()) {
      if (in_pub.empty()) return data_loss(fmt::format("{} {} is missing", what, own.string()));
      return data_loss(
          fmt::format("{} is in neither {} nor {}", what, in_pub.string(), own.string()));
    }
    if (Status s = check_blob(own.string(), **bytes, ref); !s.is_ok()) return s;
    return std::move(**bytes);
  }

  ReadRoutingBlob routing_blob() {
    return [this](std::string_view kind, std::uint64_t version, const BlobRef& ref) {
      return read_blob(kind == "snap" ? "snapshot" : kind,
                       dir_ / "pub" / publication_file(version, ref),
                       dir_ / kind / (blob_name(version, ref) + ".bin"), ref, Part::kHead);
    };
  }
  // The pointer's version is its revision here.
  static PublishReply published(const Pointer& pointer) {
    return {.outcome = PublishOutcome::kPublished,
            .revision = static_cast<std::int64_t>(pointer.version)};
  }
  static std::string_view as_view(const std::vector<std::byte>& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }

  // A publication is one file, pub/<version>-<sha16 of its routing blob>.pub: its routing
  // blob (a delta or a whole snapshot) then its state, so that both are durable after two
  // fsyncs, the file's and pub/'s; a file per blob (the layout before pub/: delta/ or snap/,
  // and state/) took four, each file and its own directory. The chain's readers find a
  // routing blob by its version and reference, as they did; the state is at the tail of
  // the file the pointer names (Pointer::publication), which a rebase keeps, as it no
  // longer names the routing blob of its version once its base is that version. The fsync
  // of pub/ is required before the pointer is renamed: without it a power cut may keep the
  // new pointer and lose the name it points to (rejected: relying on ext4's ordered
  // journal, which other file systems do not promise; and syncfs(), which flushes every
  // other writer's data on the file system too).
  static std::string publication_file(std::uint64_t version, const BlobRef& routing) {
    return blob_name(version, routing) + ".pub";
  }
};

Result<std::vector<RouterReport>> FileStore::reports() {
  std::vector<RouterReport> out;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(dir_ / "routers", ec)) {
    if (entry.path().extension() != ".json") continue;
    // A report not refreshed within the lease has expired, as its etcd key would.
    if (now - entry.last_write_time(ec) > std::chrono::seconds(options_.lease_seconds)) continue;
    Result<std::optional<std::string>> text = read_file(entry.path());
    if (!text.is_ok() || !text->has_value()) continue;  // removed while listing
    Result<RouterReport> report = parse_report(**text);
    if (report.is_ok()) out.push_back(std::move(report).value());
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.router < b.router; });
  return out;
}

// Blob files of every version, or of `only` when given.
std::vector<fs::path> FileStore::blob_files(std::optional<std::uint64_t> only) const {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const char* blobs : {"pub", "snap", "delta", "state"}) {
    for (const auto& entry : fs::directory_iterator(dir_ / blobs, ec)) {
      const std::optional<std::uint64_t> v = blob_version(entry.path().filename().string());
      if (v && (!only || *v == *only)) out.push_back(entry.path());
    }
  }
  return out;
}

Result<std::vector<std::uint64_t>> FileStore::stored_versions() {
  std::vector<std::uint64_t> versions;
  for (const fs::path& file : blob_files(std::nullopt))
    versions.push_back(*blob_version(file.filename().string()));
  std::sort(versions.begin(), versions.end());
  versions.erase(std::unique(versions.begin(), versions.end()), versions.end());
  return versions;
}

Status FileStore::delete_version(std::uint64_t version) {
  for (const fs::path& file : blob_files(version)) {
    std::error_code ec;
    if (!fs::remove(file, ec) && ec) {
      return failed_precondition(fmt::format("cannot remove {}: {}", file.string(), ec.message()));
    }
  }
  return Status::ok();
}

Result<Leadership> FileStore::campaign(const std::string& address) {
  if (lock_fd_ < 0) {
    if (Status s = disk_.make_dirs(dir_); !s.is_ok()) return s;
    const fs::path lock = dir_ / "lock";
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return io_failure("open", lock);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      Result<std::optional<std::string>> leader = read_file(dir_ / "leader");
      std::string holder = leader.is_ok() && leader->has_value() ? **leader : std::string();
      return Leadership{.leader = false, .leader_address = holder};
    }
    lock_fd_ = fd;
    if (Status s = disk_.atomic_write(dir_ / "leader", address); !s.is_ok()) return s;
  }
  return Leadership{.leader = true, .leader_address = address};
}

}  // namespace

std::unique_ptr<Store> make_file_store(fs::path dir, const StoreOptions& options,
                                       FileStepHook hook) {
  return std::make_unique<FileStore>(std::move(dir), options, std::move(hook));
}

}  // namespace cellkit::live

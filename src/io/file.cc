// Reading files whole and writing them atomically, through the FileSystem seam.
#include "cellkit/io/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "io/temporary_files.h"

namespace cellkit {
namespace {

class RealFileSystem final : public FileSystem {
 public:
  int open_read(const std::string& path) override {
    return ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  int open_write(const std::string& path) override {
    return ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  }
  int create_exclusive(const std::string& path) override {
    return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  }
  long read(int fd, char* data, std::size_t size) override { return ::read(fd, data, size); }
  long write(int fd, const char* data, std::size_t size) override {
    return ::write(fd, data, size);
  }
  int fstat(int fd, struct stat* info) override { return ::fstat(fd, info); }
  int lstat(const std::string& path, struct stat* info) override {
    return ::lstat(path.c_str(), info);
  }
  int stat(const std::string& path, struct stat* info) override {
    return ::stat(path.c_str(), info);
  }
  int fchmod(int fd, mode_t mode) override { return ::fchmod(fd, mode); }
  int fsync(int fd) override { return ::fsync(fd); }
  int close(int fd) override { return ::close(fd); }
  int rename(const std::string& from, const std::string& to) override {
    return ::rename(from.c_str(), to.c_str());
  }
  int unlink(const std::string& path) override { return ::unlink(path.c_str()); }
  int mkdir(const std::string& path) override { return ::mkdir(path.c_str(), 0777); }
};

std::string error_text(int error) {
  return std::strerror(error);
}

std::string too_large() {
  return fmt::format("is larger than {} GiB, the most cellkit reads", kMaxInputFileBytes >> 30);
}

// Why an opened file cannot be read whole, or nothing: a directory or a device has no end
// to read to (a pipe is read to its end); a file over the limit is refused before reading.
std::string not_readable(FileSystem& fs, int fd) {
  struct stat info {};
  if (fs.fstat(fd, &info) != 0) return error_text(errno);
  if (S_ISDIR(info.st_mode)) return "is a directory";
  if (!S_ISREG(info.st_mode) && !S_ISFIFO(info.st_mode)) return "is not a regular file";
  if (static_cast<std::uint64_t>(info.st_size) > kMaxInputFileBytes) return too_large();
  return {};
}

// Reads to the end; a pipe may bring more than a file's size, so the limit is kept here too:
// the read that would pass it is refused before its bytes are kept, so at most the limit is
// held, however much the writer has left to send.
Status read_all(FileSystem& fs, int fd, const std::string& path, std::string& text) {
  char buffer[1 << 16];
  for (;;) {
    const long n = fs.read(fd, buffer, sizeof buffer);
    if (n == 0) return Status::ok();
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return data_loss(fmt::format("cannot read '{}': {}", path, error_text(errno)));
    if (text.size() + static_cast<std::size_t>(n) > kMaxInputFileBytes) {
      return invalid_argument(fmt::format("cannot read '{}': {}", path, too_large()));
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

// A closed file descriptor on every path out.
class Descriptor {
 public:
  Descriptor(FileSystem& fs, int fd) : fs_(fs), fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) fs_.close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting close's own failure (a delayed write error on some file systems).
  int close() { return fd_ < 0 ? 0 : fs_.close(std::exchange(fd_, -1)); }

 private:
  FileSystem& fs_;
  int fd_;
};

}  // namespace

FileSystem& real_file_system() {
  static RealFileSystem fs;
  return fs;
}

Result<std::string> read_file(const std::string& path, FileSystem& fs) {
  Descriptor fd(fs, fs.open_read(path));
  if (fd.get() < 0) return not_found(fmt::format("cannot read '{}': {}", path, error_text(errno)));
  if (const std::string why = not_readable(fs, fd.get()); !why.empty()) {
    return invalid_argument(fmt::format("cannot read '{}': {}", path, why));
  }
  std::string text;
  struct stat info {};
  if (fs.fstat(fd.get(), &info) == 0 && S_ISREG(info.st_mode)) {
    text.reserve(static_cast<std::size_t>(info.st_size));
  }
  if (Status s = read_all(fs, fd.get(), path, text); !s.is_ok()) return s;
  return text;
}

namespace {

Status write_error(const std::string& path, int error) {
  return failed_precondition(fmt::format("cannot write '{}': {}", path, error_text(error)));
}

// The directory part of `path` ("." when it has none), and the temporary name beside it:
// hidden, with the process id and a counter, so two writers never pick the same name.
std::string temporary_name(const std::string& path, unsigned attempt) {
  static unsigned counter = 0;
  const std::filesystem::path p(path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() + "/" : std::string();
  return fmt::format("{}.{}.{}-{}-{}.tmp", dir, p.filename().string(), ::getpid(), counter++,
                     attempt);
}

// Loops over short writes; a write of nothing is a full disk.
int write_all(FileSystem& fs, int fd, std::string_view contents) {
  while (!contents.empty()) {
    const long n = fs.write(fd, contents.data(), contents.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n == 0 ? ENOSPC : errno;
    contents.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// The mode a new file keeps: the replaced file's permission bits when `path` is a regular
// file (a symlink at `path` is replaced, never followed), else the umask's default.
int keep_mode(FileSystem& fs, int fd, const std::string& path) {
  struct stat info {};
  if (fs.lstat(path, &info) != 0 || !S_ISREG(info.st_mode)) return 0;
  return fs.fchmod(fd, info.st_mode & 07777) != 0 ? errno : 0;
}

// A written, synced temporary file for `file`, removed unless released.
class Staged {
 public:
  explicit Staged(FileSystem& fs) : fs_(fs) {}
  ~Staged() { discard(); }
  Staged(const Staged&) = delete;
  Staged& operator=(const Staged&) = delete;
  Staged(Staged&& other) noexcept
      : fs_(other.fs_),
        temporary_(std::exchange(other.temporary_, {})),
        slot_(std::exchange(other.slot_, -1)),
        fd_(other.fd_),
        error_(other.error_) {}

  Status write(const FileContents& file) {
    if (Status s = create(file.path); !s.is_ok()) return s;
    Descriptor fd(fs_, fd_);
    if (int e = keep_mode(fs_, fd.get(), file.path); e != 0) return fail(file.path, e);
    if (int e = write_all(fs_, fd.get(), file.contents); e != 0) return fail(file.path, e);
    if (fs_.fsync(fd.get()) != 0) return fail(file.path, errno);
    if (fd.close() != 0) return fail(file.path, errno);
    return Status::ok();
  }
  // The errno of the last failure, for callers that word the message themselves.
  int error() const { return error_; }
  Status commit(const std::string& path) {
    if (fs_.rename(temporary_, path) != 0) {
      return failed_precondition(fmt::format("cannot replace '{}': {}", path, error_text(errno)));
    }
    release();
    return Status::ok();
  }
  void discard() {
    if (temporary_.empty()) return;
    fs_.unlink(temporary_);
    release();
  }

 private:
  Status create(const std::string& path) {
    for (unsigned attempt = 0; attempt < 100; ++attempt) {
      // Registered only once created: a name someone else holds is never removed.
      const std::string name = temporary_name(path, attempt);
      fd_ = fs_.create_exclusive(name);
      if (fd_ >= 0) {
        temporary_ = name;
        slot_ = io::register_temporary(temporary_);
        return Status::ok();
      }
      if (errno != EEXIST) return fail(path, errno);
    }
    return fail(path, EEXIST);
  }
  Status fail(const std::string& path, int error) {
    error_ = error;
    return write_error(path, error);
  }
  void release() {
    io::unregister_temporary(slot_);
    temporary_.clear();
  }

  FileSystem& fs_;
  std::string temporary_;
  int slot_ = -1;
  int fd_ = -1;
  int error_ = 0;
};

// Whether `path` names (or links to) something that is not a file to replace: a device, a
// pipe, a socket. Replacing /dev/null by a regular file (a rename as root does) breaks every
// process of the machine that writes to it; writing a named pipe in place is what its reader
// waits for.
bool written_in_place(FileSystem& fs, const std::string& path) {
  struct stat info {};
  return fs.stat(path, &info) == 0 && !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode);
}

Status write_in_place(FileSystem& fs, const FileContents& file) {
  Descriptor fd(fs, fs.open_write(file.path));
  if (fd.get() < 0) return write_error(file.path, errno);
  if (int e = write_all(fs, fd.get(), file.contents); e != 0) return write_error(file.path, e);
  if (fd.close() != 0) return write_error(file.path, errno);
  return Status::ok();
}

Status refuse_repeats(std::span<const FileContents> files) {
  for (std::size_t i = 0; i < files.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (same_file(files[i].path, files[j].path)) {
        return invalid_argument(fmt::format("'{}' and '{}' name the same file; give two files",
                                            files[j].path, files[i].path));
      }
    }
  }
  return Status::ok();
}

}  // namespace

Status write_file_atomically(const std::string& path, std::string_view contents, FileSystem& fs) {
  const FileContents file{path, contents};
  return write_files_atomically(std::span(&file, 1), fs);
}

Status write_files_atomically(std::span<const FileContents> files, FileSystem& fs) {
  if (Status s = refuse_repeats(files); !s.is_ok()) return s;
  std::vector<Staged> staged;
  std::vector<const FileContents*> replaced;
  std::vector<const FileContents*> in_place;
  staged.reserve(files.size());
  for (const FileContents& file : files) {
    if (file.path.empty()) return invalid_argument("cannot write '': the file name is empty");
    if (written_in_place(fs, file.path)) {
      in_place.push_back(&file);
      continue;
    }
    if (Status s = staged.emplace_back(fs).write(file); !s.is_ok()) return s;
    replaced.push_back(&file);
  }
  for (const FileContents* file : in_place) {
    if (Status s = write_in_place(fs, *file); !s.is_ok()) return s;
  }
  for (std::size_t i = 0; i < replaced.size(); ++i) {
    if (Status s = staged[i].commit(replaced[i]->path); !s.is_ok()) {
      if (i == 0) return s;
      return failed_precondition(fmt::format("{} (the first {} of the {} files were replaced)",
                                             s.message(), i, replaced.size()));
    }
  }
  return Status::ok();
}

namespace {

// Creates `dir` and its missing parents, one mkdir each (an existing one is fine).
int make_directories(FileSystem& fs, const std::string& dir) {
  std::filesystem::path prefix;
  for (const std::filesystem::path& part : std::filesystem::path(dir)) {
    prefix /= part;
    struct stat info {};
    if (fs.lstat(prefix.string(), &info) == 0) continue;
    if (fs.mkdir(prefix.string()) != 0 && errno != EEXIST) return errno;
  }
  return 0;
}

}  // namespace

Status prepare_output_directory(const std::string& dir, FileSystem& fs) {
  if (dir.empty()) return invalid_argument("the output directory name is empty");
  if (int e = make_directories(fs, dir); e != 0) {
    return failed_precondition(
        fmt::format("cannot create the directory '{}': {}", dir, error_text(e)));
  }
  Staged probe(fs);
  if (Status s = probe.write({dir + "/.cellkit-probe", {}}); !s.is_ok()) {
    return failed_precondition(
        fmt::format("cannot write files in '{}': {}", dir, error_text(probe.error())));
  }
  return Status::ok();
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat x {
  }, y{};
  if (::stat(a.c_str(), &x) == 0 && ::stat(b.c_str(), &y) == 0) {
    return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
  }
  std::error_code ec;
  const auto ca = std::filesystem::weakly_canonical(std::filesystem::absolute(a, ec), ec);
  const auto cb = std::filesystem::weakly_canonical(std::filesystem::absolute(b, ec), ec);
  return ca == cb;
}

}  // namespace cellkit

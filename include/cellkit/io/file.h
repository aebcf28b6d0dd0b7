// Files have one home: read a file whole, write one file or a set of files atomically,
// through a FileSystem seam that tests replace to inject faults (LevelDB's Env).
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cellkit/base/status.h"

namespace cellkit {

// The operating-system calls the readers and writers make, one virtual per call, with the
// POSIX contract of the call it names (-1 and errno on failure), so a test can fail any of
// them: the N-th write, a short write, a full disk. The callers add the path to messages.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual int open_read(const std::string& path) = 0;  // O_RDONLY | O_CLOEXEC
  // Opens an existing `path` for writing, never creating it: O_WRONLY | O_NOCTTY | O_CLOEXEC.
  virtual int open_write(const std::string& path) = 0;
  // Creates `path` only if nothing (not even a dangling symlink) has that name:
  // O_CREAT | O_EXCL | O_NOFOLLOW, mode 0666 less the umask.
  virtual int create_exclusive(const std::string& path) = 0;
  virtual long read(int fd, char* data, std::size_t size) = 0;
  virtual long write(int fd, const char* data, std::size_t size) = 0;
  virtual int fstat(int fd, struct stat* info) = 0;
  virtual int lstat(const std::string& path, struct stat* info) = 0;
  virtual int stat(const std::string& path, struct stat* info) = 0;  // follows symlinks
  virtual int fchmod(int fd, mode_t mode) = 0;
  virtual int fsync(int fd) = 0;
  virtual int close(int fd) = 0;
  virtual int rename(const std::string& from, const std::string& to) = 0;
  virtual int unlink(const std::string& path) = 0;
  virtual int mkdir(const std::string& path) = 0;  // mode 0777 less the umask
};

// The process's real file system (a stateless singleton).
FileSystem& real_file_system();

// Files larger than this are refused by read_file before reading (docs/limits.md).
inline constexpr std::uint64_t kMaxInputFileBytes = std::uint64_t{1} << 30;

// The whole file (a regular file or a pipe), or an error naming it: "cannot read 'x': No such
// file or directory" (kNotFound), "cannot read 'x': is a directory" / "is not a regular file"
// / "is larger than 1 GiB" (kInvalidArgument), a read error (kDataLoss).
Result<std::string> read_file(const std::string& path, FileSystem& fs = real_file_system());

// One file to write as part of a set.
struct FileContents {
  std::string path;
  std::string_view contents;
};

// Writes `contents` to `path` atomically: into a new temporary file created exclusively in
// the same directory (never through an existing name or symlink), synced, given the mode of
// the file it replaces, then renamed over `path`. On any failure the temporary file is
// removed and `path` is untouched; on SIGINT/SIGTERM during the write it is removed too.
// A device, pipe or socket at `path`, or a symlink to one (/dev/null, /dev/stdout, a named
// pipe), is not replaced but written in place, as a shell's `>` would.
// Errors (kFailedPrecondition) name `path`: "cannot write 'out.json': No space left on device".
Status write_file_atomically(const std::string& path, std::string_view contents,
                             FileSystem& fs = real_file_system());

// Writes a set of files so that either all are replaced or none is: every temporary file is
// written and synced before the first rename (devices and pipes, written in place, after the
// temporary files and before the renames). Refuses (kInvalidArgument, before writing) two
// entries naming the same file. Only a failing rename, after all writes succeeded, can leave
// the earlier files of the set replaced; the error then says which were.
Status write_files_atomically(std::span<const FileContents> files,
                              FileSystem& fs = real_file_system());

// Checks before a long run that `dir` is (or can be created as) a directory where files can
// be created: creates it if missing, then creates and removes a probe file. Errors name `dir`.
Status prepare_output_directory(const std::string& dir, FileSystem& fs = real_file_system());

// True when both paths name the same existing file (same device and inode), or, when either
// does not exist, the same normalised absolute path.
bool same_file(const std::string& a, const std::string& b);

}  // namespace cellkit

// Process plumbing shared by the live commands (`up`, `demo --live`): stop signals, the
// CLI's own path, and a temporary directory removed on the way out.
#pragma once

#include <string>

#include "cellkit/base/status.h"

namespace cellkit::cli {

// Makes SIGINT and SIGTERM set a flag instead of ending the process, so a command can stop
// what it started first. SIGPIPE is ignored.
void catch_stop_signals();
// Whether SIGINT or SIGTERM arrived since catch_stop_signals().
bool stop_requested();

// The running cellkit binary (/proc/self/exe), to start cells and routers with.
std::string self_path();

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  static Result<TempDir> create(const std::string& prefix);
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace cellkit::cli

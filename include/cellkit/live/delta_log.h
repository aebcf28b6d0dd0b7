// A router's delta log: the encoded deltas applied since its persisted base snapshot,
// appended to <state_dir>/routing.deltas (decision 0009), so a version reached by a delta
// costs an append of its bytes, not a rewrite of the whole snapshot.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "cellkit/base/status.h"

namespace cellkit::live {

class DeltaLog {
 public:
  explicit DeltaLog(std::string path) : path_(std::move(path)) {}

  // The deltas in the file, in order: whole frames only (a tail torn by a crash is left
  // out). Also counts them, for has_room().
  std::vector<std::string> read();
  // True when `count` more deltas of `bytes` in all keep the log within the chain bound
  // (kChainLinks, kChainBytes); a full log is replaced by a new base.
  bool has_room(std::size_t count, std::size_t bytes) const;
  // Keeps only `frames`, a prefix of what read() returned (restore used no more of them):
  // the file is cut after them, or removed when there are none.
  Status keep(std::span<const std::string> frames);
  // Appends the encoded deltas (the file starts with "CKCHAIN1") right after the last frame
  // acknowledged (read, kept or appended), cutting whatever a failed append left there, and
  // fsyncs before it returns; on failure the file is cut back. Errors name the file.
  Status append(std::span<const std::vector<std::byte>> deltas);
  // Empties the log (a new base was written): removes the file.
  Status clear();

 private:
  std::string path_;
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
  std::size_t end_ = 0;  // the file's acknowledged length (0: start it over)
};

}  // namespace cellkit::live

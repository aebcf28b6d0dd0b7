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
  // Appends the encoded deltas (the file starts with "CKCHAIN1") and fsyncs before it
  // returns; errors name the file.
  Status append(std::span<const std::vector<std::byte>> deltas);
  // Empties the log (a new base was written): removes the file.
  Status clear();

 private:
  std::string path_;
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace cellkit::live

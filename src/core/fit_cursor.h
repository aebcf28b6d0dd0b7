// FitCursor: whether any shard still fits a placement that only grows, decided by a
// resumable search over the pools' cells.
#pragma once

#include <cstdint>
#include <vector>

#include "core/placement_state.h"

namespace cellkit {

// Answers "can a tenant of `shard_size` cells and `weight` still be placed anywhere on these
// pools?" exactly, for a PlacementState that only grows (shards added, none removed). It
// walks the shard_size-subsets of pools.all in lexicographic order of position and skips
// every extension of a prefix with a cell without room or a used (m+1)-subset. A subset that
// does not fit never fits again while the state grows, so each call resumes where the last
// stopped; a fitting subset found is kept and checked again first. Never places anything.
class FitCursor {
 public:
  enum class Verdict {
    kFits,      // a subset fits (held as the witness)
    kNoneFits,  // no subset fits, nor will any while the state only grows
    kUnknown,   // the work given ran out first
  };

  FitCursor(std::uint32_t shard_size, std::uint32_t weight)
      : shard_size_(shard_size), weight_(weight) {}

  // Spends at most `work` candidate checks (one check: room and the subsets through one
  // cell). Requires the same pools on every call, a state that only grew since the last one,
  // and no codeword held back in it (PlacementState::record_deferred).
  Verdict advance(const PlacementState& state, const CellPools& pools, std::uint64_t work);
  std::uint32_t shard_size() const { return shard_size_; }
  std::uint32_t weight() const { return weight_; }

 private:
  bool acceptable(const PlacementState& state, const CellPools& pools, std::size_t depth,
                  CellId cell) const;
  void recheck_prefix(const PlacementState& state, const CellPools& pools);
  void back_to(std::size_t depth);

  std::uint32_t shard_size_;
  std::uint32_t weight_;
  std::vector<std::size_t> positions_;  // the prefix: positions in pools.all, increasing
  std::vector<CellId> chosen_;          // the prefix's cells
  std::size_t next_ = 0;                // the next position to try after the prefix
};

}  // namespace cellkit

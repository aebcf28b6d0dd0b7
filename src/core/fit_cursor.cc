// FitCursor: a depth-first walk of the pools' subsets that resumes as the placement grows.
#include "core/fit_cursor.h"

#include <span>

namespace cellkit {

bool FitCursor::acceptable(const PlacementState& state, const CellPools& pools, std::size_t depth,
                           CellId cell) const {
  return state.has_room(cell, pools.cap(cell), weight_) &&
         state.fits_with(std::span<const CellId>(chosen_.data(), depth), cell);
}

// Drops the prefix from `depth` on; the walk goes on after the dropped cell's position.
void FitCursor::back_to(std::size_t depth) {
  next_ = positions_[depth] + 1;
  positions_.resize(depth);
  chosen_.resize(depth);
}

// Shards added since the last call may have filled a prefix cell or used one of its
// subsets: the walk goes back to the first cell that no longer fits.
void FitCursor::recheck_prefix(const PlacementState& state, const CellPools& pools) {
  for (std::size_t depth = 0; depth < chosen_.size(); ++depth) {
    if (!acceptable(state, pools, depth, chosen_[depth])) return back_to(depth);
  }
}

FitCursor::Verdict FitCursor::advance(const PlacementState& state, const CellPools& pools,
                                      std::uint64_t work) {
  recheck_prefix(state, pools);
  const std::size_t n = pools.all.size();
  while (chosen_.size() < shard_size_) {
    if (next_ + (shard_size_ - chosen_.size()) > n) {  // too few positions left to complete it
      if (chosen_.empty()) return Verdict::kNoneFits;
      back_to(chosen_.size() - 1);
      continue;
    }
    if (work == 0) return Verdict::kUnknown;
    --work;
    const CellId cell = pools.all[next_];
    if (acceptable(state, pools, chosen_.size(), cell)) {
      positions_.push_back(next_);
      chosen_.push_back(cell);
    }
    ++next_;
  }
  return Verdict::kFits;
}

}  // namespace cellkit

// BlockingIndex: free degrees of (m+1)-subsets in colex rank order, kept by bucket.
#include "core/blocking_index.h"

#include <algorithm>
#include <cassert>

#include "core/pooled_strategy.h"

namespace cellkit {

namespace {

// Calls f(subset) for every (m+1)-subset of sorted `chosen` ∪ {x} that contains x (sorted),
// until f returns false.
template <class F>
void subsets_with(const std::vector<std::uint32_t>& chosen, std::uint32_t x, std::uint32_t r,
                  F&& f) {
  const std::uint32_t m = r - 1;
  std::uint32_t pick[16];
  for (std::uint32_t j = 0; j < m; ++j)
    pick[j] = j;
  std::uint32_t buf[16];
  const auto n = static_cast<std::uint32_t>(chosen.size());
  while (true) {
    std::uint32_t len = 0;
    bool placed = false;
    for (std::uint32_t j = 0; j < m; ++j) {
      if (!placed && x < chosen[pick[j]]) {
        buf[len++] = x;
        placed = true;
      }
      buf[len++] = chosen[pick[j]];
    }
    if (!placed) buf[len++] = x;
    if (!f(std::span<const std::uint32_t>(buf, len))) return;
    std::uint32_t j = m;
    while (j > 0 && pick[j - 1] == n - m + (j - 1))
      --j;
    if (j == 0) return;
    ++pick[j - 1];
    for (std::uint32_t i = j; i < m; ++i)
      pick[i] = pick[i - 1] + 1;
  }
}

}  // namespace

void BlockingIndex::clear() {
  *this = BlockingIndex{};
}

bool BlockingIndex::build(std::span<const CellId> cells, std::uint32_t max_overlap,
                          const PlacementState& state) {
  clear();
  const std::uint64_t n = cells.size();
  const std::uint64_t subsets = binomial(n, max_overlap + 1);
  if (n < max_overlap + 2 || subsets > kMaxSubsets || subsets * n > kMaxBuildWork) return false;
  r_ = max_overlap + 1;
  cells_.assign(cells.begin(), cells.end());
  for (std::uint32_t p = 0; p < n; ++p) {
    const std::uint32_t id = raw(cells_[p]);
    if (id >= position_.size()) position_.resize(id + 1, -1);
    position_[id] = static_cast<std::int32_t>(p);
  }
  binom_.assign((r_ + 1) * (n + 1), 0);
  for (std::uint32_t j = 0; j <= r_; ++j) {
    for (std::uint64_t i = 0; i <= n; ++i)
      binom_[j * (n + 1) + i] = binomial(i, j);
  }
  used_.assign(subsets, 0);
  const auto full = static_cast<std::uint32_t>(n - r_);  // every other cell completes it
  degree_.assign(subsets, full);
  slot_.resize(subsets);
  buckets_.assign(full + 1, {});
  buckets_[full].resize(subsets);
  for (std::uint32_t i = 0; i < subsets; ++i) {
    buckets_[full][i] = i;
    slot_[i] = i;
  }
  Shard subset(r_);
  for (std::uint64_t i = 0; i < subsets; ++i) {
    const Positions s = unrank(i);
    for (std::uint32_t j = 0; j < r_; ++j)
      subset[j] = cells_[s[j]];
    const std::span<const CellId> head(subset.data(), r_ - 1);
    if (!state.fits_with(head, subset[r_ - 1])) use(i, s);
  }
  return true;
}

std::uint64_t BlockingIndex::rank(std::span<const std::uint32_t> sorted) const {
  const std::uint64_t stride = cells_.size() + 1;
  std::uint64_t at = 0;
  for (std::uint32_t j = 0; j < sorted.size(); ++j)
    at += binom_[(j + 1) * stride + sorted[j]];
  return at;
}

BlockingIndex::Positions BlockingIndex::unrank(std::uint64_t r) const {
  const std::uint64_t stride = cells_.size() + 1;
  Positions s(r_);
  auto p = static_cast<std::uint32_t>(cells_.size());
  for (std::uint32_t j = r_; j-- > 0;) {
    while (binom_[(j + 1) * stride + p] > r)
      --p;
    s[j] = p;
    r -= binom_[(j + 1) * stride + p];
  }
  return s;
}

bool BlockingIndex::free_set(const Positions& s, std::uint32_t x) const {
  bool all_free = true;
  subsets_with(s, x, r_, [&](std::span<const std::uint32_t> n) {
    all_free = used_[rank(n)] == 0;
    return all_free;
  });
  return all_free;
}

void BlockingIndex::unlink(std::uint64_t at) {
  const std::uint32_t slot = slot_[at];
  if (slot == kNone) return;
  std::vector<std::uint32_t>& bucket = buckets_[degree_[at]];
  bucket[slot] = bucket.back();
  slot_[bucket[slot]] = slot;
  bucket.pop_back();
  slot_[at] = kNone;
}

void BlockingIndex::move(std::uint64_t at, std::uint32_t degree) {
  unlink(at);
  degree_[at] = degree;
  slot_[at] = static_cast<std::uint32_t>(buckets_[degree].size());
  buckets_[degree].push_back(static_cast<std::uint32_t>(at));
}

void BlockingIndex::use(std::uint64_t at, const Positions& s) {
  if (used_[at]++ > 0) return;
  unlink(at);
  for (std::uint32_t x = 0; x < cells_.size(); ++x) {
    if (std::binary_search(s.begin(), s.end(), x) || !free_set(s, x)) continue;
    subsets_with(s, x, r_, [&](std::span<const std::uint32_t> n) {
      const std::uint64_t r = rank(n);
      move(r, degree_[r] - 1);
      return true;
    });
  }
}

void BlockingIndex::release(std::uint64_t at, const Positions& s) {
  assert(used_[at] > 0);
  if (--used_[at] > 0) return;
  std::uint32_t degree = 0;
  for (std::uint32_t x = 0; x < cells_.size(); ++x) {
    if (std::binary_search(s.begin(), s.end(), x) || !free_set(s, x)) continue;
    ++degree;
    subsets_with(s, x, r_, [&](std::span<const std::uint32_t> n) {
      const std::uint64_t r = rank(n);
      move(r, degree_[r] + 1);
      return true;
    });
  }
  move(at, degree);
}

void BlockingIndex::for_each_subset(std::span<const CellId> shard, bool adding) {
  Positions inside;
  for (CellId c : shard) {
    if (raw(c) < position_.size() && position_[raw(c)] >= 0)
      inside.push_back(static_cast<std::uint32_t>(position_[raw(c)]));
  }
  std::sort(inside.begin(), inside.end());
  inside.erase(std::unique(inside.begin(), inside.end()), inside.end());
  if (inside.size() < r_) return;
  std::vector<std::uint32_t> pick(r_);  // indices into `inside`, increasing
  for (std::uint32_t j = 0; j < r_; ++j)
    pick[j] = j;
  Positions s(r_);
  while (true) {
    for (std::uint32_t j = 0; j < r_; ++j)
      s[j] = inside[pick[j]];
    const std::uint64_t r = rank(s);
    adding ? use(r, s) : release(r, s);
    std::uint32_t j = r_;
    while (j > 0 && pick[j - 1] == inside.size() - r_ + (j - 1))
      --j;
    if (j == 0) return;
    ++pick[j - 1];
    for (std::uint32_t i = j; i < r_; ++i)
      pick[i] = pick[i - 1] + 1;
  }
}

void BlockingIndex::add(std::span<const CellId> shard) {
  if (built()) for_each_subset(shard, true);
}

void BlockingIndex::remove(std::span<const CellId> shard) {
  if (built()) for_each_subset(shard, false);
}

std::optional<std::uint32_t> BlockingIndex::degree(std::span<const CellId> subset) const {
  Positions s;
  for (CellId c : subset)
    s.push_back(static_cast<std::uint32_t>(position_[raw(c)]));
  std::sort(s.begin(), s.end());
  const std::uint64_t r = rank(s);
  if (used_[r] > 0) return std::nullopt;
  return degree_[r];
}

bool BlockingIndex::extend(Positions& chosen, std::uint32_t size, const PlacementState& state,
                           const CellPools& pools, std::uint32_t weight, Random& random) const {
  Positions sorted = chosen;
  while (chosen.size() < size) {
    std::uint64_t best_score = UINT64_MAX;
    std::uint64_t best_load = UINT64_MAX;
    std::uint32_t best = kNone;
    std::uint64_t ties = 0;
    for (std::uint32_t x = 0; x < cells_.size(); ++x) {
      const CellId c = cells_[x];
      if (std::binary_search(sorted.begin(), sorted.end(), x) ||
          !state.has_room(c, pools.cap(c), weight))
        continue;
      std::uint64_t score = 0;
      bool fits = true;
      subsets_with(sorted, x, r_, [&](std::span<const std::uint32_t> s) {
        const std::uint64_t r = rank(s);
        fits = used_[r] == 0;
        score += degree_[r];
        return fits;
      });
      if (!fits) continue;
      const std::uint64_t load = state.load(c);
      if (score < best_score || (score == best_score && load < best_load)) {
        best_score = score;
        best_load = load;
        best = x;
        ties = 1;
      } else if (score == best_score && load == best_load && random.index(++ties) == 0) {
        best = x;
      }
    }
    if (best == kNone) return false;
    chosen.push_back(best);
    sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), best), best);
  }
  return true;
}

std::optional<Shard> BlockingIndex::least_blocking(std::uint32_t size, const PlacementState& state,
                                                   const CellPools& pools, std::uint32_t weight,
                                                   Random& random) const {
  if (!built() || size < r_ + 1 || size > cells_.size()) return std::nullopt;
  std::uint32_t picks = 0;
  for (std::uint32_t d = 1; d < buckets_.size() && picks < kPicks; ++d) {
    const std::vector<std::uint32_t>& bucket = buckets_[d];
    for (std::size_t t = 0; t < bucket.size() && picks < kPicks; ++t, ++picks) {
      Positions chosen = unrank(bucket[random.index(bucket.size())]);
      const bool room = std::all_of(chosen.begin(), chosen.end(), [&](std::uint32_t p) {
        return state.has_room(cells_[p], pools.cap(cells_[p]), weight);
      });
      if (!room || !extend(chosen, size, state, pools, weight, random)) continue;
      Shard shard;
      const std::uint64_t first = random.index(size);  // preference order: rotated by a draw
      for (std::uint32_t i = 0; i < size; ++i)
        shard.push_back(cells_[chosen[(first + i) % size]]);
      return shard;
    }
  }
  return std::nullopt;
}

}  // namespace cellkit

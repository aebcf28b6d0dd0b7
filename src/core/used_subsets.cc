// UsedSubsets: the used (m+1)-subsets of accepted shards.
#include "core/used_subsets.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>

#include "cellkit/base/hash.h"

namespace cellkit {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);
constexpr std::size_t kMaxSubset = 16;  // m+1 beyond this is refused when options are validated

}  // namespace

std::uint64_t UsedSubsets::key(std::span<const CellId> subset) const {
  std::array<std::uint32_t, kMaxSubset> ids{};
  for (std::size_t i = 0; i < subset.size(); ++i)
    ids[i] = raw(subset[i]);
  std::sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(subset.size()));
  const unsigned bits = static_cast<unsigned>(64 / subset.size());
  const std::uint32_t largest = ids[subset.size() - 1];
  if (bits >= 32 || std::bit_width(largest) <= bits) {
    std::uint64_t packed = 0;
    for (std::size_t i = 0; i < subset.size(); ++i)
      packed = (packed << (bits % 64)) | ids[i];
    return packed;
  }
  return hash64(std::as_bytes(std::span<const std::uint32_t>(ids.data(), subset.size())));
}

UsedSubsets::UsedSubsets(std::uint32_t max_overlap) : m_(max_overlap) {
  assert(max_overlap + 1 <= kMaxSubset);
}

template <class F>
bool UsedSubsets::each_subset(std::span<const CellId> cells, std::size_t pinned, F&& f) const {
  const std::size_t r = m_ + 1;
  if (cells.size() < r) return true;
  // Index combinations in lexicographic order; with a pinned cell, only those containing it.
  std::array<std::size_t, kMaxSubset> idx{};
  std::array<CellId, kMaxSubset> subset{};
  for (std::size_t i = 0; i < r; ++i)
    idx[i] = i;
  const std::size_t n = cells.size();
  while (true) {
    const bool has_pinned =
        pinned == kNone || std::find(idx.begin(), idx.begin() + r, pinned) != idx.begin() + r;
    if (has_pinned) {
      for (std::size_t i = 0; i < r; ++i)
        subset[i] = cells[idx[i]];
      if (!f(key(std::span<const CellId>(subset.data(), r)))) return false;
    }
    std::size_t i = r;
    while (i > 0 && idx[i - 1] == n - r + i - 1)
      --i;
    if (i == 0) return true;
    ++idx[i - 1];
    for (std::size_t j = i; j < r; ++j)
      idx[j] = idx[j - 1] + 1;
  }
}

bool UsedSubsets::fits_with(std::span<const CellId> chosen, CellId cell) const {
  if (chosen.size() < m_) return true;
  // A stack buffer for the usual small shards; a vector for shards read from files.
  std::array<CellId, 64> small{};
  std::vector<CellId> large;
  CellId* cells = small.data();
  if (chosen.size() + 1 > small.size()) {
    large.resize(chosen.size() + 1);
    cells = large.data();
  }
  std::copy(chosen.begin(), chosen.end(), cells);
  cells[chosen.size()] = cell;
  const std::span<const CellId> all(cells, chosen.size() + 1);
  return each_subset(all, chosen.size(), [&](std::uint64_t k) { return used_.count(k) == 0; });
}

void UsedSubsets::reserve(std::size_t shards, std::size_t shard_size) {
  std::size_t per_shard = 1;
  for (std::size_t i = 0; i <= m_ && i < shard_size; ++i) {
    per_shard = per_shard * (shard_size - i) / (i + 1);
  }
  used_.reserve(used_.size() + shards * per_shard);
}

bool UsedSubsets::fits(std::span<const CellId> shard) const {
  return each_subset(shard, kNone, [&](std::uint64_t k) { return used_.count(k) == 0; });
}

void UsedSubsets::add(std::span<const CellId> shard) {
  each_subset(shard, kNone, [&](std::uint64_t k) {
    used_.add(k);
    return true;
  });
}

void UsedSubsets::remove(std::span<const CellId> shard) {
  each_subset(shard, kNone, [&](std::uint64_t k) {
    used_.remove(k);
    return true;
  });
}

}  // namespace cellkit

// Annealing on quadruple packings: free triples kept in a list for uniform draws.
#include "core/quadruple_packing.h"

#include <algorithm>
#include <array>
#include <cassert>

#include "cellkit/base/random.h"
#include "core/triple_systems.h"

namespace cellkit {
namespace {

// Odds (1 in D) of taking a move that loses a block, by phase of 16: round(e^(1/T)) for
// T = 0.15·(1 − phase/16); 0 = never (the later phases only add and swap).
constexpr std::array<std::uint64_t, 16> kLossOdds = {
    786, 1226, 2037, 3660, 7251, 16268, 42902, 140344, 617438, 4147827, 52576393, 0, 0, 0, 0, 0};

constexpr std::uint32_t kNone = UINT32_MAX;

class Packing {
 public:
  explicit Packing(std::uint32_t n) : owner_(triples(n), kNone), slot_(triples(n), kNone) {
    for (std::uint32_t t = 0; t < owner_.size(); ++t) {
      slot_[t] = t;
      free_.push_back(t);
    }
    for (std::uint32_t c = 0; c < n; ++c) {
      for (std::uint32_t b = 0; b < c; ++b) {
        for (std::uint32_t a = 0; a < b; ++a)
          points_.push_back({a, b, c});
      }
    }
  }

  static std::uint32_t triples(std::uint32_t n) { return n * (n - 1) * (n - 2) / 6; }
  static std::uint32_t rank(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
    if (a > b) std::swap(a, b);
    if (b > c) std::swap(b, c);
    if (a > b) std::swap(a, b);
    return c * (c - 1) * (c - 2) / 6 + b * (b - 1) / 2 + a;
  }

  std::uint32_t owner(std::uint32_t a, std::uint32_t b, std::uint32_t c) const {
    return owner_[rank(a, b, c)];
  }
  std::size_t size() const { return live_; }
  bool any_free() const { return !free_.empty(); }
  std::array<std::uint32_t, 3> draw_free(Random& random) const {
    return points_[free_[random.index(free_.size())]];
  }

  void add(const Quad& q) {
    std::uint32_t id;
    if (!spare_.empty()) {
      id = spare_.back();
      spare_.pop_back();
      blocks_[id] = q;
    } else {
      id = static_cast<std::uint32_t>(blocks_.size());
      blocks_.push_back(q);
    }
    for_triples(q, [&](std::uint32_t t) { take(t, id); });
    ++live_;
  }

  void erase(std::uint32_t id) {
    for_triples(blocks_[id], [&](std::uint32_t t) { release(t); });
    spare_.push_back(id);
    --live_;
  }

  std::vector<Quad> blocks() const {
    std::vector<Quad> out;
    std::vector<bool> spare(blocks_.size(), false);
    for (std::uint32_t id : spare_)
      spare[id] = true;
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
      if (!spare[i]) out.push_back(blocks_[i]);
    }
    return out;
  }

 private:
  template <class F>
  static void for_triples(const Quad& q, F&& f) {
    for (std::uint32_t skip = 0; skip < 4; ++skip)
      f(rank(q[(skip + 1) % 4], q[(skip + 2) % 4], q[(skip + 3) % 4]));
  }
  void take(std::uint32_t t, std::uint32_t id) {
    assert(owner_[t] == kNone);
    const std::uint32_t at = slot_[t];
    free_[at] = free_.back();
    slot_[free_[at]] = at;
    free_.pop_back();
    slot_[t] = kNone;
    owner_[t] = id;
  }
  void release(std::uint32_t t) {
    owner_[t] = kNone;
    slot_[t] = static_cast<std::uint32_t>(free_.size());
    free_.push_back(t);
  }

  std::vector<std::uint32_t> owner_;                  // by triple rank: block id, or kNone
  std::vector<std::uint32_t> slot_;                   // by triple rank: index in free_, or kNone
  std::vector<std::uint32_t> free_;                   // free triples' ranks
  std::vector<std::array<std::uint32_t, 3>> points_;  // by rank
  std::vector<Quad> blocks_;
  std::vector<std::uint32_t> spare_;  // erased block ids
  std::size_t live_ = 0;
};

}  // namespace

std::uint64_t quadruple_packing_limit(std::uint32_t n) {
  return std::uint64_t{n} * max_triple_packing(n - 1) / 4;
}

ImprovedPacking improve_quadruple_packing(std::span<const Quad> blocks, std::uint32_t n,
                                          std::uint64_t seed, std::uint64_t steps,
                                          std::uint64_t stop_at) {
  assert(n >= 4 && n <= 256);
  Packing p(n);
  for (const Quad& q : blocks)
    p.add(q);
  std::vector<Quad> best(blocks.begin(), blocks.end());
  Random random(seed);
  const std::uint64_t most = std::min(stop_at, quadruple_packing_limit(n));
  std::uint64_t s = 0;
  for (; s < steps && p.any_free() && best.size() < most; ++s) {
    const auto [a, b, c] = p.draw_free(random);
    const auto x = static_cast<std::uint32_t>(random.index(n));
    if (x == a || x == b || x == c) continue;
    std::array<std::uint32_t, 3> in_way{};
    std::uint32_t count = 0;
    for (std::uint32_t o : {p.owner(a, b, x), p.owner(a, c, x), p.owner(b, c, x)}) {
      if (o != kNone &&
          std::find(in_way.begin(), in_way.begin() + count, o) == in_way.begin() + count)
        in_way[count++] = o;
    }
    if (count == 2) {
      const std::uint64_t odds = kLossOdds[s * kLossOdds.size() / steps];
      if (odds == 0 || random.index(odds) != 0) continue;
    }
    if (count == 3) continue;
    for (std::uint32_t i = 0; i < count; ++i)
      p.erase(in_way[i]);
    p.add({static_cast<std::uint16_t>(a), static_cast<std::uint16_t>(b),
           static_cast<std::uint16_t>(c), static_cast<std::uint16_t>(x)});
    if (p.size() > best.size()) best = p.blocks();
  }
  return {std::move(best), s};
}

std::vector<Quad> balance_order(std::vector<Quad> blocks, std::uint32_t n) {
  std::vector<std::uint64_t> load(n, 0);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    std::size_t pick = i;
    std::uint64_t pick_max = UINT64_MAX;
    std::uint64_t pick_sum = UINT64_MAX;
    for (std::size_t j = i; j < blocks.size(); ++j) {
      std::uint64_t most = 0;
      std::uint64_t sum = 0;
      for (std::uint16_t p : blocks[j]) {
        most = std::max(most, load[p]);
        sum += load[p];
      }
      if (most < pick_max || (most == pick_max && sum < pick_sum)) {
        pick = j;
        pick_max = most;
        pick_sum = sum;
      }
    }
    std::swap(blocks[i], blocks[pick]);
    for (std::uint16_t p : blocks[i])
      ++load[p];
  }
  return blocks;
}

}  // namespace cellkit

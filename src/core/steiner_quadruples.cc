// Steiner quadruple systems: search, doubling and the Boolean construction.
#include "core/steiner_quadruples.h"

#include <bit>
#include <cassert>
#include <initializer_list>
#include <numeric>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace cellkit {
namespace {

// The search's state: which triples are covered, as a v×v×v table of flags.
class TripleSearch {
 public:
  TripleSearch(std::uint32_t v, std::uint64_t budget)
      : v_(v), budget_(budget), covered_(std::size_t{v} * v * v, 0) {}

  bool run() { return extend(0, 1, 2); }
  std::vector<Quad> blocks() const { return blocks_; }

 private:
  bool covered(std::uint32_t a, std::uint32_t b, std::uint32_t c) const {
    return covered_[(std::size_t{a} * v_ + b) * v_ + c] != 0;
  }
  void set(std::uint32_t a, std::uint32_t b, std::uint32_t c, char on) {
    covered_[(std::size_t{a} * v_ + b) * v_ + c] = on;
  }
  // Marks (or clears) the four triples of {a,b,c,d}, a < b < c < d.
  void mark(const Quad& q, char on) {
    set(q[0], q[1], q[2], on);
    set(q[0], q[1], q[3], on);
    set(q[0], q[2], q[3], on);
    set(q[1], q[2], q[3], on);
  }
  // The first uncovered triple at or after (a, b, c) in lexicographic order; false when none.
  bool next_uncovered(std::uint32_t& a, std::uint32_t& b, std::uint32_t& c) const {
    for (; a + 2 < v_; ++a, b = a + 1, c = b + 1) {
      for (; b + 1 < v_; ++b, c = b + 1) {
        for (; c < v_; ++c) {
          if (!covered(a, b, c)) return true;
        }
      }
    }
    return false;
  }
  // Every triple before (a, b, c) is covered; a block through the first uncovered one needs
  // d > c, since a smaller d would repeat a covered triple.
  bool extend(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
    if (!next_uncovered(a, b, c)) return true;
    for (std::uint32_t d = c + 1; d < v_; ++d) {
      if (covered(a, b, d) || covered(a, c, d) || covered(b, c, d)) continue;
      if (tried_++ == budget_) return false;
      const Quad q = {static_cast<std::uint16_t>(a), static_cast<std::uint16_t>(b),
                      static_cast<std::uint16_t>(c), static_cast<std::uint16_t>(d)};
      mark(q, 1);
      blocks_.push_back(q);
      if (extend(a, b, c)) return true;
      blocks_.pop_back();
      mark(q, 0);
      if (tried_ > budget_) return false;
    }
    return false;
  }

  std::uint32_t v_;
  std::uint64_t budget_;
  std::uint64_t tried_ = 0;
  std::vector<char> covered_;
  std::vector<Quad> blocks_;
};

// Sorts a block's four points.
void sort4(Quad& t) {
  if (t[0] > t[1]) std::swap(t[0], t[1]);
  if (t[2] > t[3]) std::swap(t[2], t[3]);
  if (t[0] > t[2]) std::swap(t[0], t[2]);
  if (t[1] > t[3]) std::swap(t[1], t[3]);
  if (t[1] > t[2]) std::swap(t[1], t[2]);
}

// The cyclic search's state: covered triples (sorted a < b < c) and the blocks so far, with
// the marks made in order so that an orbit can be taken back.
class CyclicSearch {
 public:
  CyclicSearch(std::uint32_t v, std::uint64_t budget)
      : v_(v), budget_(budget), covered_(std::size_t{v} * v * v, 0) {}
  bool run() { return extend(1, 2); }
  std::vector<Quad> blocks() const { return blocks_; }

 private:
  std::size_t at(std::uint32_t a, std::uint32_t b, std::uint32_t c) const {
    return (std::size_t{a} * v_ + b) * v_ + c;
  }

  // Adds the translates of q until they repeat, marking their triples; on a triple already
  // covered takes everything back and returns false.
  bool add_orbit(const Quad& q) {
    const std::size_t marks = marks_.size(), blocks = blocks_.size();
    for (std::uint32_t s = 0; s < v_; ++s) {
      Quad t;
      for (std::size_t i = 0; i < 4; ++i)
        t[i] = static_cast<std::uint16_t>((q[i] + s) % v_);
      sort4(t);
      if (s > 0 && t == blocks_[blocks]) break;  // a short orbit: the rest repeats
      for (std::size_t i : {at(t[0], t[1], t[2]), at(t[0], t[1], t[3]), at(t[0], t[2], t[3]),
                            at(t[1], t[2], t[3])}) {
        if (covered_[i] != 0) {
          undo(marks, blocks);
          return false;
        }
        covered_[i] = 1;
        marks_.push_back(i);
      }
      blocks_.push_back(t);
    }
    return true;
  }

  void undo(std::size_t marks, std::size_t blocks) {
    for (std::size_t i = marks; i < marks_.size(); ++i)
      covered_[marks_[i]] = 0;
    marks_.resize(marks);
    blocks_.resize(blocks);
  }

  // Every triple's orbit holds one through 0, so the first uncovered triple has a = 0.
  bool next_uncovered(std::uint32_t& b, std::uint32_t& c) const {
    for (; b + 1 < v_; ++b, c = b + 1) {
      for (; c < v_; ++c) {
        if (covered_[at(0, b, c)] == 0) return true;
      }
    }
    return false;
  }

  bool extend(std::uint32_t b, std::uint32_t c) {
    if (!next_uncovered(b, c)) return true;
    for (std::uint32_t d = c + 1; d < v_; ++d) {
      if (covered_[at(0, b, d)] != 0 || covered_[at(0, c, d)] != 0 || covered_[at(b, c, d)] != 0) {
        continue;
      }
      if (tried_++ >= budget_) return false;
      const std::size_t marks = marks_.size(), blocks = blocks_.size();
      const Quad q = {0, static_cast<std::uint16_t>(b), static_cast<std::uint16_t>(c),
                      static_cast<std::uint16_t>(d)};
      if (!add_orbit(q)) continue;
      if (extend(b, c)) return true;
      undo(marks, blocks);
      if (tried_ >= budget_) return false;
    }
    return false;
  }

  std::uint32_t v_;
  std::uint64_t budget_;
  std::uint64_t tried_ = 0;
  std::vector<char> covered_;
  std::vector<std::size_t> marks_;
  std::vector<Quad> blocks_;
};

// The r-th 1-factor of K_v (v even) by the round robin: {∞, r} and {r+i, r-i} mod v-1.
std::vector<std::array<std::uint16_t, 2>> one_factor(std::uint32_t v, std::uint32_t r) {
  const std::uint32_t n = v - 1;
  std::vector<std::array<std::uint16_t, 2>> pairs;
  pairs.push_back({static_cast<std::uint16_t>(n), static_cast<std::uint16_t>(r)});
  for (std::uint32_t i = 1; i < v / 2; ++i) {
    pairs.push_back(
        {static_cast<std::uint16_t>((r + i) % n), static_cast<std::uint16_t>((r + n - i) % n)});
  }
  return pairs;
}

}  // namespace

std::uint64_t spread_step(std::uint64_t n) {
  if (n <= 2) return 1;
  std::uint64_t step = n * 618 / 1000;
  while (std::gcd(step, n) != 1)
    ++step;
  return step;
}

std::optional<std::vector<Quad>> search_sqs(std::uint32_t v, std::uint64_t budget) {
  if (!sqs_order_admissible(v)) return std::nullopt;
  TripleSearch search(v, budget);
  if (!search.run()) return std::nullopt;
  return search.blocks();
}

std::optional<std::vector<Quad>> search_cyclic_sqs(std::uint32_t v, std::uint64_t budget) {
  if (!sqs_order_admissible(v)) return std::nullopt;
  CyclicSearch search(v, budget);
  if (!search.run()) return std::nullopt;
  return search.blocks();
}

namespace {

// The images of the base blocks under x + p·i -> (a·x + b mod p) + p·i for a in the powers of
// `g` mod p (1, g, g², ...) and every b, the point p·copies (∞) fixed: each base block's images
// together, points sorted, repeats dropped.
std::vector<Quad> develop(std::span<const Quad> base, std::uint32_t p, std::uint32_t copies,
                          std::uint32_t g) {
  std::vector<std::uint32_t> multipliers = {1};
  for (std::uint32_t a = g % p; a != 1; a = a * g % p)
    multipliers.push_back(a);
  const std::uint32_t inf = p * copies;
  std::vector<Quad> out;
  std::set<Quad> seen;  // a block fixed by some x -> a·x comes up again under another a
  for (const Quad& q : base) {
    for (std::uint32_t a : multipliers) {
      for (std::uint32_t b = 0; b < p; ++b) {
        Quad t;
        for (std::size_t i = 0; i < 4; ++i) {
          t[i] = static_cast<std::uint16_t>(q[i] == inf ? inf
                                                        : (a * (q[i] % p) + b) % p + q[i] / p * p);
        }
        sort4(t);
        if (seen.insert(t).second) out.push_back(t);
      }
    }
  }
  return out;
}

// A stored system's base blocks and the group they are developed under (develop's arguments).
struct StoredBase {
  std::span<const Quad> base;
  std::uint32_t p;
  std::uint32_t copies;
  std::uint32_t multiplier;
};

std::optional<StoredBase> stored_base(std::uint32_t v) {
  // scripts/find_rotational_sqs.py 38 0; 37 stands for ∞, which every map fixes.
  static constexpr std::array<Quad, 27> kBase38 = {{
      {0, 1, 2, 32},  {0, 1, 3, 19},  {0, 1, 4, 11},  {0, 1, 5, 16},  {0, 1, 6, 13},
      {0, 1, 7, 22},  {0, 1, 8, 21},  {0, 1, 9, 18},  {0, 1, 10, 26}, {0, 1, 12, 28},
      {0, 1, 14, 15}, {0, 1, 17, 30}, {0, 1, 20, 34}, {0, 1, 27, 37}, {0, 1, 29, 33},
      {0, 2, 6, 23},  {0, 2, 7, 21},  {0, 2, 8, 22},  {0, 2, 15, 20}, {0, 2, 16, 30},
      {0, 2, 17, 37}, {0, 2, 19, 24}, {0, 3, 7, 28},  {0, 3, 12, 33}, {0, 3, 24, 37},
      {0, 5, 23, 29}, {0, 6, 29, 37},
  }};
  // scripts/find_rotational_sqs.py 46 0 (about a second); points x + 23·i, two copies.
  static constexpr std::array<Quad, 15> kBase46 = {{
      {0, 1, 2, 5},
      {0, 1, 3, 43},
      {0, 1, 9, 35},
      {0, 1, 13, 37},
      {0, 1, 23, 38},
      {0, 1, 24, 30},
      {0, 1, 25, 34},
      {0, 1, 27, 39},
      {0, 1, 28, 42},
      {0, 1, 29, 31},
      {0, 1, 36, 41},
      {0, 24, 26, 45},
      {0, 24, 37, 43},
      {0, 24, 42, 44},
      {23, 24, 26, 27},
  }};
  // scripts/find_rotational_sqs.py 50 0 (about 10 s); 49 stands for ∞.
  static constexpr std::array<Quad, 44> kBase50 = {{
      {0, 1, 2, 27},  {0, 1, 3, 4},   {0, 1, 5, 21},  {0, 1, 6, 15},  {0, 1, 7, 29},
      {0, 1, 8, 35},  {0, 1, 9, 45},  {0, 1, 10, 39}, {0, 1, 11, 14}, {0, 1, 12, 24},
      {0, 1, 13, 22}, {0, 1, 16, 36}, {0, 1, 17, 28}, {0, 1, 18, 30}, {0, 1, 19, 23},
      {0, 1, 20, 32}, {0, 1, 25, 33}, {0, 1, 31, 49}, {0, 1, 34, 41}, {0, 1, 37, 44},
      {0, 1, 38, 43}, {0, 1, 40, 42}, {0, 2, 4, 14},  {0, 2, 11, 36}, {0, 2, 13, 49},
      {0, 2, 15, 23}, {0, 2, 26, 29}, {0, 2, 28, 34}, {0, 2, 35, 43}, {0, 2, 38, 46},
      {0, 2, 42, 45}, {0, 3, 8, 20},  {0, 3, 15, 37}, {0, 3, 26, 40}, {0, 3, 29, 49},
      {0, 3, 32, 44}, {0, 4, 10, 26}, {0, 4, 16, 37}, {0, 4, 27, 43}, {0, 6, 16, 40},
      {0, 6, 39, 49}, {0, 7, 14, 35}, {0, 7, 21, 49}, {0, 9, 24, 49},
  }};
  // scripts/find_rotational_sqs.py 58 0 (about 3 s); points x + 29·i, two copies.
  static constexpr std::array<Quad, 38> kBase58 = {{
      {0, 1, 2, 17},   {0, 1, 3, 36},   {0, 1, 4, 31},    {0, 1, 5, 37},   {0, 1, 6, 43},
      {0, 1, 10, 46},  {0, 1, 11, 34},  {0, 1, 12, 52},   {0, 1, 13, 41},  {0, 1, 15, 56},
      {0, 1, 18, 30},  {0, 1, 19, 51},  {0, 1, 22, 55},   {0, 1, 27, 53},  {0, 1, 29, 35},
      {0, 1, 32, 57},  {0, 1, 33, 45},  {0, 1, 48, 49},   {0, 2, 12, 44},  {0, 2, 31, 50},
      {0, 2, 37, 57},  {0, 2, 38, 46},  {0, 2, 52, 54},   {0, 29, 30, 41}, {0, 30, 31, 47},
      {0, 30, 32, 36}, {0, 30, 33, 48}, {0, 30, 34, 50},  {0, 30, 35, 44}, {0, 30, 37, 53},
      {0, 30, 38, 57}, {0, 30, 42, 55}, {0, 31, 32, 33},  {0, 31, 41, 48}, {0, 31, 55, 57},
      {0, 33, 42, 44}, {0, 37, 39, 41}, {29, 30, 39, 42},
  }};
  // Exactly the orders of kRotationalOrders, a test checks
  // (QuadruplePacking.TheRotationalOrdersAreExactlyTheStoredSystems): add an order to both.
  if (v == 38) return StoredBase{kBase38, 37, 1, 10};
  if (v == 46) return StoredBase{kBase46, 23, 2, 2};
  if (v == 50) return StoredBase{kBase50, 49, 1, 18};
  if (v == 58) return StoredBase{kBase58, 29, 2, 16};
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<Quad>> rotational_sqs(std::uint32_t v) {
  const std::optional<StoredBase> s = stored_base(v);
  if (!s) return std::nullopt;
  return develop(s->base, s->p, s->copies, s->multiplier);
}

std::string rotational_sqs_origin(std::uint32_t v) {
  const std::optional<StoredBase> s = stored_base(v);
  if (!s) return "";
  const std::string copies = s->copies == 1 ? fmt::format("Z_{}", s->p)
                                            : fmt::format("{} copies of Z_{}", s->copies, s->p);
  return fmt::format("{} base blocks on {}{}", s->base.size(), copies,
                     s->p * s->copies < v ? " and a point" : "");
}

std::optional<std::vector<Quad>> cyclic_packing(std::uint32_t v) {
  // scripts/find_cyclic_packing.py 29 6 0 (seed 0, about 2 s).
  static constexpr std::array<Quad, 30> kBase29 = {{
      {0, 1, 2, 6},   {0, 1, 3, 24},  {0, 1, 4, 9},   {0, 1, 7, 15},  {0, 1, 8, 25},
      {0, 1, 10, 27}, {0, 1, 12, 13}, {0, 1, 14, 20}, {0, 1, 16, 21}, {0, 1, 19, 22},
      {0, 1, 23, 26}, {0, 2, 4, 7},   {0, 2, 8, 21},  {0, 2, 9, 11},  {0, 2, 10, 13},
      {0, 2, 14, 17}, {0, 2, 15, 26}, {0, 2, 16, 24}, {0, 2, 19, 25}, {0, 3, 9, 16},
      {0, 3, 13, 20}, {0, 3, 14, 23}, {0, 4, 8, 20},  {0, 4, 10, 21}, {0, 4, 11, 17},
      {0, 4, 13, 18}, {0, 4, 14, 24}, {0, 4, 15, 22}, {0, 5, 10, 22}, {0, 5, 15, 23},
  }};
  // scripts/find_cyclic_packing.py --local 41 62 1 20000000 (about 20 s).
  static constexpr std::array<Quad, 62> kBase41 = {{
      {0, 1, 2, 12},  {0, 1, 3, 10},  {0, 1, 4, 14},  {0, 1, 5, 36},  {0, 1, 6, 32},
      {0, 1, 8, 21},  {0, 1, 9, 34},  {0, 1, 13, 27}, {0, 1, 15, 31}, {0, 1, 16, 23},
      {0, 1, 17, 18}, {0, 1, 20, 38}, {0, 1, 22, 39}, {0, 1, 26, 30}, {0, 1, 28, 33},
      {0, 1, 29, 35}, {0, 2, 4, 25},  {0, 2, 5, 7},   {0, 2, 6, 26},  {0, 2, 8, 19},
      {0, 2, 10, 14}, {0, 2, 11, 27}, {0, 2, 13, 28}, {0, 2, 15, 34}, {0, 2, 16, 37},
      {0, 2, 17, 22}, {0, 2, 18, 30}, {0, 2, 20, 31}, {0, 2, 21, 33}, {0, 2, 29, 32},
      {0, 3, 6, 31},  {0, 3, 7, 33},  {0, 3, 8, 37},  {0, 3, 9, 19},  {0, 3, 11, 17},
      {0, 3, 15, 35}, {0, 3, 16, 21}, {0, 3, 18, 26}, {0, 3, 20, 32}, {0, 3, 22, 36},
      {0, 3, 25, 30}, {0, 3, 29, 34}, {0, 4, 8, 32},  {0, 4, 9, 27},  {0, 4, 10, 19},
      {0, 4, 11, 18}, {0, 4, 13, 36}, {0, 4, 17, 26}, {0, 4, 21, 34}, {0, 4, 22, 29},
      {0, 5, 11, 32}, {0, 5, 20, 30}, {0, 5, 21, 29}, {0, 5, 22, 33}, {0, 6, 14, 34},
      {0, 6, 18, 24}, {0, 6, 19, 25}, {0, 7, 15, 29}, {0, 7, 17, 31}, {0, 7, 18, 27},
      {0, 7, 24, 32}, {0, 8, 18, 31},
  }};
  // scripts/find_cyclic_packing.py --anneal 53 107 2 20000000 3000 6 (under 10 minutes).
  static constexpr std::array<Quad, 106> kBase53 = {{
      {0, 1, 2, 12},   {0, 1, 3, 51},  {0, 1, 4, 22},  {0, 1, 5, 14},   {0, 1, 6, 48},
      {0, 1, 7, 20},   {0, 1, 8, 13},  {0, 1, 9, 38},  {0, 1, 10, 30},  {0, 1, 15, 43},
      {0, 1, 16, 49},  {0, 1, 17, 40}, {0, 1, 18, 33}, {0, 1, 19, 45},  {0, 1, 21, 42},
      {0, 1, 23, 35},  {0, 1, 24, 47}, {0, 1, 25, 50}, {0, 1, 26, 44},  {0, 1, 28, 37},
      {0, 1, 29, 32},  {0, 1, 31, 34}, {0, 1, 36, 41}, {0, 1, 39, 46},  {0, 2, 4, 49},
      {0, 2, 6, 40},   {0, 2, 7, 39},  {0, 2, 8, 23},  {0, 2, 9, 18},   {0, 2, 10, 45},
      {0, 2, 11, 26},  {0, 2, 13, 22}, {0, 2, 14, 35}, {0, 2, 15, 28},  {0, 2, 16, 19},
      {0, 2, 20, 25},  {0, 2, 21, 30}, {0, 2, 24, 38}, {0, 2, 27, 43},  {0, 2, 29, 36},
      {0, 2, 31, 48},  {0, 2, 32, 37}, {0, 2, 33, 42}, {0, 3, 6, 45},   {0, 3, 7, 43},
      {0, 3, 8, 31},   {0, 3, 9, 16},  {0, 3, 10, 38}, {0, 3, 11, 33},  {0, 3, 12, 40},
      {0, 3, 14, 46},  {0, 3, 15, 26}, {0, 3, 17, 48}, {0, 3, 18, 35},  {0, 3, 19, 49},
      {0, 3, 20, 34},  {0, 3, 27, 32}, {0, 3, 29, 41}, {0, 3, 30, 47},  {0, 3, 36, 44},
      {0, 4, 9, 31},   {0, 4, 10, 14}, {0, 4, 11, 17}, {0, 4, 12, 16},  {0, 4, 15, 34},
      {0, 4, 18, 29},  {0, 4, 19, 27}, {0, 4, 21, 46}, {0, 4, 24, 37},  {0, 4, 25, 33},
      {0, 4, 26, 39},  {0, 4, 30, 44}, {0, 4, 35, 42}, {0, 4, 36, 48},  {0, 5, 10, 39},
      {0, 5, 12, 42},  {0, 5, 15, 38}, {0, 5, 16, 32}, {0, 5, 19, 44},  {0, 5, 24, 40},
      {0, 5, 25, 31},  {0, 5, 30, 43}, {0, 6, 12, 26}, {0, 6, 14, 22},  {0, 6, 15, 29},
      {0, 6, 16, 38},  {0, 6, 17, 43}, {0, 6, 18, 34}, {0, 6, 23, 39},  {0, 6, 24, 32},
      {0, 6, 25, 35},  {0, 6, 27, 41}, {0, 7, 17, 27}, {0, 7, 19, 32},  {0, 7, 25, 45},
      {0, 7, 29, 40},  {0, 7, 31, 41}, {0, 7, 34, 42}, {0, 8, 21, 44},  {0, 8, 24, 41},
      {0, 8, 25, 42},  {0, 9, 19, 33}, {0, 9, 21, 43}, {0, 10, 23, 42}, {0, 10, 26, 41},
      {0, 11, 22, 40},
  }};
  if (v == 29) return develop(kBase29, 29, 1, 1);
  if (v == 41) return develop(kBase41, 41, 1, 1);
  if (v == 53) return develop(kBase53, 53, 1, 1);
  return std::nullopt;
}

std::vector<Quad> double_sqs(std::span<const Quad> base, std::uint32_t v) {
  assert(v % 2 == 0);
  const auto hi = [v](std::uint16_t x) { return static_cast<std::uint16_t>(x + v); };
  std::vector<Quad> out;
  out.reserve(base.size() * 2 + std::size_t{v} * v * (v - 1) / 4);
  const std::uint32_t half = v / 2;
  const std::uint64_t classes = std::uint64_t{v - 1} * half;
  const std::uint64_t step = spread_step(classes);
  for (std::uint64_t c = 0; c < classes; ++c) {
    const std::uint64_t spread = c * step % classes;
    const auto r = static_cast<std::uint32_t>(spread / half);
    const auto shift = static_cast<std::uint32_t>(spread % half);
    const auto pairs = one_factor(v, r);
    {
      for (std::uint32_t i = 0; i < half; ++i) {
        const auto& p = pairs[i];
        const auto& q = pairs[(i + shift) % half];
        out.push_back({p[0], p[1], hi(q[0]), hi(q[1])});
      }
    }
  }
  for (const Quad& b : base) {
    out.push_back(b);
    out.push_back({hi(b[0]), hi(b[1]), hi(b[2]), hi(b[3])});
  }
  return out;
}

std::vector<std::array<std::uint32_t, 2>> boolean_planes(std::uint32_t n) {
  const std::uint32_t size = 1u << n;
  std::vector<std::array<std::uint32_t, 2>> planes;
  for (std::uint32_t a = 1; a < size; ++a) {
    for (std::uint32_t b = a + 1; b < size; ++b) {
      if ((a ^ b) > b) planes.push_back({a, b});
    }
  }
  return planes;
}

void boolean_block(std::uint32_t a, std::uint32_t b, std::uint32_t coset,
                   std::span<std::uint32_t> out) {
  // a < b < a^b puts a's top bit below b's and clear in b. Representatives have both
  // pivot bits clear: insert two zero bits into the coset number, the lower pivot first.
  const std::uint32_t pa = std::bit_width(a) - 1;
  const std::uint32_t pb = std::bit_width(b) - 1;
  const auto insert_zero = [](std::uint32_t x, std::uint32_t bit) {
    const std::uint32_t low = x & ((1u << bit) - 1);
    return ((x >> bit) << (bit + 1)) | low;
  };
  const std::uint32_t r = insert_zero(insert_zero(coset, pa), pb);
  out[0] = r;
  out[1] = r ^ a;
  out[2] = r ^ b;
  out[3] = r ^ a ^ b;
}

std::vector<Quad> boolean_sqs(std::uint32_t n) {
  const std::uint32_t cosets = (1u << n) / 4;
  std::vector<Quad> out;
  std::array<std::uint32_t, 4> p{};
  for (const auto& [a, b] : boolean_planes(n)) {
    for (std::uint32_t c = 0; c < cosets; ++c) {
      boolean_block(a, b, c, p);
      out.push_back({static_cast<std::uint16_t>(p[0]), static_cast<std::uint16_t>(p[1]),
                     static_cast<std::uint16_t>(p[2]), static_cast<std::uint16_t>(p[3])});
    }
  }
  return out;
}

}  // namespace cellkit

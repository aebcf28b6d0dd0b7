// Bose and Skolem triple systems, maximum triple packings, and a balanced order.
#include "core/triple_systems.h"

#include <algorithm>
#include <cassert>

namespace cellkit {
namespace {

// Points (x, level) of Z_n × Z_3 are level·n + x.
Triple block(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
  return {static_cast<std::uint16_t>(a), static_cast<std::uint16_t>(b),
          static_cast<std::uint16_t>(c)};
}

// Bose, v = 3n with n odd: {(x,0),(x,1),(x,2)} for every x, and {(x,i),(y,i),(x∘y,i+1)} for
// every pair x ≠ y and level i, where x∘y = (x+y)/2 mod n (idempotent and commutative).
// Pairs are taken by difference d = y − x ∈ 1..(n−1)/2, so x∘y = x + d·(n+1)/2.
std::vector<Triple> bose(std::uint32_t v) {
  const std::uint32_t n = v / 3;
  const std::uint32_t half = (n + 1) / 2;
  std::vector<Triple> out;
  out.reserve(std::uint64_t{v} * (v - 1) / 6);
  for (std::uint32_t x = 0; x < n; ++x)
    out.push_back(block(x, n + x, 2 * n + x));
  for (std::uint32_t d = 1; d <= (n - 1) / 2; ++d) {
    for (std::uint32_t x = 0; x < n; ++x) {
      const std::uint32_t y = (x + d) % n;
      const std::uint32_t xy = static_cast<std::uint32_t>((x + std::uint64_t{d} * half) % n);
      for (std::uint32_t i = 0; i < 3; ++i)
        out.push_back(block(i * n + x, i * n + y, (i + 1) % 3 * n + xy));
    }
  }
  return out;
}

// Skolem, v = 3n + 1 with n = 2t: the half-idempotent commutative quasigroup on Z_n,
// x∘y = s/2 for s = (x+y) mod n even and (s−1)/2 + t for s odd, so x∘x = (x+t)∘(x+t) = x
// for x < t. Blocks: {(x,0),(x,1),(x,2)} for x < t; {∞,(x+t,i),(x,i+1)} for x < t and every
// level; {(x,i),(y,i),(x∘y,i+1)} for every pair x ≠ y and level. ∞ is point 3n.
std::vector<Triple> skolem(std::uint32_t v) {
  const std::uint32_t n = (v - 1) / 3;
  const std::uint32_t t = n / 2;
  const std::uint32_t infinity = 3 * n;
  const auto product = [&](std::uint32_t x, std::uint32_t y) {
    const std::uint32_t s = (x + y) % n;
    return s % 2 == 0 ? s / 2 : (s - 1) / 2 + t;
  };
  std::vector<Triple> out;
  out.reserve(std::uint64_t{v} * (v - 1) / 6);
  for (std::uint32_t x = 0; x < t; ++x)
    out.push_back(block(x, n + x, 2 * n + x));
  for (std::uint32_t x = 0; x < t; ++x) {
    for (std::uint32_t i = 0; i < 3; ++i)
      out.push_back(block(infinity, i * n + x + t, (i + 1) % 3 * n + x));
  }
  for (std::uint32_t x = 0; x < n; ++x) {
    for (std::uint32_t y = x + 1; y < n; ++y) {
      const std::uint32_t xy = product(x, y);
      for (std::uint32_t i = 0; i < 3; ++i)
        out.push_back(block(i * n + x, i * n + y, (i + 1) % 3 * n + xy));
    }
  }
  return out;
}

// A PBD(v, {3, 5*}) for v = 6n + 5: points (x, i) of Z_m × Z_3 (m = 2n + 1) and ∞1, ∞2
// (3m and 3m + 1). Bose's triples {(x,i),(y,i),(α(x∘y),i+1)} with α = (0)(1 2)(3 4)...(2n−1 2n)
// cover every pair but (x,i)-(α(x),i+1). For a = 2j − 1, b = 2j those form the 6-cycle
// (a,0) (b,1) (a,2) (b,0) (a,1) (b,2); ∞1 takes its matching {(a,i),(b,i+1)} and ∞2 the other,
// {(b,i),(a,i+1)}. Column 0's triangle and ∞1∞2 are left to the 5-block {∞1,∞2,(0,0),(0,1),(0,2)},
// which the caller replaces (it is not in the result). 6n² + 9n triples.
std::vector<Triple> five_block_design(std::uint32_t v) {
  const std::uint32_t n = (v - 5) / 6;
  const std::uint32_t m = 2 * n + 1;
  const std::uint32_t half = (m + 1) / 2;
  const auto alpha = [](std::uint32_t x) { return x == 0 ? 0 : (x % 2 == 1 ? x + 1 : x - 1); };
  std::vector<Triple> out;
  out.reserve(std::uint64_t{v} * (v - 1) / 6);
  for (std::uint32_t x = 0; x < m; ++x) {
    for (std::uint32_t y = x + 1; y < m; ++y) {
      const std::uint32_t xy = alpha(static_cast<std::uint32_t>((x + y) * std::uint64_t{half} % m));
      for (std::uint32_t i = 0; i < 3; ++i)
        out.push_back(block(i * m + x, i * m + y, (i + 1) % 3 * m + xy));
    }
  }
  for (std::uint32_t a = 1; a < m; a += 2) {
    for (std::uint32_t i = 0; i < 3; ++i) {
      out.push_back(block(3 * m, i * m + a, (i + 1) % 3 * m + a + 1));
      out.push_back(block(3 * m + 1, i * m + a + 1, (i + 1) % 3 * m + a));
    }
  }
  return out;
}

// n ≡ 5 (mod 6): the 5-block {∞1,∞2,c0,c1,c2} as {c0,c1,c2} and {c0,∞1,∞2} (leave: the 4-cycle
// c1 ∞1 c2 ∞2). n ≡ 4: the design on n + 1 points less ∞2 (its triples leave a perfect matching
// of the points other than ∞1 and column 0), and {c0,c1,c2} (leave: ∞1 to each of them).
std::vector<Triple> five_block_packing(std::uint32_t n) {
  const std::uint32_t v = n % 6 == 5 ? n : n + 1;
  const std::uint32_t m = (v - 2) / 3;
  std::vector<Triple> out = five_block_design(v);
  if (v != n) std::erase_if(out, [&](const Triple& b) { return b[0] == 3 * m + 1; });
  out.push_back(block(0, m, 2 * m));
  if (v == n) out.push_back(block(0, 3 * m, 3 * m + 1));
  return out;
}

}  // namespace

std::vector<Triple> steiner_triple_system(std::uint32_t v) {
  assert(sts_order_admissible(v) && v <= 65'535);
  return v % 6 == 3 ? bose(v) : skolem(v);
}

std::uint64_t max_triple_packing(std::uint32_t n) {
  const std::uint64_t schonheim = std::uint64_t{n} * ((n - 1) / 2) / 3;
  return n % 6 == 5 ? schonheim - 1 : schonheim;
}

TriplePacking triple_packing(std::uint32_t n) {
  assert(n >= 3 && n + 1 <= 65'535);
  switch (n % 6) {
    case 1:
    case 3:
      return {steiner_triple_system(n), PackingCut::kSystem};
    case 4:
      return {five_block_packing(n), PackingCut::kFiveBlockDesignLessAPoint};
    case 5:
      return {five_block_packing(n), PackingCut::kFiveBlockSplit};
    default:
      break;
  }
  std::vector<Triple> blocks = steiner_triple_system(n + 1);  // less point n, the last
  std::erase_if(blocks, [&](const Triple& b) { return b[0] == n || b[1] == n || b[2] == n; });
  return {std::move(blocks), PackingCut::kSystemLessAPoint};
}

std::vector<Triple> balance_triples(std::vector<Triple> blocks, std::uint32_t n) {
  std::vector<std::vector<std::uint32_t>> through(n);  // point -> its blocks not yet taken
  for (std::uint32_t i = 0; i < blocks.size(); ++i) {
    for (std::uint16_t p : blocks[i])
      through[p].push_back(i);
  }
  std::vector<bool> taken(blocks.size(), false);
  std::vector<std::uint32_t> load(n, 0);
  std::vector<std::uint32_t> left(n, 0);  // blocks not yet taken through each point
  for (std::uint32_t p = 0; p < n; ++p)
    left[p] = static_cast<std::uint32_t>(through[p].size());
  std::vector<Triple> out;
  out.reserve(blocks.size());
  while (out.size() < blocks.size()) {
    std::uint32_t point = n;  // the least loaded point with a block left, lowest first
    for (std::uint32_t p = 0; p < n; ++p) {
      if (left[p] != 0 && (point == n || load[p] < load[point])) point = p;
    }
    std::erase_if(through[point], [&](std::uint32_t i) { return taken[i]; });
    std::uint32_t best = 0;
    std::uint64_t best_key = ~std::uint64_t{0};
    for (std::uint32_t i : through[point]) {
      const Triple& b = blocks[i];
      const std::uint32_t high = std::max({load[b[0]], load[b[1]], load[b[2]]});
      const std::uint64_t key =
          (std::uint64_t{high} << 32) | (load[b[0]] + load[b[1]] + load[b[2]]);
      if (key < best_key) {
        best_key = key;
        best = i;
      }
    }
    taken[best] = true;
    for (std::uint16_t p : blocks[best]) {
      ++load[p];
      --left[p];
    }
    out.push_back(blocks[best]);
  }
  return out;
}

}  // namespace cellkit

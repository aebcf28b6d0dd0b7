// Steiner triple systems (k = 3, m = 1: every pair of points in exactly one block) by the
// Bose and Skolem constructions, and maximum packings of triples for the other orders.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace cellkit {

// A block of 3 distinct points.
using Triple = std::array<std::uint16_t, 3>;

// An STS(v) exists exactly when v ≡ 1 or 3 (mod 6).
inline bool sts_order_admissible(std::uint32_t v) {
  return v >= 3 && (v % 6 == 1 || v % 6 == 3);
}

// The STS(v), v(v−1)/6 blocks: Bose's construction for v ≡ 3 (mod 6) (an idempotent
// commutative quasigroup of odd order v/3), Skolem's for v ≡ 1 (mod 6) (a half-idempotent
// one of order (v−1)/3, plus a point ∞). Requires sts_order_admissible(v) and v ≤ 65,535.
std::vector<Triple> steiner_triple_system(std::uint32_t v);

// The most triples on n points sharing no pair (the packing number): ⌊n/3·⌊(n−1)/2⌋⌋, less
// one when n ≡ 5 (mod 6) (Schönheim's bound, reached for every n ≥ 3).
std::uint64_t max_triple_packing(std::uint32_t n);

// A maximum triple packing on points 0..n−1 (n ≥ 3, n + 1 ≤ 65,535; max_triple_packing(n)
// blocks): the system itself when n admits one; n ≡ 0, 2 (mod 6): STS(n+1) less a point (its
// leave a perfect matching); n ≡ 5: a pairwise balanced design on n points with one block of
// size 5 and the rest triples, that block split into two triples (leave a 4-cycle); n ≡ 4:
// the same design on n + 1 points less a point of the 5-block, a triple in the other four
// (leave three edges at one point and a perfect matching on the rest).
enum class PackingCut : std::uint8_t {
  kSystem,                    // the STS(n)
  kSystemLessAPoint,          // STS(n+1) less a point
  kFiveBlockSplit,            // PBD(n, {3, 5*}), its 5-block as two triples
  kFiveBlockDesignLessAPoint  // PBD(n+1, {3, 5*}) less a point of the 5-block
};
struct TriplePacking {
  std::vector<Triple> blocks;
  PackingCut cut = PackingCut::kSystem;
};
TriplePacking triple_packing(std::uint32_t n);

// Orders blocks for even loads: each next block is, among those through the least loaded point
// (lowest first) not yet ordered, the one whose most loaded point is least loaded (then the
// least load sum, then the earliest). Deterministic; O(blocks·(n + blocks per point)).
std::vector<Triple> balance_triples(std::vector<Triple> blocks, std::uint32_t n);

}  // namespace cellkit

// Steiner quadruple systems as block lists: exact search for small orders and doubling.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cellkit {

// A block of 4 distinct points.
using Quad = std::array<std::uint16_t, 4>;

// An SQS(v) exists exactly when v ≡ 2 or 4 (mod 6) (or v < 4 trivially; not used here).
inline bool sqs_order_admissible(std::uint32_t v) {
  return v >= 4 && (v % 6 == 2 || v % 6 == 4);
}

// An SQS(v) found by depth-first search that covers the lexicographically first uncovered
// triple {a,b,c} with a block {a,b,c,d}, d tried in increasing order. Deterministic. Nothing
// when `budget` blocks were tried without completing the system.
std::optional<std::vector<Quad>> search_sqs(std::uint32_t v, std::uint64_t budget);

// A cyclic SQS(v), invariant under x -> x + 1 (mod v), found by depth-first search: the
// first uncovered triple {0,b,c} is covered by the whole orbit of a block {0,b,c,d}, d tried
// in increasing order. Finds SQS(22) and SQS(26) in well under a second where search_sqs
// gives up (a cyclic one has v times fewer choices to make). Deterministic. Nothing when
// `budget` orbits were tried without completing the system, or when none is cyclic.
std::optional<std::vector<Quad>> search_cyclic_sqs(std::uint32_t v, std::uint64_t budget);

// An SQS(v) kept as base blocks, found offline by scripts/find_rotational_sqs.py (an exact cover
// of the orbits of triples under a group by orbits of blocks; seconds in Python; the tests check
// every triple once). Points: `copies` copies of Z_p (x + p·i) and for v = 38, 50 a point ∞ (the
// last); the group of the maps x + p·i -> (a·x + b mod p) + p·i, a in a cyclic group of
// multipliers, b in Z_p, fixing ∞. v = 38: Z_37 and ∞, a in <10> (order 3), 27 base blocks;
// v = 46: two copies of Z_23, a in <2> (order 11); v = 50: Z_49 and ∞, a in <18> (order 3);
// v = 58: two copies of Z_29, a in <16> (order 7). Each base block's images together (by
// multiplier, then translate), repeats dropped, block points sorted. Nothing for other v.
std::optional<std::vector<Quad>> rotational_sqs(std::uint32_t v);

// The orders rotational_sqs keeps, increasing (a second list beside the stored data;
// QuadruplePacking.TheRotationalOrdersAreExactlyTheStoredSystems checks that the two agree).
inline constexpr std::array<std::uint32_t, 4> kRotationalOrders = {38, 46, 50, 58};

// How rotational_sqs(v) is kept, for messages: "27 base blocks on Z_37 and a point", "15 base
// blocks on 2 copies of Z_23". Empty for other v.
std::string rotational_sqs_origin(std::uint32_t v);

// A packing of quadruples on Z_v (every triple in at most one block) invariant under
// x -> x + 1 (mod v): the v translates of base blocks found offline by
// scripts/find_cyclic_packing.py (Algorithm X over the orbits of triples, some left uncovered,
// or a local search over the block orbits) and kept as data, each base block's translates
// together, block points sorted. v = 29: 30 base blocks, 870 blocks (Johnson's bound is 877, not a
// multiple of 29; the search from SQS(32) less 3 points reached 854); v = 41: 62 base blocks, 2,542
// blocks (Johnson's bound 2,593; SQS(44) less 3 points holds 2,470); v = 53: 106 base blocks,
// 5,618 blocks (95.9% of C(53,3)/4; Johnson's bound 5,737; SQS(56) less 3 points holds 5,525).
// Nothing for other v.
std::optional<std::vector<Quad>> cyclic_packing(std::uint32_t v);

// The SQS(2v) of the doubling construction from an SQS(v) (v even): cross blocks
// {(a,0),(b,0),(c,1),(d,1)} for pairs {a,b}, {c,d} of one 1-factor of K_v (round robin), then
// B×{0} and B×{1} for each base block B. Point (x, s) is x + s·v. Cross blocks come in
// parallel classes (each covers all 2v points once; classes in spread_step order), so loads
// are even after each class.
std::vector<Quad> double_sqs(std::span<const Quad> base, std::uint32_t v);

// A step coprime to n near n·0.618: i -> i·step mod n visits 0..n-1 once each, and puts
// neighbours in i far apart. Orders parallel classes so that an early prefix of a design
// does not use up the blocks through a few pairs (which would leave drains no room).
std::uint64_t spread_step(std::uint64_t n);

// The Boolean SQS(2^n) as a block list (small n, for tests and as a doubling base): the
// cosets of every 2-dimensional subspace of GF(2)^n, a subspace's cosets consecutive.
std::vector<Quad> boolean_sqs(std::uint32_t n);

// Boolean block `index` (subspace index / (2^n / 4), coset index % (2^n / 4)) given the
// subspace's basis {a, b}: writes {r, r^a, r^b, r^a^b} for the coset's representative r.
void boolean_block(std::uint32_t a, std::uint32_t b, std::uint32_t coset,
                   std::span<std::uint32_t> out);

// The bases {a, b} (a < b < a^b, a and b the two smallest nonzero elements) of the
// 2-dimensional subspaces of GF(2)^n, in increasing (a, b).
std::vector<std::array<std::uint32_t, 2>> boolean_planes(std::uint32_t n);

}  // namespace cellkit

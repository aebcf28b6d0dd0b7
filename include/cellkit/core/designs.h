// Combinatorial designs that place tenants at the overlap bound: Reed–Solomon zone stripes,
// Steiner quadruple systems (Boolean, searched, cyclic, rotational and their doubles), affine
// planes and Steiner triple systems.
// docs/placement.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cellkit {

enum class DesignFamily : std::uint8_t {
  kNone,
  kReedSolomonStripes,  // k zones of q cells (q a prime power, k <= q), m < k: q^(m+1) shards
  kBooleanSqs,          // N = 2^n, k = 4, m = 2: the blocks {a, b, c, a^b^c}
  kDoubledSqs,          // N = v·2^j (j ≥ 1), k = 4, m = 2: doubling of one of the next three
  kAffinePlane,         // N = q², k = q, m = 1: the q(q+1) lines of AG(2,q)
  kSteinerTriple,       // N ≡ 1, 3 (mod 6), k = 3, m = 1: Bose or Skolem, N(N−1)/6 shards
  kTriplePacking,       // other N, k = 3, m = 1: a maximum packing (strategy design only)
  kSearchedSqs,         // N = 10, 14, k = 4, m = 2: an SQS(N) found by exact search
  kCyclicSqs,           // N = 22, 26, 34, k = 4, m = 2: invariant under x -> x + 1 (mod N)
  kRotationalSqs,       // N = 38, 46, 50, 58, k = 4, m = 2: stored base blocks under x -> ax + b
};

// "reed-solomon stripes", "boolean steiner quadruple system", "rotational steiner quadruple
// system", ..., "none".
std::string_view family_name(DesignFamily family);

// A fleet shape: N cells in one pool (zones <= 1) or in `zones` zones of N/zones cells each
// with one cell of every shard per zone (stripes need zones == shard_size).
struct DesignShape {
  std::uint32_t cells = 0;        // N
  std::uint32_t zones = 0;        // 0 or 1 = one pool
  std::uint32_t shard_size = 0;   // k
  std::uint32_t max_overlap = 0;  // m

  bool operator==(const DesignShape&) const = default;
};

// The shards of a design: size() codewords of k points each, no two sharing more than m
// points. Points are 0..N-1; with zones, point z·q + x is cell x of zone z. Immutable, so a
// design may be shared between strategies and threads.
class Design {
 public:
  virtual ~Design() = default;
  virtual DesignFamily family() const = 0;
  virtual std::uint64_t size() const = 0;
  // Writes the index-th codeword's k points (zone order for stripes). Requires index < size()
  // and out.size() == k (asserts). Consecutive indices keep every point's count within one
  // of every other's at the end of each parallel class (see docs/placement.md).
  virtual void codeword(std::uint64_t index, std::span<std::uint32_t> out) const = 0;
};

// What the shape admits: the family (kNone when no construction applies), the overlap bound,
// how many shards the construction gives, and a one-line reason.
struct DesignFit {
  DesignFamily family = DesignFamily::kNone;
  std::uint64_t bound = 0;  // most tenants sharing at most m cells (saturates at 2^64-1)
  std::uint64_t reach = 0;  // codewords of the construction; 0 when none applies
  std::string reason;       // "4 zones of 512 cells (GF(512)), ..." or why none applies
};
DesignFit fit_design(const DesignShape& shape);

// The construction for the shape, or nullptr when none applies. Base systems found by search
// are kept for the life of the process (the search is deterministic).
std::shared_ptr<const Design> make_design(const DesignShape& shape);

// A design on more points than the fleet has cells, most of whose blocks avoid the points
// left out: for one pool of N cells with k = 4, m = 2 and no SQS(N) here, the SQS on the
// smallest admissible N' in (N, 2N] that is built here with at most 250,000 blocks, and
// N' − N points to leave out, chosen greedily so that many blocks lie inside them (every
// block inside is one fewer lost). Codewords touching an absent point are not used. When
// larger, a doubled packing (N ≡ 0 mod 4), a packing on the next multiple of 4 less points or
// a stored packing instead (src/core/restricted_sqs.h; N = 24: 498 blocks doubled from 12, where
// the cut of SQS(26) holds 462; N = 29: the stored cyclic packing, 870).
// When that system has at most 3,000 blocks (N ≤ 39, and 41), the blocks avoiding the absent
// points are relabelled onto the N cells' points, improved by a seeded local search (swap a
// block out to admit more; at most 10,000,000 steps, stopping at the packing limit or, for a
// start listed with what the search is known to reach from it, there; deterministic) and
// ordered for even loads: then `absent` has N entries, all false (N = 30: 945 tenants placed
// before, 966 after).
struct RestrictedDesign {
  std::shared_ptr<const Design> design;
  std::vector<bool> absent;  // by point of the design: true for the N' − N left out
  // Local-search steps taken: 0 when none ran (start above 3,000 blocks or taken as it is), the
  // start was at the packing limit, or it already held its known reach.
  std::uint64_t search_steps = 0;
};
std::optional<RestrictedDesign> restricted_sqs(std::uint32_t cells);

// For one pool of N cells with k = 3, m = 1 and no STS(N) (N ≢ 1, 3 mod 6; 4 ≤ N ≤ 1,024):
// a maximum triple packing (triple_packing in core/triple_systems.h), in a balanced order for
// even loads; family kTriplePacking. nullptr for other N. Built once per N.
std::shared_ptr<const Design> triple_packing_design(std::uint32_t cells);

// The overlap bound for shards of k cells with at most m shared: C(N,m+1)/C(k,m+1) in one
// pool; with zones, the (m+1)-subsets a shard can hold (⌈k/z⌉ cells per zone at most) over
// C(k,m+1) — q^(m+1) for stripes. `zone_sizes` empty = one pool of `cells`. Saturates.
std::uint64_t overlap_bound(std::uint32_t cells, std::span<const std::uint32_t> zone_sizes,
                            std::uint32_t shard_size, std::uint32_t max_overlap);

}  // namespace cellkit

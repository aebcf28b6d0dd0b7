// The design families, which shapes admit them, and the overlap bound.
#include "cellkit/core/designs.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "cellkit/base/galois_field.h"
#include "core/listed_design.h"
#include "core/quadruple_packing.h"
#include "core/steiner_quadruples.h"
#include "core/triple_systems.h"

namespace cellkit {
namespace {

__extension__ using u128 = unsigned __int128;
constexpr std::uint64_t kSaturated = ~std::uint64_t{0};
// Block lists kept in memory are limited to this many blocks (8 bytes each).
constexpr std::uint64_t kMaxListedBlocks = 4'000'000;
// Boolean systems enumerate planes from a table of 2 words each: 2^n <= this.
constexpr std::uint32_t kMaxBooleanCells = 4096;
// Orders whose SQS is searched (larger ones come from doubling), and the search's budget;
// orders above kMaxSearchedOrder up to kMaxCyclicOrder by the cyclic search (CPU time, once per
// process: 26 about 0.4 s, 34 about 0.5 s, docs/placement.md; no cyclic SQS(38) turned up in 15
// minutes, so larger orders stay out).
constexpr std::uint32_t kMaxSearchedOrder = 20;
constexpr std::uint32_t kMaxCyclicOrder = 34;
// SQS(38), SQS(46), SQS(50) and SQS(58) are kept as base blocks under x -> ax + b
// (rotational_sqs, kRotationalOrders) and come orbit by orbit, whose prefixes load the cells
// unevenly (38 in that order: cell ∞ took none of the first 1,000 tenants), so all four are put
// in balance_order, every prefix within 2.
constexpr std::uint64_t kSearchBudget = 2'000'000;
// Triple systems and packings are listed and put in a balanced order (O(N³/12)): N <= this.
constexpr std::uint32_t kMaxTripleCells = 1024;

std::uint64_t saturate(u128 x) {
  return x > kSaturated ? kSaturated : static_cast<std::uint64_t>(x);
}

u128 choose128(std::uint64_t n, std::uint64_t r) {
  if (r > n) return 0;
  r = std::min(r, n - r);
  u128 c = 1;
  for (std::uint64_t i = 0; i < r; ++i) {
    if (c > (~u128{0}) / (n - i)) return ~u128{0};
    c = c * (n - i) / (i + 1);
  }
  return c;
}

u128 power128(std::uint64_t q, std::uint32_t e) {
  u128 x = 1;
  for (std::uint32_t i = 0; i < e; ++i) {
    if (x > (~u128{0}) / q) return ~u128{0};
    x *= q;
  }
  return x;
}

bool is_power_of_two(std::uint32_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

// Codeword i: the polynomial whose base-q digits of i are its coefficients, constant first,
// evaluated at the field elements 0..k-1. The constant coefficient runs fastest, so each run
// of q codewords puts one codeword on every cell.
class StripesDesign final : public Design {
 public:
  StripesDesign(GaloisField field, std::uint32_t k, std::uint32_t m)
      : field_(std::move(field)), k_(k), m_(m), size_(saturate(power128(field_.order(), m + 1))) {}
  DesignFamily family() const override { return DesignFamily::kReedSolomonStripes; }
  std::uint64_t size() const override { return size_; }
  void codeword(std::uint64_t index, std::span<std::uint32_t> out) const override {
    assert(index < size_ && out.size() == k_);
    const std::uint32_t q = field_.order();
    std::array<std::uint32_t, 16> coefficients{};
    for (std::uint32_t j = 0; j <= m_; ++j, index /= q)
      coefficients[j] = static_cast<std::uint32_t>(index % q);
    for (std::uint32_t zone = 0; zone < k_; ++zone) {
      std::uint32_t value = 0;  // Horner, highest coefficient first
      for (std::uint32_t j = m_ + 1; j-- > 0;)
        value = field_.add(field_.mul(value, zone), coefficients[j]);
      out[zone] = zone * q + value;
    }
  }

 private:
  GaloisField field_;
  std::uint32_t k_;
  std::uint32_t m_;
  std::uint64_t size_;
};

// Lines of AG(2,q): class c < q holds the lines y = c·x + b, class q the lines x = b; each
// class is a parallel class. Point (x, y) is x·q + y.
class AffinePlaneDesign final : public Design {
 public:
  explicit AffinePlaneDesign(GaloisField field) : field_(std::move(field)) {}
  DesignFamily family() const override { return DesignFamily::kAffinePlane; }
  std::uint64_t size() const override {
    return std::uint64_t{field_.order()} * (field_.order() + 1);
  }
  void codeword(std::uint64_t index, std::span<std::uint32_t> out) const override {
    const std::uint32_t q = field_.order();
    assert(index < size() && out.size() == q);
    const auto slope = static_cast<std::uint32_t>(index / q);
    const auto b = static_cast<std::uint32_t>(index % q);
    for (std::uint32_t x = 0; x < q; ++x)
      out[x] = slope == q ? b * q + x : x * q + field_.add(field_.mul(slope, x), b);
  }

 private:
  GaloisField field_;
};

// The Boolean SQS(2^n) by index: plane (index / 2^(n-2))·step, coset index % 2^(n-2). The
// planes' cosets are parallel classes; the step spreads the planes through each pair.
class BooleanSqsDesign final : public Design {
 public:
  explicit BooleanSqsDesign(std::uint32_t n)
      : n_(n), planes_(boolean_planes(n)), step_(spread_step(planes_.size())) {}
  DesignFamily family() const override { return DesignFamily::kBooleanSqs; }
  std::uint64_t size() const override { return planes_.size() * cosets(); }
  void codeword(std::uint64_t index, std::span<std::uint32_t> out) const override {
    assert(index < size() && out.size() == 4);
    const auto& [a, b] = planes_[(index / cosets()) * step_ % planes_.size()];
    boolean_block(a, b, static_cast<std::uint32_t>(index % cosets()), out);
  }

 private:
  std::uint64_t cosets() const { return (std::uint64_t{1} << n_) / 4; }
  std::uint32_t n_;
  std::vector<std::array<std::uint32_t, 2>> planes_;
  std::uint64_t step_;
};

// How sqs_blocks builds SQS(v), the first rule that applies: v/2 admissible (doubling), a
// stored base, the exact search, the cyclic search. kNone when v is not admissible or above
// them all (the search may still give up on an order it is tried for).
DesignFamily sqs_family(std::uint32_t v) {
  if (!sqs_order_admissible(v)) return DesignFamily::kNone;
  if (v % 2 == 0 && sqs_order_admissible(v / 2)) return DesignFamily::kDoubledSqs;
  if (std::ranges::find(kRotationalOrders, v) != kRotationalOrders.end()) {
    return DesignFamily::kRotationalSqs;
  }
  if (v <= kMaxSearchedOrder) return DesignFamily::kSearchedSqs;
  if (v <= kMaxCyclicOrder) return DesignFamily::kCyclicSqs;
  return DesignFamily::kNone;
}

// The SQS(v) by sqs_family's rule. Nothing when none applies or the search gives up.
std::optional<std::vector<Quad>> sqs_blocks(std::uint32_t v) {
  switch (sqs_family(v)) {
    case DesignFamily::kDoubledSqs: {
      std::optional<std::vector<Quad>> half = sqs_blocks(v / 2);
      if (!half) return std::nullopt;
      return double_sqs(*half, v / 2);
    }
    case DesignFamily::kRotationalSqs:
      return balance_order(*rotational_sqs(v), v);
    case DesignFamily::kSearchedSqs:
      return search_sqs(v, kSearchBudget);
    case DesignFamily::kCyclicSqs:
      return search_cyclic_sqs(v, kSearchBudget);
    default:
      return std::nullopt;
  }
}

// Searched and doubled systems, built once per order for the life of the process (the
// construction is deterministic, so the cache changes no output, only the time); nullptr
// when none is found.
std::shared_ptr<const Design> listed_sqs(std::uint32_t v) {
  static std::mutex mutex;
  static std::map<std::uint32_t, std::shared_ptr<const Design>> cache;
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(v);
  if (it == cache.end()) {
    std::optional<std::vector<Quad>> blocks = sqs_blocks(v);
    std::shared_ptr<const Design> design;
    if (blocks) {
      design = std::make_shared<ListedSqsDesign>(std::move(*blocks), sqs_family(v));
    }
    it = cache.emplace(v, std::move(design)).first;
  }
  return it->second;
}

// Which construction a shape admits (family kNone with the reason when none), with the
// field order for the algebraic ones.
struct Choice {
  DesignFamily family = DesignFamily::kNone;
  std::uint32_t q = 0;  // GF order (stripes, affine plane); 2^n cells for Boolean
  std::string reason;
};

Choice choose_stripes(const DesignShape& s) {
  const std::uint32_t z = s.zones;
  if (s.shard_size != z) {
    return {.reason = fmt::format("no design: stripes need one cell per zone (shard size {} "
                                  "with {} zones)",
                                  s.shard_size, z)};
  }
  if (s.cells % z != 0) {
    return {.reason =
                fmt::format("no design: {} cells do not split into {} equal zones", s.cells, z)};
  }
  const std::uint32_t q = s.cells / z;
  if (!prime_power(q) || q > GaloisField::kMaxOrder) {
    return {.reason = fmt::format("no design: {} cells per zone is not a prime power up to {}", q,
                                  GaloisField::kMaxOrder)};
  }
  if (z > q) {
    return {.reason = fmt::format("no design: Reed–Solomon stripes need at most as many zones "
                                  "as cells per zone ({} zones, {} cells each)",
                                  z, q)};
  }
  return {DesignFamily::kReedSolomonStripes, q,
          fmt::format("{} zones of {} cells, polynomials of degree at most {} over GF({})", z, q,
                      s.max_overlap, q)};
}

// "SQS(38), SQS(46), SQS(50) and SQS(58)": the systems rotational_sqs keeps.
std::string stored_systems() {
  std::string out;
  for (std::size_t i = 0; i < kRotationalOrders.size(); ++i) {
    if (i > 0) out += i + 1 == kRotationalOrders.size() ? " and " : ", ";
    out += fmt::format("SQS({})", kRotationalOrders[i]);
  }
  return out;
}

Choice choose_sqs(const DesignShape& s) {
  const std::uint32_t n = s.cells;
  if (!sqs_order_admissible(n)) {
    // Johnson's bound is below C(N,3)/4 exactly here: say how far any packing can go (N = 21, 23:
    // under 95%, so no placement reaches the target).
    const std::uint64_t most = quadruple_packing_limit(n);
    const double share = static_cast<double>(most) / static_cast<double>(choose128(n, 3) / 4);
    return {.reason = fmt::format("no design: a Steiner quadruple system needs N ≡ 2 or 4 "
                                  "(mod 6); {} ≡ {}; no packing holds more than {} tenant{} "
                                  "(Johnson's bound, {:.1f}% of the bound)",
                                  n, n % 6, most, most == 1 ? "" : "s", 100.0 * share)};
  }
  if (is_power_of_two(n)) {
    if (n > kMaxBooleanCells) {
      return {.reason = fmt::format("no design: the Boolean SQS is built up to {} cells",
                                    kMaxBooleanCells)};
    }
    return {DesignFamily::kBooleanSqs, n,
            fmt::format("GF(2)^{}, blocks {{a, b, c, a^b^c}}", std::bit_width(n) - 1)};
  }
  if (choose128(n, 3) / 4 > kMaxListedBlocks) {
    return {.reason = fmt::format("no design: a listed SQS({}) would exceed {} blocks", n,
                                  kMaxListedBlocks)};
  }
  std::uint32_t base = n;  // sqs_blocks halves while the half is admissible
  while (base % 2 == 0 && sqs_order_admissible(base / 2))
    base /= 2;
  if (!listed_sqs(n)) {
    return {.reason = fmt::format(
                "no design: no SQS({}) built: {}SQS bases are searched for up to {} points, and "
                "{} are stored",
                n, base == n ? "" : fmt::format("it would double SQS({}), but ", base),
                kMaxCyclicOrder, stored_systems())};
  }
  const std::string origin = rotational_sqs_origin(base);
  const std::string found = origin.empty() ? fmt::format("SQS({}) found by search", base)
                                           : fmt::format("SQS({}) developed from {}", base, origin);
  return {sqs_family(n), 0, base == n ? found : fmt::format("SQS({}) doubled from {}", n, found)};
}

// "STS(31) less a point, 465 triples: the maximum" — what strategy design places for N.
std::string packing_reach(std::uint32_t n) {
  const TriplePacking p = triple_packing(n);
  std::string cut;
  switch (p.cut) {
    case PackingCut::kSystemLessAPoint:
      cut = fmt::format("STS({}) less a point", n + 1);
      break;
    case PackingCut::kFiveBlockSplit:
      cut = fmt::format("a PBD({}) with one block of 5 split into two triples", n);
      break;
    case PackingCut::kFiveBlockDesignLessAPoint:
      cut = fmt::format("a PBD({}) with one block of 5, less a point of it", n + 1);
      break;
    case PackingCut::kSystem:
      cut = fmt::format("STS({})", n);
      break;
  }
  const std::uint64_t best = max_triple_packing(n);
  return fmt::format(
      "{}, {} triples{}", cut, p.blocks.size(),
      p.blocks.size() == best ? ": the maximum" : fmt::format(" of the maximum {}", best));
}

Choice choose_sts(const DesignShape& s) {
  const std::uint32_t n = s.cells;
  if (n > kMaxTripleCells) {
    return {.reason =
                fmt::format("no design: triple systems are built up to {} cells", kMaxTripleCells)};
  }
  if (!sts_order_admissible(n)) {
    return {.reason = fmt::format("no design: a Steiner triple system needs N ≡ 1 or 3 (mod 6); "
                                  "{} ≡ {}; strategy design places a packing, {}",
                                  n, n % 6, packing_reach(n))};
  }
  return {DesignFamily::kSteinerTriple, 0,
          n % 6 == 3 ? fmt::format("Bose's construction on Z_{} × Z_3", n / 3)
                     : fmt::format("Skolem's construction on Z_{} × Z_3 and a point", n / 3)};
}

Choice choose_family(const DesignShape& s) {
  if (s.max_overlap >= s.shard_size || s.shard_size > s.cells) {
    return {.reason = "no design: the overlap limit must be below the shard size"};
  }
  if (s.zones >= 2) return choose_stripes(s);
  if (s.shard_size == 4 && s.max_overlap == 2) return choose_sqs(s);
  const std::uint32_t k = s.shard_size;
  if (s.max_overlap == 1 && std::uint64_t{k} * k == s.cells && prime_power(k)) {
    return {DesignFamily::kAffinePlane, k,
            fmt::format("the {} lines of AG(2,{})", std::uint64_t{k} * (k + 1), k)};
  }
  if (k == 3 && s.max_overlap == 1) return choose_sts(s);
  return {.reason = fmt::format("no design: one pool has designs for k = 4, m = 2 (Steiner "
                                "quadruple systems), k = 3, m = 1 (Steiner triple systems) and "
                                "N = k², m = 1 (affine planes)")};
}

std::shared_ptr<const Design> build(const DesignShape& s, const Choice& c) {
  switch (c.family) {
    case DesignFamily::kReedSolomonStripes:
      return std::make_shared<StripesDesign>(*GaloisField::make(c.q), s.shard_size, s.max_overlap);
    case DesignFamily::kAffinePlane:
      return std::make_shared<AffinePlaneDesign>(*GaloisField::make(c.q));
    case DesignFamily::kBooleanSqs:
      return std::make_shared<BooleanSqsDesign>(std::bit_width(c.q) - 1);
    case DesignFamily::kDoubledSqs:
    case DesignFamily::kSearchedSqs:
    case DesignFamily::kCyclicSqs:
    case DesignFamily::kRotationalSqs:
      return listed_sqs(s.cells);
    case DesignFamily::kSteinerTriple:
      return std::make_shared<ListedDesign<Triple>>(
          balance_triples(steiner_triple_system(s.cells), s.cells), DesignFamily::kSteinerTriple);
    case DesignFamily::kTriplePacking:
    case DesignFamily::kNone:
      break;
  }
  return nullptr;
}

}  // namespace

std::string_view family_name(DesignFamily family) {
  switch (family) {
    case DesignFamily::kReedSolomonStripes:
      return "reed-solomon stripes";
    case DesignFamily::kBooleanSqs:
      return "boolean steiner quadruple system";
    case DesignFamily::kDoubledSqs:
      return "doubled steiner quadruple system";
    case DesignFamily::kSearchedSqs:
      return "steiner quadruple system";
    case DesignFamily::kCyclicSqs:
      return "cyclic steiner quadruple system";
    case DesignFamily::kRotationalSqs:
      return "rotational steiner quadruple system";
    case DesignFamily::kAffinePlane:
      return "affine plane";
    case DesignFamily::kSteinerTriple:
      return "steiner triple system";
    case DesignFamily::kTriplePacking:
      return "triple packing";
    case DesignFamily::kNone:
      break;
  }
  return "none";
}

DesignFit fit_design(const DesignShape& s) {
  Choice c = choose_family(s);
  DesignFit fit{.family = c.family, .reason = std::move(c.reason)};
  std::vector<std::uint32_t> zones;
  if (s.zones >= 2) zones.assign(s.zones, s.cells / s.zones);
  fit.bound = overlap_bound(s.cells, zones, s.shard_size, s.max_overlap);
  if (c.family == DesignFamily::kReedSolomonStripes) {
    fit.reach = saturate(power128(c.q, s.max_overlap + 1));
  } else if (c.family == DesignFamily::kAffinePlane) {
    fit.reach = std::uint64_t{c.q} * (c.q + 1);
  } else if (c.family == DesignFamily::kSteinerTriple) {
    fit.reach = std::uint64_t{s.cells} * (s.cells - 1) / 6;
  } else if (c.family != DesignFamily::kNone) {
    fit.reach = saturate(choose128(s.cells, 3) / 4);
  }
  return fit;
}

// Designs by shape, built once for the life of the process: constructions are
// deterministic, so the cache changes no output, only the time (the SQS search, GF tables).
std::shared_ptr<const Design> make_design(const DesignShape& s) {
  static std::mutex mutex;
  static std::map<std::array<std::uint32_t, 4>, std::shared_ptr<const Design>> cache;
  const Choice c = choose_family(s);
  if (c.family == DesignFamily::kNone) return nullptr;
  const std::array<std::uint32_t, 4> key = {s.cells, s.zones, s.shard_size, s.max_overlap};
  {
    const std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  std::shared_ptr<const Design> design = build(s, c);
  const std::lock_guard<std::mutex> lock(mutex);
  return cache.emplace(key, std::move(design)).first->second;
}

std::shared_ptr<const Design> triple_packing_design(std::uint32_t cells) {
  if (cells < 4 || cells > kMaxTripleCells || sts_order_admissible(cells)) return nullptr;
  static std::mutex mutex;
  static std::map<std::uint32_t, std::shared_ptr<const Design>> cache;
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(cells);
  if (it == cache.end()) {
    it = cache
             .emplace(cells, std::make_shared<ListedDesign<Triple>>(
                                 balance_triples(triple_packing(cells).blocks, cells),
                                 DesignFamily::kTriplePacking))
             .first;
  }
  return it->second;
}

std::uint64_t overlap_bound(std::uint32_t cells, std::span<const std::uint32_t> zone_sizes,
                            std::uint32_t shard_size, std::uint32_t max_overlap) {
  const std::uint32_t r = max_overlap + 1;
  const u128 per_shard = choose128(shard_size, r);
  if (per_shard == 0) return 0;
  if (zone_sizes.size() <= 1) return saturate(choose128(cells, r) / per_shard);
  // Coefficient of x^r in Π_z Σ_{j <= cap} C(n_z, j) x^j, saturating.
  const auto zones = static_cast<std::uint32_t>(zone_sizes.size());
  const std::uint32_t cap = (shard_size + zones - 1) / zones;
  std::vector<u128> poly(r + 1, 0);
  poly[0] = 1;
  for (std::uint32_t n : zone_sizes) {
    std::vector<u128> next(r + 1, 0);
    for (std::uint32_t i = 0; i <= r; ++i) {
      for (std::uint32_t j = 0; j <= cap && i + j <= r; ++j) {
        const u128 c = choose128(n, j);
        if (poly[i] != 0 && c > (~u128{0}) / poly[i]) return kSaturated;
        next[i + j] += poly[i] * c;
      }
    }
    poly = std::move(next);
  }
  return saturate(poly[r] / per_shard);
}

}  // namespace cellkit

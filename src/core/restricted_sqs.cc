// Restricted quadruple designs: for one pool with k = 4, m = 2 and no SQS(N) here, the most
// blocks found on N points sharing no triple (cut, doubled, stored or searched packings).
#include "core/restricted_sqs.h"

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <span>

#include "core/listed_design.h"
#include "core/quadruple_packing.h"
#include "core/steiner_quadruples.h"

namespace cellkit {

namespace {

constexpr std::uint64_t kMaxRestrictedBlocks = 250'000;

// C(v,3)/4, the blocks of an SQS(v), is at most kMaxRestrictedBlocks (v ≤ 115; the first test
// keeps the product within 64 bits for any v).
bool within_restricted_blocks(std::uint64_t v) {
  return v <= 1'000 && v * (v - 1) * (v - 2) / 24 <= kMaxRestrictedBlocks;
}
// Restricted designs from systems of at most this many blocks (SQS(40): N ≤ 39) are improved
// by improve_quadruple_packing with this many steps (about a second for N = 30) and seed; every
// kKnownReach row below was measured with these two (10,000,000 steps, seed 1) and is used only
// while they are unchanged.
constexpr std::uint64_t kMaxImprovedBlocks = 3'000;
constexpr std::uint64_t kImproveSteps = 10'000'000;
constexpr std::uint64_t kImproveSeed = 1;
// What that search reaches where it stays below the packing limit, measured with every step
// (docs/placement.md, "Searches that stop at what they reach"), with the start it was measured
// from: its block count and start_hash of its blocks, and the seed and step count above (seed 1,
// 10,000,000 steps). The search stops once it holds that many blocks, the same blocks since it
// is deterministic, instead of running out steps that add none (17 cells: 903,069 steps of
// 10,000,000; 29, 36, 41: none). A start, seed or step count that differs gets no early stop.
// SoakQuadruplePacking.TheKnownReachIsWhatEveryStepFinds checks each against the full search.
struct KnownReach {
  std::uint32_t cells;
  std::uint64_t start_blocks;
  std::uint64_t start_hash;
  std::uint64_t seed;
  std::uint64_t steps;
  std::uint64_t reach;
};
constexpr std::array<KnownReach, 8> kKnownReach = {{
    {17, 140, 0xafeb03d846fd6c05, 1, 10'000'000, 154},
    {18, 180, 0xbcda6cc91ac2fa6d, 1, 10'000'000, 192},
    {23, 415, 0x841f16b1b153c111, 1, 10'000'000, 416},
    {29, 870, 0xe66a8f9ff74f9985, 1, 10'000'000, 870},
    {30, 945, 0x49f3e12e7bcb82a5, 1, 10'000'000, 966},
    {35, 1'568, 0x6ffcbbdfaedf7a41, 1, 10'000'000, 1'569},
    {36, 1'761, 0x3b8cbf22969b4589, 1, 10'000'000, 1'761},
    {41, 2'542, 0x3041fa20c2a58945, 1, 10'000'000, 2'542},
}};

// Greedy: start from the first block, then add the point through whose blocks the most
// lie inside the chosen set (3 chosen already: weight 1000, 2 chosen: weight 1).
std::vector<bool> points_to_leave_out(const Design& d, std::uint32_t v, std::uint32_t count) {
  std::vector<std::vector<std::array<std::uint32_t, 4>>> through(v);
  std::array<std::uint32_t, 4> b{};
  for (std::uint64_t i = 0; i < d.size(); ++i) {
    d.codeword(i, b);
    for (std::uint32_t p : b)
      through[p].push_back(b);
  }
  std::vector<bool> out(v, false);
  d.codeword(0, b);
  std::uint32_t chosen = 0;
  for (; chosen < std::min<std::uint32_t>(count, 4); ++chosen)
    out[b[chosen]] = true;
  for (; chosen < count; ++chosen) {
    std::uint64_t best_score = 0;
    std::uint32_t best = v;
    for (std::uint32_t x = 0; x < v; ++x) {
      if (out[x]) continue;
      std::uint64_t score = 0;
      for (const auto& blk : through[x]) {
        const auto in =
            std::count_if(blk.begin(), blk.end(), [&](std::uint32_t p) { return out[p]; });
        score += in == 3 ? 1000 : (in == 2 ? 1 : 0);
      }
      if (best == v || score > best_score) {
        best_score = score;
        best = x;
      }
    }
    out[best] = true;
  }
  return out;
}

// The blocks of `d` that avoid its absent points, relabelled onto the present ones in order.
std::vector<Quad> present_blocks(const RestrictedDesign& d) {
  std::vector<std::uint16_t> label(d.absent.size(), 0);
  std::uint16_t next = 0;
  for (std::size_t p = 0; p < d.absent.size(); ++p) {
    if (!d.absent[p]) label[p] = next++;
  }
  std::vector<Quad> blocks;
  std::array<std::uint32_t, 4> b{};
  for (std::uint64_t i = 0; i < d.design->size(); ++i) {
    d.design->codeword(i, b);
    if (std::any_of(b.begin(), b.end(), [&](std::uint32_t p) { return d.absent[p]; })) continue;
    blocks.push_back({label[b[0]], label[b[1]], label[b[2]], label[b[3]]});
  }
  return blocks;
}

// The most blocks built here on n points sharing no triple: the SQS(n), else restricted_sqs(n)'s.
std::optional<std::vector<Quad>> best_packing(std::uint32_t n) {
  if (std::shared_ptr<const Design> d = make_design({n, 0, 4, 2})) {
    return present_blocks({d, std::vector<bool>(n, false)});
  }
  if (std::optional<RestrictedDesign> r = restricted_sqs(n)) return present_blocks(*r);
  return std::nullopt;
}

// More present blocks; on a tie the stored start beats one too large to search: that one keeps
// its larger system's order with the absent points' blocks passed over, so its prefixes load the
// cells unevenly, where the stored one is put in balance_order on the cells (N = 45, 49, 57: the
// stored SQS(N + 1) less its last point, where the cut of that same design, built since, ties).
bool larger_or_stored_on_tie(const RestrictedStart& other, const RestrictedStart& start) {
  const std::size_t a = present_blocks(*other.design).size();
  const std::size_t b = present_blocks(*start.design).size();
  return a > b || (a == b && other.stored && start.design->design->size() > kMaxImprovedBlocks);
}

}  // namespace

RestrictedDesign improve_restricted(const RestrictedDesign& d, std::uint32_t cells,
                                    std::uint64_t steps, std::uint64_t stop_at) {
  ImprovedPacking improved =
      improve_quadruple_packing(present_blocks(d), cells, kImproveSeed, steps, stop_at);
  std::vector<Quad> blocks = balance_order(std::move(improved.blocks), cells);
  return {std::make_shared<ListedSqsDesign>(std::move(blocks), d.design->family()),
          std::vector<bool>(cells, false), improved.steps};
}

std::optional<RestrictedDesign> restrict_larger_sqs(std::uint32_t cells) {
  for (std::uint32_t v = cells + 1; v <= 2 * cells; ++v) {
    if (!sqs_order_admissible(v) || !within_restricted_blocks(v)) continue;
    std::shared_ptr<const Design> d = make_design({v, 0, 4, 2});
    if (d) return RestrictedDesign{d, points_to_leave_out(*d, v, v - cells)};
  }
  return std::nullopt;
}

std::optional<RestrictedDesign> doubled_packing(std::uint32_t cells) {
  const std::uint32_t half = cells / 2;
  if (cells % 4 != 0 || half < 4 || !within_restricted_blocks(cells)) {
    return std::nullopt;
  }
  std::optional<std::vector<Quad>> base = best_packing(half);
  if (!base) return std::nullopt;
  return RestrictedDesign{
      std::make_shared<ListedSqsDesign>(double_sqs(*base, half), DesignFamily::kDoubledSqs),
      std::vector<bool>(cells, false)};
}

std::optional<RestrictedDesign> packing_less_points(std::uint32_t cells) {
  const std::uint32_t v = (cells / 4 + 1) * 4;
  if (cells % 4 == 0 || !within_restricted_blocks(v) || make_design({v, 0, 4, 2})) {
    return std::nullopt;
  }
  std::optional<RestrictedDesign> d = restricted_sqs(v);
  if (!d || std::find(d->absent.begin(), d->absent.end(), true) != d->absent.end()) {
    return std::nullopt;
  }
  d->search_steps = 0;
  if (v - cells > 1) {
    d->absent = points_to_leave_out(*d->design, v, v - cells);
    return d;
  }
  std::vector<std::uint32_t> degree(v, 0);
  std::array<std::uint32_t, 4> b{};
  for (std::uint64_t i = 0; i < d->design->size(); ++i) {
    d->design->codeword(i, b);
    for (std::uint32_t p : b)
      ++degree[p];
  }
  d->absent[std::min_element(degree.begin(), degree.end()) - degree.begin()] = true;
  return d;
}

// Labelled with the family of the quadruple packings it stands in for (restricted_sqs's); a
// stored packing is not a doubled system, and no output names the family of a restriction.
std::optional<RestrictedDesign> stored_packing(std::uint32_t cells) {
  std::optional<std::vector<Quad>> blocks = cyclic_packing(cells);
  if (!blocks) {
    blocks = rotational_sqs(cells + 1);
    if (!blocks) return std::nullopt;
    std::erase_if(*blocks, [cells](const Quad& q) { return q[3] == cells; });  // points sorted
  }
  return RestrictedDesign{
      std::make_shared<ListedSqsDesign>(std::move(*blocks), DesignFamily::kDoubledSqs),
      std::vector<bool>(cells, false)};
}

RestrictedStart restricted_start(std::uint32_t cells) {
  // The largest start wins: the cut (the first), a doubling (N = 24: 498 blocks, the cut 462), a
  // packing on the next multiple of 4 less points (N = 35: 1,569 after the search, where the cut
  // gave 1,546) or a stored packing (N = 29: 870, where the cut gave 819 and the search 854).
  RestrictedStart start{restrict_larger_sqs(cells)};
  std::array<RestrictedStart, 3> others = {{{doubled_packing(cells), false},
                                            {packing_less_points(cells), false},
                                            {stored_packing(cells), /*stored=*/true}}};
  for (RestrictedStart& other : others) {
    if (other.design && (!start.design || larger_or_stored_on_tie(other, start)))
      start = std::move(other);
  }
  return start;
}

std::uint64_t start_hash(std::span<const Quad> blocks) {
  std::uint64_t h = 0xcbf29ce484222325;  // FNV-1a, 64 bits, over each point's two bytes
  for (const Quad& q : blocks) {
    for (const std::uint32_t p : q) {
      h = (h ^ (p & 0xffu)) * 0x100000001b3;
      h = (h ^ (p >> 8u)) * 0x100000001b3;
    }
  }
  return h;
}

std::uint64_t known_search_reach(std::uint32_t cells, const RestrictedDesign& start,
                                 std::uint64_t seed, std::uint64_t steps) {
  for (const KnownReach& k : kKnownReach) {
    if (k.cells != cells || k.seed != seed || k.steps != steps) continue;
    const std::vector<Quad> blocks = present_blocks(start);
    if (blocks.size() == k.start_blocks && start_hash(blocks) == k.start_hash) return k.reach;
  }
  return UINT64_MAX;
}

std::optional<RestrictedDesign> search_restricted(std::uint32_t cells, SearchStop stop) {
  RestrictedStart start = restricted_start(cells);
  if (start.design && start.design->design->size() <= kMaxImprovedBlocks) {
    const std::uint64_t stop_at =
        stop == SearchStop::kAtKnownReach
            ? known_search_reach(cells, *start.design, kImproveSeed, kImproveSteps)
            : UINT64_MAX;
    return improve_restricted(*start.design, cells, kImproveSteps, stop_at);
  }
  if (start.design && start.stored) {
    // Stored systems come orbit by orbit, whose prefixes load the cells unevenly: only ordered.
    return improve_restricted(*start.design, cells, 0);
  }
  return std::move(start.design);
}

std::optional<RestrictedDesign> restricted_sqs(std::uint32_t cells) {
  static std::mutex mutex;
  static std::map<std::uint32_t, std::optional<RestrictedDesign>> cache;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(cells); it != cache.end()) return it->second;
  }
  std::optional<RestrictedDesign> found = search_restricted(cells, SearchStop::kAtKnownReach);
  const std::lock_guard<std::mutex> lock(mutex);
  return cache.emplace(cells, std::move(found)).first->second;
}

}  // namespace cellkit

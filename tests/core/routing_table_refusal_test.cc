// RoutingTable::patch against the whole path (apply_chain + build) on deltas it must refuse,
// on one-rename deltas that fill the name index with tombstones, and on chains of deltas.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "cellkit/core/routing_delta.h"
#include "cellkit/core/routing_table.h"

namespace cellkit {
namespace {

// Fewer cases under AddressSanitizer, where each costs several times more.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kCases = 25;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kCases = 25;
#else
constexpr int kCases = 100;
#endif
#else
constexpr int kCases = 100;
#endif

// Checks `property` as RC_GTEST_PROP does (RC_PARAMS still sets the seed), at most kCases times.
template <class Property>
void check_property(Property property) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::TestMetadata metadata;
  metadata.id = fmt::format("{}/{}", info->test_suite_name(), info->name());
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = std::min(params.maxSuccess, kCases);
  const rc::detail::TestResult result =
      rc::detail::checkProperty(rc::detail::toProperty(property), metadata, params);
  std::ostringstream out;
  rc::detail::printResultMessage(result, out);
  if (!result.template is<rc::detail::SuccessResult>()) FAIL() << out.str();
  std::cout << out.str() << "\n";  // the cases' tags
}

// One-rename deltas in the tombstone test: past the name index's first two rebuilds.
constexpr std::uint32_t kRenames = 2600;

constexpr std::uint32_t kCells = 8;  // cells 0..7, 7 disabled, all addressed

struct Tenant {
  Shard shard;  // empty: none
  Shard pin;    // empty: not pinned
  std::optional<std::string> name;
};

struct State {
  std::uint64_t version = 1;
  std::map<std::uint32_t, Tenant> tenants;
  bool allow_empty = false;
};

FlatSnapshot snapshot_of(const State& state) {
  FlatSnapshot s{
      .version = state.version, .disabled = {CellId{kCells - 1}}, .allow_empty = state.allow_empty};
  for (std::uint32_t c = 0; c < kCells; ++c) {
    s.cells.push_back(CellId{c});
    s.addresses.push_back({CellId{c}, fmt::format("cell-{}", c), fmt::format("h:{}", 5000 + c)});
  }
  for (const auto& [t, tenant] : state.tenants) {
    if (!tenant.shard.empty()) s.shards.add(TenantId{t}, tenant.shard);
    if (!tenant.pin.empty()) s.overrides.add(TenantId{t}, tenant.pin);
    if (tenant.name) s.tenant_names.add(TenantId{t}, *tenant.name);
  }
  return s;
}

// 8,500 named tenants on ids 0..~9,400 (three chunks of 4096), a few pinned, a few of those
// with no shard behind the pin.
State base_state() {
  State s;
  for (std::uint32_t t = 0; s.tenants.size() < 8500; ++t) {
    if (t % 10 == 3) continue;
    Tenant& tenant = s.tenants[t];
    tenant.shard = {CellId{t % 6}, CellId{(t + 1) % 6}};
    if (t % 37 == 0) tenant.pin = {CellId{6}};
    if (t % 101 == 0) tenant.shard.clear(), tenant.pin = {CellId{t % 7}};
    tenant.name = fmt::format("n{}", t);
  }
  return s;
}

// The base, built once: patch never changes it.
struct Base {
  State state = base_state();
  FlatSnapshot flat = snapshot_of(state);
  std::uint64_t digest = routing_digest(flat);
  RoutingTable table = *RoutingTable::build(FlatSnapshot(flat));
};
const Base& base() {
  static const Base b;
  return b;
}

class Edits {
 public:
  explicit Edits(std::uint64_t seed) : rng_(seed) {}

  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_));
  }
  Shard shard() {
    const std::uint32_t first = below(kCells);
    Shard s{CellId{first}};
    if (below(2) == 0) s.push_back(CellId{(first + 1 + below(kCells - 1)) % kCells});
    return s;
  }
  // A tenant of `s` (which has some), any chunk.
  std::uint32_t some(const State& s) {
    const auto it = s.tenants.lower_bound(below(s.tenants.rbegin()->first + 1));
    return it == s.tenants.end() ? s.tenants.begin()->first : it->first;
  }

  // The next version: 1 to 6 valid changes anywhere in the table.
  State change(State s) {
    ++s.version;
    for (std::uint32_t n = 1 + below(6); n > 0; --n) {
      const std::uint32_t top = s.tenants.rbegin()->first;
      switch (below(6)) {
        case 0: {  // a new tenant, in a gap or past the last chunk
          Tenant& t = s.tenants[below(top + 300)];
          if (t.shard.empty() && t.pin.empty()) t.shard = shard();
          t.name = fmt::format("new-{}", serial_++);
          break;
        }
        case 1:
          if (s.tenants.size() > 100) s.tenants.erase(some(s));
          break;
        case 2:
          s.tenants[some(s)].shard = shard();
          break;
        case 3:
          s.tenants[some(s)].pin = shard();
          break;
        case 4: {
          Tenant& t = s.tenants[some(s)];
          if (!t.shard.empty()) t.pin.clear();
          break;
        }
        case 5:
          s.tenants[some(s)].name = fmt::format("renamed-{}", serial_++);
          break;
      }
    }
    return s;
  }

 private:
  std::mt19937_64 rng_;
  std::uint64_t serial_ = 0;
};

// How a valid delta is made invalid (kNone leaves it valid).
enum class Corruption {
  kNone,
  kPinNamesUnknownCell,
  kShardRepeatsCell,
  kNameWithoutShardOrPin,
  kEmptyName,
  kUnpinsWhatIsNotPinned,
  kUnnamesWhatIsNotNamed,
  kNameOfATenantInAnotherChunk,
  kEmptiedNotAllowed,
  kWrongDigest,
};
constexpr int kCorruptions = 10;
constexpr const char* kCorruptionNames[kCorruptions] = {"none",
                                                        "pin names unknown cell",
                                                        "shard repeats cell",
                                                        "name without shard or pin",
                                                        "empty name",
                                                        "unpins absent pin",
                                                        "unnames absent name",
                                                        "name clash across chunks",
                                                        "emptied",
                                                        "wrong digest"};

// `to` made invalid before the delta is taken from it (the delta's digest is then that of the
// invalid result, so only the corruption is wrong).
void corrupt_result(State& to, Corruption c, Edits& edits) {
  const std::uint32_t t = edits.some(to);
  Tenant& tenant = to.tenants[t];
  switch (c) {
    case Corruption::kPinNamesUnknownCell:
      tenant.pin = {CellId{0}, CellId{kCells + edits.below(5)}};
      break;
    case Corruption::kShardRepeatsCell:
      tenant.shard = {CellId{1}, CellId{2}, CellId{1}};
      break;
    case Corruption::kNameWithoutShardOrPin:
      tenant.shard.clear();
      tenant.pin.clear();
      break;
    case Corruption::kEmptyName:
      tenant.name = "";
      break;
    case Corruption::kNameOfATenantInAnotherChunk: {
      std::uint32_t other = edits.some(to);
      for (int i = 0; i < 100 && (other >> 12) == (t >> 12); ++i)
        other = edits.some(to);
      RC_PRE((other >> 12) != (t >> 12));
      tenant.name = to.tenants[other].name;
      break;
    }
    case Corruption::kEmptiedNotAllowed:
      to.tenants.clear();
      to.allow_empty = false;
      break;
    default:
      break;
  }
}

void insert_sorted(std::vector<TenantId>& ids, TenantId id) {
  ids.insert(std::lower_bound(ids.begin(), ids.end(), id), id);
}

bool has(const std::vector<TenantId>& ids, TenantId id) {
  return std::binary_search(ids.begin(), ids.end(), id);
}

// The delta itself made invalid: it removes what its base does not hold, or lies about its
// result's digest.
void corrupt_delta(RoutingDelta& d, const State& from, Corruption c, Edits& edits) {
  const std::uint32_t top = from.tenants.rbegin()->first;
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t t = edits.below(top + 1000);
    const auto it = from.tenants.find(t);
    const TenantId id{t};
    if (c == Corruption::kUnpinsWhatIsNotPinned &&
        (it == from.tenants.end() || it->second.pin.empty()) && !has(d.pins.ids, id) &&
        !has(d.unpinned, id)) {
      return insert_sorted(d.unpinned, id);
    }
    if (c == Corruption::kUnnamesWhatIsNotNamed && (it == from.tenants.end() || !it->second.name) &&
        !has(d.names.ids, id) && !has(d.unnamed, id)) {
      return insert_sorted(d.unnamed, id);
    }
  }
  if (c == Corruption::kWrongDigest) d.digest ^= std::uint64_t{1} << edits.below(64);
}

std::set<std::uint32_t> touched(std::span<const RoutingDelta> chain) {
  std::set<std::uint32_t> ids;
  for (const RoutingDelta& d : chain) {
    for (const std::vector<TenantId>* list :
         {&d.shards.ids, &d.unsharded, &d.pins.ids, &d.unpinned, &d.names.ids, &d.unnamed}) {
      for (TenantId t : *list)
        ids.insert(raw(t));
    }
  }
  return ids;
}

// `got` (patched) and `want` (built whole) are the same table: same snapshot and digest, and
// the same answers for the ids the chain names, the ids at chunk edges and the names that
// left or joined.
void expect_same_table(const RoutingTable& got, const RoutingTable& want,
                       std::span<const RoutingDelta> chain, const RoutingTable& before) {
  const FlatSnapshot flat = got.flat();
  RC_ASSERT(flat == want.flat());
  RC_ASSERT(routing_digest(flat) == chain.back().digest);
  RC_ASSERT(got.version() == chain.back().version);
  RC_ASSERT(got.tenant_count() == want.tenant_count());
  RC_ASSERT(got.has_names() == want.has_names());
  std::set<std::uint32_t> ids = touched(chain);
  for (std::uint32_t edge = 4096; edge <= 16384; edge += 4096)
    ids.insert({edge - 1, edge, edge + 1});
  for (std::uint32_t t : ids) {
    const TenantId id{t};
    RC_ASSERT(std::ranges::equal(got.shard_of(id), want.shard_of(id)));
    RC_ASSERT(got.is_pinned(id) == want.is_pinned(id));
    RC_ASSERT(got.tenant_name(id) == want.tenant_name(id));
    for (const std::string& name : {std::string(before.tenant_name(id)),
                                    std::string(want.tenant_name(id)), std::to_string(t)}) {
      RC_ASSERT(got.find_tenant(name) == want.find_tenant(name));
    }
  }
}

// The whole path: apply_chain on the base's snapshot, then build.
Result<RoutingTable> whole_path(const Base& b, std::span<const RoutingDelta> chain) {
  std::uint64_t refused = 0;
  Result<FlatSnapshot> merged = apply_chain(b.flat, chain, b.digest, refused);
  if (!merged.is_ok()) return merged.status();
  return RoutingTable::build(std::move(merged).value());
}

// patch() and the whole path give the same verdict on `chain`, the same table when they
// accept, and apply() the whole path's reason when they refuse.
void expect_same_verdict(std::span<const RoutingDelta> chain) {
  const Base& b = base();
  const std::optional<RoutingTable> patched = b.table.patch(chain, b.digest);
  const Result<RoutingTable> whole = whole_path(b, chain);
  RC_ASSERT(patched.has_value() == whole.is_ok());
  const Result<RoutingTable> applied = b.table.apply(chain, b.digest);
  RC_ASSERT(applied.is_ok() == whole.is_ok());
  if (whole.is_ok()) {
    expect_same_table(*patched, *whole, chain, b.table);
    expect_same_table(*applied, *whole, chain, b.table);
  } else {
    RC_ASSERT(applied.status().message() == whole.status().message());
  }
}

TEST(RoutingTableRefusal, ACorruptedDeltaIsRefusedByPatchAndTheWholePathAlike) {
  check_property([](std::uint64_t seed) {
    Edits edits(seed);
    const Base& b = base();
    const auto c = static_cast<Corruption>(edits.below(kCorruptions));
    RC_TAG(kCorruptionNames[static_cast<int>(c)]);
    // One valid delta first half the time: the corrupted one is then the chain's second.
    std::vector<RoutingDelta> chain;
    State from = b.state;
    FlatSnapshot from_flat = b.flat;
    std::uint64_t digest = b.digest;
    if (edits.below(2) == 0) {
      State next = edits.change(from);
      FlatSnapshot next_flat = snapshot_of(next);
      chain.push_back(diff_snapshots(from_flat, next_flat, digest));
      digest = chain.back().digest;
      from = std::move(next);
      from_flat = std::move(next_flat);
    }
    State to = edits.change(from);
    corrupt_result(to, c, edits);
    RoutingDelta delta = diff_snapshots(from_flat, snapshot_of(to), digest);
    corrupt_delta(delta, from, c, edits);
    chain.push_back(std::move(delta));
    expect_same_verdict(chain);
    // Every corruption makes a delta no table can take.
    RC_ASSERT(whole_path(b, chain).is_ok() == (c == Corruption::kNone));
  });
}

// Chains of 2 to 4 valid deltas through patch: the digest carried from one to the next,
// the result the whole path's.
TEST(RoutingTableRefusal, AChainOfDeltasPatchedAtOnceIsTheTableBuiltWhole) {
  check_property([](std::uint64_t seed) {
    Edits edits(seed);
    const Base& b = base();
    std::vector<RoutingDelta> chain;
    State state = b.state;
    FlatSnapshot flat = b.flat;
    for (std::uint32_t n = 2 + edits.below(3); n > 0; --n) {
      State next = edits.change(state);
      FlatSnapshot next_flat = snapshot_of(next);
      chain.push_back(
          diff_snapshots(flat, next_flat, chain.empty() ? b.digest : chain.back().digest));
      state = std::move(next);
      flat = std::move(next_flat);
    }
    const std::optional<RoutingTable> patched = b.table.patch(chain, b.digest);
    RC_ASSERT(patched.has_value());
    RC_ASSERT(patched->flat() == flat);
    expect_same_verdict(chain);
    // A wrong digest carried into the last delta refuses the chain.
    chain.back().digest += 1;
    RC_ASSERT(!b.table.patch(chain, b.digest).has_value());
  });
}

// The digest term of one tenant name: a digest is a sum of one term per entry.
std::uint64_t name_digest(std::uint32_t tenant, std::string_view name) {
  FlatSnapshot one;
  one.tenant_names.add(TenantId{tenant}, name);
  return routing_digest(one);
}

// 2,730 names on ids 0, 3, .. 8,187 (two chunks) fill an index of 8,192 slots to a third.
// Each rename leaves a tombstone (unless the new name lands on one), and the index is made
// again when names and tombstones would pass half the slots: at step 2,147 here, with 1,366
// tombstones (seen with a print in patch_names); the renames go on a while past it.
TEST(RoutingTableRefusal, RenamesOneAtATimeFillTheNameIndexWithTombstonesUntilItIsMadeAgain) {
  FlatSnapshot from{.version = 1, .cells = {CellId{0}, CellId{1}}};
  std::map<std::uint32_t, std::string> names;
  for (std::uint32_t t = 0; t < 3 * 2730; t += 3) {
    names[t] = fmt::format("tenant-{}", t);
    from.shards.add(TenantId{t}, std::vector{CellId{t % 2}});
    from.tenant_names.add(TenantId{t}, names[t]);
  }
  const RoutingTable first = *RoutingTable::build(FlatSnapshot(from));
  RoutingTable table = first;
  std::uint64_t digest = routing_digest(from);
  std::vector<std::string> freed;  // names no tenant holds now, oldest last
  for (std::uint32_t step = 0; step < kRenames; ++step) {
    const std::uint32_t t = 3 * (step * 7 % 2730);
    const std::string old_name = names[t];
    std::string new_name = fmt::format("r-{}", step);
    if (step % 4 == 3) {  // a name given up before: its probe may cross its own tombstone
      new_name = freed.back();
      freed.pop_back();
    }
    freed.insert(freed.begin(), old_name);
    RoutingDelta delta{.parent = table.version(), .version = table.version() + 1};
    delta.names.add(TenantId{t}, new_name);
    delta.digest = digest - name_digest(t, old_name) + name_digest(t, new_name);
    std::optional<RoutingTable> next = table.patch(std::span(&delta, 1), digest);
    ASSERT_TRUE(next.has_value()) << step;
    for (const RoutingTable* version : {&table, &*next}) {
      const bool is_new = version == &*next;
      ASSERT_EQ(version->find_tenant(old_name), is_new ? std::nullopt : std::optional(TenantId{t}))
          << step;
      ASSERT_EQ(version->find_tenant(new_name), is_new ? std::optional(TenantId{t}) : std::nullopt)
          << step;
    }
    names[t] = new_name;
    table = std::move(*next);
    digest = delta.digest;
    if (step % 512 == 0 || step + 1 == kRenames) {
      for (const auto& [id, name] : names)
        ASSERT_EQ(table.find_tenant(name), TenantId{id}) << step << " " << name;
      for (const std::string& name : freed)
        ASSERT_EQ(table.find_tenant(name), std::nullopt) << step << " " << name;
    }
  }
  EXPECT_EQ(routing_digest(table.flat()), digest);
  // The first version, whose pages every later one copied before changing, is unchanged.
  for (std::uint32_t t = 0; t < 3 * 2730; t += 3)
    ASSERT_EQ(first.find_tenant(fmt::format("tenant-{}", t)), TenantId{t});
  EXPECT_EQ(first.find_tenant("r-0"), std::nullopt);
}

}  // namespace
}  // namespace cellkit

// RoutingTable::patch: a delta applied in O(change) gives the table a whole build gives.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "cellkit/core/routing_delta.h"
#include "cellkit/core/routing_table.h"
#include "cellkit/core/snapshot_codec.h"

namespace cellkit {
namespace {

// Each case below builds and compares tables of two chunks three times: about 1 s under
// ASan/UBSan, where the whole suite runs (make test), so fewer cases there.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kCases = 6;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kCases = 6;
#else
constexpr int kCases = 100;
#endif
#else
constexpr int kCases = 100;
#endif

// Checks `property` as RC_GTEST_PROP does (RC_PARAMS applies, a failure prints its reproduce
// string), with at most kCases successful cases.
template <typename Property>
void check_property(Property property) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::TestMetadata metadata;
  metadata.id = fmt::format("{}/{}", info->test_suite_name(), info->name());
  metadata.description = info->name();
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = std::min(params.maxSuccess, kCases);
  const rc::detail::TestResult result =
      rc::detail::checkProperty(rc::detail::toProperty(property), metadata, params);
  if (!result.template is<rc::detail::SuccessResult>()) {
    std::ostringstream out;
    rc::detail::printResultMessage(result, out);
    FAIL() << out.str();
  }
}

// A routing snapshot as maps, easy to change at random, then written as a FlatSnapshot.
struct Model {
  struct Tenant {
    Shard shard;  // empty: none (a pinned tenant may have no shard)
    Shard pin;    // empty: not pinned
    std::string name;
  };
  std::uint64_t version = 1;
  std::map<std::uint32_t, Tenant> tenants;
  std::map<std::uint32_t, bool> cells;  // cell → disabled
  bool addressed = true;
  bool named = true;

  FlatSnapshot flat() const {
    FlatSnapshot s{.version = version};
    for (const auto& [c, disabled] : cells) {
      s.cells.push_back(CellId{c});
      if (disabled) s.disabled.push_back(CellId{c});
      if (addressed)
        s.addresses.push_back(
            {CellId{c}, fmt::format("cell-{}", c), fmt::format("h:{}", 4000 + c)});
    }
    for (const auto& [t, tenant] : tenants) {
      if (!tenant.shard.empty()) s.shards.add(TenantId{t}, tenant.shard);
      if (!tenant.pin.empty()) s.overrides.add(TenantId{t}, tenant.pin);
      if (named) s.tenant_names.add(TenantId{t}, tenant.name);
    }
    return s;
  }
};

class Changer {
 public:
  explicit Changer(std::uint64_t seed) : rng_(seed) {}

  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_));
  }

  Shard random_shard(const Model& m) {
    std::vector<CellId> cells;
    for (const auto& entry : m.cells)
      cells.push_back(CellId{entry.first});
    std::shuffle(cells.begin(), cells.end(), rng_);
    cells.resize(1 + below(static_cast<std::uint32_t>(std::min<std::size_t>(3, cells.size()))));
    return cells;
  }

  // `tenants` tenants among ids 0 .. tenants * 10 / 9 (a tenth of the ids unused), spread
  // over several chunks of 4096; 10 cells, some disabled; a few pins.
  Model start(std::uint32_t tenants) {
    Model m;
    for (std::uint32_t c = 0; c < 10; ++c)
      m.cells[c] = below(5) == 0;
    for (std::uint32_t t = 0; m.tenants.size() < tenants; ++t) {
      if (below(10) == 0) continue;
      add_tenant(m, t);
    }
    return m;
  }

  void add_tenant(Model& m, std::uint32_t t) {
    Model::Tenant& tenant = m.tenants[t];
    tenant.shard = random_shard(m);
    if (below(20) == 0) tenant.pin = random_shard(m);
    tenant.name = fmt::format("t-{}-{}", t, serial_++);
  }

  std::uint32_t some_tenant(const Model& m) {
    auto it = m.tenants.lower_bound(below(m.tenants.rbegin()->first + 1));
    return it == m.tenants.end() ? m.tenants.begin()->first : it->first;
  }

  // The next version: 1 to 12 changes of tenants and cells, never removing a cell.
  Model change(Model m) {
    ++m.version;
    const std::uint32_t changes = 1 + below(12);
    for (std::uint32_t i = 0; i < changes; ++i)
      change_once(m);
    return m;
  }

  void change_once(Model& m) {
    const std::uint32_t top = m.tenants.empty() ? 0 : m.tenants.rbegin()->first;
    switch (below(m.tenants.size() > 2 ? 11 : 1)) {
      case 0:
        add_tenant(m, below(top + 6000));  // new, or the shard of one there changed
        break;
      case 1:
        m.tenants.erase(some_tenant(m));
        break;
      case 2:
        m.tenants[some_tenant(m)].shard = random_shard(m);
        break;
      case 3:
        m.tenants[some_tenant(m)].pin = random_shard(m);
        break;
      case 4: {
        Model::Tenant& t = m.tenants[some_tenant(m)];
        t.pin.clear();
        if (t.shard.empty()) t.shard = random_shard(m);
        break;
      }
      case 5: {  // a pinned tenant without a shard
        Model::Tenant& t = m.tenants[some_tenant(m)];
        t.pin = random_shard(m);
        t.shard.clear();
        break;
      }
      case 6:
        m.tenants[some_tenant(m)].name = fmt::format("renamed-{}", serial_++);
        break;
      case 7:  // two tenants swap names
        std::swap(m.tenants[some_tenant(m)].name, m.tenants[some_tenant(m)].name);
        break;
      case 8:
        m.cells[10 + below(6)] = below(3) == 0;
        break;
      case 9:
        m.cells[below(10)] = below(2) == 0;
        break;
      case 10:
        if (below(8) == 0) m.addressed = !m.addressed;
        if (below(8) == 0) m.named = !m.named;
        break;
    }
  }

 private:
  std::mt19937_64 rng_;
  std::uint64_t serial_ = 0;
};

// Every lookup of `got` agrees with `want` (a table built whole), for every tenant id up
// to past the largest and for every name `m` and `gone` (names that may have left) give.
void expect_same_routing(const RoutingTable& got, const RoutingTable& want, const Model& m,
                         const Model& gone) {
  for (const auto& entry : gone.tenants)
    RC_ASSERT(got.find_tenant(entry.second.name) == want.find_tenant(entry.second.name));
  const std::uint32_t top = m.tenants.empty() ? 0 : m.tenants.rbegin()->first;
  for (std::uint32_t t = 0; t <= top + 4097; ++t) {
    const TenantId id{t};
    RC_ASSERT(std::ranges::equal(got.shard_of(id), want.shard_of(id)));
    RC_ASSERT(got.is_pinned(id) == want.is_pinned(id));
    RC_ASSERT(got.tenant_name(id) == want.tenant_name(id));
  }
  for (const auto& [t, tenant] : m.tenants) {
    RC_ASSERT(got.find_tenant(tenant.name) == want.find_tenant(tenant.name));
    RC_ASSERT(got.find_tenant(std::to_string(t)) == want.find_tenant(std::to_string(t)));
  }
  RC_ASSERT(!got.find_tenant("nobody").has_value());
  RC_ASSERT(got.tenant_count() == want.tenant_count());
  RC_ASSERT(got.has_names() == want.has_names());
  RC_ASSERT(got.cells() == want.cells());
  RC_ASSERT(got.disabled() == want.disabled());
  for (CellId c : want.cells()) {
    RC_ASSERT(got.is_routable(c) == want.is_routable(c));
    RC_ASSERT(got.cell_name(c) == want.cell_name(c));
    RC_ASSERT(got.cell_endpoint(c) == want.cell_endpoint(c));
  }
}

TEST(RoutingTablePatch, RandomDeltasAppliedInPlaceGiveTheTableBuiltWhole) {
  check_property([](std::uint64_t seed) {
    Changer changer(seed);
    Model model = changer.start(4200 + changer.below(2000));
    FlatSnapshot from = model.flat();
    Result<RoutingTable> table = RoutingTable::build(FlatSnapshot(from));
    RC_ASSERT(table.is_ok());
    std::uint64_t digest = routing_digest(from);
    for (int step = 0; step < 3; ++step) {
      Model next = changer.change(model);
      FlatSnapshot to = next.flat();
      const RoutingDelta delta = diff_snapshots(from, to, digest);
      std::optional<RoutingTable> patched = table->patch(std::span(&delta, 1), digest);
      RC_ASSERT(patched.has_value());  // dense ids, no cell removed: never the whole rebuild
      Result<RoutingTable> whole = RoutingTable::build(FlatSnapshot(to));
      RC_ASSERT(whole.is_ok());
      expect_same_routing(*patched, *whole, next, model);
      RC_ASSERT(patched->version() == next.version);
      const FlatSnapshot got = patched->flat();
      RC_ASSERT(got == to);
      RC_ASSERT(routing_digest(got) == delta.digest);
      RC_ASSERT(encode_snapshot(got) == encode_snapshot(whole->flat()));
      table = std::move(*patched);
      digest = delta.digest;
      model = std::move(next);
      from = std::move(to);
    }
  });
}

TEST(RoutingTablePatch, AVersionAReaderHoldsStaysUnchangedByTheNext) {
  check_property([](std::uint64_t seed) {
    Changer changer(seed);
    const Model model = changer.start(4500);
    const auto held = std::make_shared<const RoutingTable>(*RoutingTable::build(model.flat()));
    const FlatSnapshot before = held->flat();
    Result<RoutingTable> twin = RoutingTable::build(model.flat());
    std::uint64_t digest = routing_digest(before);
    std::shared_ptr<const RoutingTable> served = held;
    Model now = model;
    for (int step = 0; step < 3; ++step) {
      const Model next = changer.change(now);
      const RoutingDelta delta = diff_snapshots(now.flat(), next.flat(), digest);
      Result<RoutingTable> changed = served->apply(std::span(&delta, 1), digest);
      RC_ASSERT(changed.is_ok());
      served = std::make_shared<const RoutingTable>(std::move(changed).value());
      digest = delta.digest;
      now = next;
    }
    RC_ASSERT(served->flat() == now.flat());
    RC_ASSERT(held->flat() == before);
    expect_same_routing(*held, *twin, model, now);
  });
}

// The name index is made again, larger, when it would fill past half its slots or a tenant
// id outgrows them: 4096 names fill 8192 slots to half.
TEST(RoutingTablePatch, TheNameIndexGrowsWhenItFills) {
  FlatSnapshot from{.version = 1, .cells = {CellId{0}}};
  for (std::uint32_t t = 0; t < 4096; ++t) {
    from.shards.add(TenantId{t}, std::vector{CellId{0}});
    from.tenant_names.add(TenantId{t}, fmt::format("tenant-{}", t));
  }
  RoutingTable table = *RoutingTable::build(FlatSnapshot(from));
  std::uint64_t digest = routing_digest(from);
  for (std::uint32_t t : {4096u, 4097u, 9000u}) {
    RoutingDelta delta{.parent = table.version(), .version = table.version() + 1};
    delta.shards.add(TenantId{t}, std::vector{CellId{0}});
    delta.names.add(TenantId{t}, fmt::format("tenant-{}", t));
    delta.digest = digest_with_additions(digest, delta);
    std::optional<RoutingTable> next = table.patch(std::span(&delta, 1), digest);
    ASSERT_TRUE(next.has_value()) << t;
    table = std::move(*next);
    digest = delta.digest;
  }
  for (std::uint32_t t = 0; t < 4098; ++t)
    ASSERT_EQ(table.find_tenant(fmt::format("tenant-{}", t)), TenantId{t});
  EXPECT_EQ(table.find_tenant("tenant-9000"), TenantId{9000});
  EXPECT_EQ(table.tenant_count(), 4099u);
}

// two chunks' worth of named tenants, version 5.
FlatSnapshot two_chunks() {
  FlatSnapshot s{.version = 5, .cells = {CellId{0}, CellId{1}, CellId{2}}};
  for (std::uint32_t t = 0; t < 5000; ++t) {
    s.shards.add(TenantId{t}, std::vector{CellId{t % 3}, CellId{(t + 1) % 3}});
    s.tenant_names.add(TenantId{t}, fmt::format("tenant-{}", t));
  }
  return s;
}

// The delta from two_chunks() to `to` at version 6.
RoutingDelta delta_to(FlatSnapshot to) {
  to.version = 6;
  return diff_snapshots(two_chunks(), to);
}

struct Refusal {
  std::string reason;
  bool unchanged = false;
};

Refusal refusal_of(const RoutingDelta& delta) {
  const RoutingTable table = *RoutingTable::build(two_chunks());
  const std::uint64_t digest = routing_digest(two_chunks());
  EXPECT_FALSE(table.patch(std::span(&delta, 1), digest).has_value());
  Result<RoutingTable> applied = table.apply(std::span(&delta, 1), digest);
  EXPECT_FALSE(applied.is_ok());
  return {applied.status().message(), table.flat() == two_chunks()};
}

// two_chunks() and tenant 5000 on `cell`, named `name` unless empty.
FlatSnapshot with_tenant_5000(CellId cell, std::string_view name) {
  FlatSnapshot to = two_chunks();
  to.shards.add(TenantId{5000}, std::vector{cell});
  if (!name.empty()) to.tenant_names.add(TenantId{5000}, name);
  return to;
}

TEST(RoutingTablePatch, RefusesAWrongDigestAndLeavesTheTable) {
  RoutingDelta delta = delta_to(with_tenant_5000(CellId{2}, "new"));
  delta.digest ^= 1;
  const Refusal r = refusal_of(delta);
  EXPECT_THAT(r.reason, ::testing::HasSubstr("the result's digest"));
  EXPECT_TRUE(r.unchanged);
}

// Deltas whose digest is right but whose result is no table, and the whole build's reason.
TEST(RoutingTablePatch, RefusesADeltaWhoseResultIsNoTableAndLeavesTheTable) {
  const std::pair<FlatSnapshot, std::string> cases[] = {
      {with_tenant_5000(CellId{9}, "new"), "shard of tenant 5000 names unknown cell 9"},
      {with_tenant_5000(CellId{2}, "tenant-4097"), "'tenant-4097' is used twice"},
      {with_tenant_5000(CellId{2}, ""), "names 5000 of its 5001 tenants"},
  };
  for (const auto& [to, reason] : cases) {
    const Refusal r = refusal_of(delta_to(to));
    EXPECT_THAT(r.reason, ::testing::HasSubstr(reason));
    EXPECT_TRUE(r.unchanged) << reason;
  }
}

TEST(RoutingTablePatch, RefusesRemovingATenantThatIsNotThere) {
  RoutingDelta delta = delta_to(two_chunks());
  delta.unsharded.push_back(TenantId{4999 + 7});
  const Refusal r = refusal_of(delta);
  EXPECT_THAT(r.reason, ::testing::HasSubstr("which has none"));
  EXPECT_TRUE(r.unchanged);
}

TEST(RoutingTablePatch, RefusesRemovingACellAShardStillNamesThroughTheWholeRebuild) {
  FlatSnapshot to = two_chunks();
  to.cells.pop_back();
  const Refusal r = refusal_of(delta_to(to));
  EXPECT_THAT(r.reason, ::testing::HasSubstr("delta removes cell 2, which the shard of tenant"));
  EXPECT_TRUE(r.unchanged);
}

TEST(RoutingTablePatch, RemovesACellNoShardNamesThroughTheWholeRebuild) {
  FlatSnapshot from = two_chunks();
  from.cells.push_back(CellId{3});
  FlatSnapshot to = from;
  to.version = 6;
  to.cells.pop_back();
  const RoutingTable table = *RoutingTable::build(FlatSnapshot(from));
  const RoutingDelta delta = diff_snapshots(from, to);
  EXPECT_FALSE(table.patch(std::span(&delta, 1), routing_digest(from)).has_value());
  Result<RoutingTable> changed = table.apply(std::span(&delta, 1), routing_digest(from));
  ASSERT_TRUE(changed.is_ok()) << changed.status().message();
  EXPECT_EQ(changed->flat(), to);
}

TEST(RoutingTablePatch, LeavesSparseIdsToTheWholeRebuild) {
  FlatSnapshot from{.version = 1, .cells = {CellId{0}}};
  from.shards.add(TenantId{4'000'000'000}, std::vector{CellId{0}});
  FlatSnapshot to = from;
  to.version = 2;
  to.shards.add(TenantId{4'000'000'001}, std::vector{CellId{0}});
  const RoutingTable table = *RoutingTable::build(FlatSnapshot(from));
  const RoutingDelta delta = diff_snapshots(from, to);
  EXPECT_FALSE(table.patch(std::span(&delta, 1), routing_digest(from)).has_value());
  Result<RoutingTable> changed = table.apply(delta);
  ASSERT_TRUE(changed.is_ok());
  EXPECT_EQ(changed->flat(), to);
}

TEST(RoutingTablePatch, AStrayHugeTenantIdGoesToTheWholeRebuild) {
  FlatSnapshot to = two_chunks();
  to.shards.add(TenantId{3'000'000'000}, std::vector{CellId{0}});
  to.tenant_names.add(TenantId{3'000'000'000}, "far");
  const RoutingDelta delta = delta_to(to);
  const RoutingTable table = *RoutingTable::build(two_chunks());
  EXPECT_FALSE(table.patch(std::span(&delta, 1), routing_digest(two_chunks())).has_value());
  Result<RoutingTable> changed = table.apply(delta);
  ASSERT_TRUE(changed.is_ok());
  EXPECT_EQ(changed->shard_of(TenantId{3'000'000'000}).size(), 1u);
  EXPECT_EQ(changed->find_tenant("far"), TenantId{3'000'000'000});
}

}  // namespace
}  // namespace cellkit

// Faults on their own: what a crash, a restart, a zone outage and a router restart change,
// with nothing of a World around them.
#include "sim/faults.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <utility>
#include <vector>

#include "cellkit/base/random.h"
#include "sim/event_kinds.h"

namespace cellkit::sim {
namespace {

using std::chrono::seconds;

constexpr TimePoint at(int s) {
  return TimePoint{} + seconds(s);
}

// Three cells (cells 0 and 2 in zone 0, cell 1 in zone 1), no tenants, a run of 100 s. Every
// request a crash takes down is written to `lost`.
struct Bench {
  CellsSpec spec;
  FaultsSpec faults;
  std::vector<CellRuntime> cells;
  EventQueue queue;
  RequestSlots slots;
  Timeline timeline{at(100)};
  DowntimeLedger ledger{at(100), cells, timeline};
  std::vector<SlotId> lost;
  Faults subject{spec,     faults, at(100),
                 cells,    queue,  slots,
                 timeline, ledger, [this](SlotId s) { lost.push_back(s); }};

  Bench() {
    spec.restart_after = seconds(30);
    // Each cell its own seed, 7 + its id: a fault drawing from the wrong cell's stream
    // draws other numbers.
    for (ZoneId zone : {ZoneId{0}, ZoneId{1}, ZoneId{0}}) {
      cells.emplace_back(Random(7 + cells.size()));
      cells.back().zone = zone;
      ledger.add_cell();
    }
    ledger.start(0, Mapping{});
  }

  // A request in service at `cell`, as the request path starts one: busy and a completion
  // at `done`.
  SlotId serve(CellId cell, TimePoint done = at(99)) {
    const SlotId s = slots.allocate();
    slots[s].cell = cell;
    ++cells[raw(cell)].busy;
    queue.push(done, kServiceDone, raw(s), slots[s].generation);
    return s;
  }
  SlotId wait(CellId cell) {
    const SlotId s = slots.allocate();
    slots[s].cell = cell;
    cells[raw(cell)].queue.push_back(s);
    return s;
  }
  std::vector<TimelineEntry> entries() {
    RunResult r;
    timeline.move_into(r);
    return r.timeline;
  }
  // The pending events of `kind`, as (time, target), earliest first. The queue is left as is.
  std::vector<std::pair<TimePoint, std::uint32_t>> pending(Kind kind) const {
    std::vector<std::pair<TimePoint, std::uint32_t>> found;
    EventQueue left = queue;
    while (!left.empty()) {
      const Event e = left.pop();
      if (e.kind() == kind) found.emplace_back(e.time, e.target);
    }
    return found;
  }
};

TEST(Faults, CrashHandsOverTheRequestsInServiceInStartOrderThenTheQueued) {
  Bench b;
  const SlotId first = b.serve(CellId{1});
  b.serve(CellId{0});
  const SlotId second = b.serve(CellId{1});
  const SlotId queued = b.wait(CellId{1});
  b.subject.crash(CellId{1}, seconds(10), CrashCause::kScheduled, TenantId{}, at(5));
  EXPECT_EQ(b.lost, (std::vector<SlotId>{first, second, queued}));
  const CellRuntime& c = b.cells[1];
  EXPECT_FALSE(c.up);
  EXPECT_EQ(c.busy, 0u);
  EXPECT_TRUE(c.queue.empty());
  EXPECT_EQ(c.crashes, 1u);
  EXPECT_EQ(c.down_until, at(15));
  EXPECT_EQ(
      b.entries(),
      (std::vector<TimelineEntry>{
          {.time = at(5),
           .what = timeline::CellCrashed{.cell = CellId{1}, .cause = CrashCause::kScheduled}}}));
  EXPECT_EQ(b.pending(kRestart), (std::vector<std::pair<TimePoint, std::uint32_t>>{{at(15), 1}}));
}

// The completions' times are the reverse of the start order: the queue's storage order is
// neither, so only the sort by sequence gives the start order.
TEST(Faults, CrashHandsOverTheRequestsInStartOrderWhenLaterOnesCompleteEarlier) {
  Bench b;
  const SlotId first = b.serve(CellId{1}, at(90));
  const SlotId second = b.serve(CellId{1}, at(50));
  const SlotId third = b.serve(CellId{1}, at(20));
  const SlotId fourth = b.serve(CellId{1}, at(10));
  b.subject.crash(CellId{1}, seconds(10), CrashCause::kScheduled, TenantId{}, at(5));
  EXPECT_EQ(b.lost, (std::vector<SlotId>{first, second, third, fourth}));
}

TEST(Faults, ACompletionOfAFreedSlotIsNoRequestInService) {
  Bench b;
  const SlotId gone = b.serve(CellId{1});
  b.slots.release(gone);
  b.cells[1].busy = 0;  // the request path ended it
  b.subject.crash(CellId{1}, seconds(10), CrashCause::kRandom, TenantId{}, at(5));
  EXPECT_TRUE(b.lost.empty());
}

TEST(Faults, ACrashOfACellAlreadyDownOnlyDelaysItsRestart) {
  Bench b;
  b.subject.crash(CellId{0}, seconds(10), CrashCause::kScheduled, TenantId{}, at(0));
  b.subject.crash(CellId{0}, seconds(5), CrashCause::kZone, TenantId{}, at(1));   // sooner
  b.subject.crash(CellId{0}, seconds(20), CrashCause::kZone, TenantId{}, at(2));  // later
  EXPECT_EQ(b.cells[0].crashes, 1u);
  EXPECT_EQ(b.cells[0].down_until, at(22));
  b.subject.restart(CellId{0}, at(10));  // the first restart, overtaken
  EXPECT_FALSE(b.cells[0].up);
  b.subject.restart(CellId{0}, at(22));
  EXPECT_TRUE(b.cells[0].up);
  EXPECT_EQ(b.cells[0].down_for, seconds(22));
  EXPECT_EQ(b.entries().size(), 2u);  // crashed, restarted: the later crashes are not noted
  EXPECT_EQ(b.pending(kRestart),
            (std::vector<std::pair<TimePoint, std::uint32_t>>{{at(10), 0}, {at(22), 0}}));
}

TEST(Faults, DowntimeCountsOnlyUpToTheRunsEnd) {
  Bench b;
  b.subject.crash(CellId{2}, seconds(60), CrashCause::kScheduled, TenantId{}, at(90));
  b.subject.restart(CellId{2}, at(150));
  EXPECT_EQ(b.cells[2].down_for, seconds(10));
}

TEST(Faults, AZoneOutageCrashesEveryCellOfTheZoneAndNoOther) {
  Bench b;
  b.faults.zone_outages = {{.at = seconds(3), .zone = 0, .duration = seconds(40)}};
  b.subject.zone_down(0, at(3));
  EXPECT_FALSE(b.cells[0].up);
  EXPECT_TRUE(b.cells[1].up);
  EXPECT_FALSE(b.cells[2].up);
  b.subject.zone_up(0, at(43));
  const auto crashed = [](std::uint32_t cell) {
    return TimelineEntry{
        .time = at(3),
        .what = timeline::CellCrashed{.cell = CellId{cell}, .cause = CrashCause::kZone}};
  };
  EXPECT_EQ(b.entries(),
            (std::vector<TimelineEntry>{{.time = at(3), .what = timeline::ZoneDown{ZoneId{0}}},
                                        crashed(0),
                                        crashed(2),
                                        {.time = at(43), .what = timeline::ZoneUp{ZoneId{0}}}}));
}

TEST(Faults, AScheduledCrashWithoutADurationLastsTheCellsRestartTime) {
  Bench b;
  b.faults.cell_crashes = {{.at = seconds(4), .cell = 2}};
  b.subject.scheduled_crash(0, at(4));
  EXPECT_EQ(b.cells[2].down_until, at(34));
}

// The next number of each cell's stream: `advanced` for that cell (a stream with its seed,
// advanced by the draws expected of it), an untouched stream with its seed for the others.
void expect_streams(Bench& b, CellId drawn, Random& advanced) {
  for (std::uint32_t c = 0; c < b.cells.size(); ++c) {
    Random untouched(7 + c);
    EXPECT_EQ(b.cells[c].random.next_u64(),
              c == raw(drawn) ? advanced.next_u64() : untouched.next_u64())
        << "cell " << c;
  }
}

// Random crashes draw from the cell's own stream: the repair time, then the up-time to the
// next crash. The expected times are drawn here from a stream with the cell's seed.
TEST(Faults, ARandomCrashTakesAnUpCellDownForARepairDrawAndDrawsTheNextCrashAfterIt) {
  Bench b;
  b.spec.mttr = seconds(20);
  b.spec.mtbf = seconds(40);
  Random draws(8);  // cell 1's seed
  const Duration repair = draws.exponential(b.spec.mttr);
  const Duration up = draws.exponential(b.spec.mtbf);
  b.subject.random_crash(CellId{1}, at(5));
  const CellRuntime& c = b.cells[1];
  EXPECT_FALSE(c.up);
  EXPECT_EQ(c.crashes, 1u);
  EXPECT_EQ(c.down_until, at(5) + repair);
  EXPECT_TRUE(b.cells[0].up);
  EXPECT_TRUE(b.cells[2].up);
  EXPECT_EQ(b.pending(kRestart),
            (std::vector<std::pair<TimePoint, std::uint32_t>>{{at(5) + repair, 1}}));
  EXPECT_EQ(b.pending(kRandomCrash),
            (std::vector<std::pair<TimePoint, std::uint32_t>>{{at(5) + repair + up, 1}}));
  EXPECT_EQ(b.entries(),
            (std::vector<TimelineEntry>{
                {.time = at(5),
                 .what = timeline::CellCrashed{.cell = CellId{1}, .cause = CrashCause::kRandom}}}));
  expect_streams(b, CellId{1}, draws);  // cell 1's gave exactly the two draws, the others none
}

// A cell already down when its random crash comes stays as it is, but the repair time is
// still drawn (so the stream does not shift with the crash's timing), and the next crash
// comes an up-time after the pending restart.
TEST(Faults, ARandomCrashOfACellAlreadyDownDrawsTheNextCrashAfterItsRestart) {
  Bench b;
  b.spec.mttr = seconds(20);
  b.spec.mtbf = seconds(40);
  b.subject.crash(CellId{2}, seconds(30), CrashCause::kScheduled, TenantId{}, at(0));
  Random draws(9);  // cell 2's seed
  (void)draws.exponential(b.spec.mttr);
  const Duration up = draws.exponential(b.spec.mtbf);
  b.subject.random_crash(CellId{2}, at(10));
  EXPECT_EQ(b.cells[2].crashes, 1u);
  EXPECT_EQ(b.cells[2].down_until, at(30));
  EXPECT_EQ(b.pending(kRestart), (std::vector<std::pair<TimePoint, std::uint32_t>>{{at(30), 2}}));
  EXPECT_EQ(b.pending(kRandomCrash),
            (std::vector<std::pair<TimePoint, std::uint32_t>>{{at(30) + up, 2}}));
  EXPECT_EQ(
      b.entries(),  // the scheduled crash only: the random one found the cell down
      (std::vector<TimelineEntry>{
          {.time = at(0),
           .what = timeline::CellCrashed{.cell = CellId{2}, .cause = CrashCause::kScheduled}}}));
  expect_streams(b, CellId{2}, draws);
}

TEST(Faults, ARestartedRouterThatCannotDecodeItsSnapshotServesNothingAndSaysSo) {
  Bench b;
  Router router;
  const std::vector<std::byte> garbage(3, std::byte{0x5a});
  b.subject.restart_router(router, garbage, at(8));
  EXPECT_EQ(router.version(), 0u);
  EXPECT_EQ(b.subject.snapshots_refused(), 1u);
  EXPECT_EQ(b.entries(),
            (std::vector<TimelineEntry>{{.time = at(8), .what = timeline::SnapshotRefused{0}},
                                        {.time = at(8), .what = timeline::RouterRestarted{0}}}));
}

TEST(Faults, ARestartedRouterWithNothingPersistedRefusesNothing) {
  Bench b;
  Router router;
  b.subject.restart_router(router, {}, at(8));
  EXPECT_EQ(b.subject.snapshots_refused(), 0u);
  EXPECT_EQ(b.entries(),
            (std::vector<TimelineEntry>{{.time = at(8), .what = timeline::RouterRestarted{0}}}));
}

}  // namespace
}  // namespace cellkit::sim

#include "cellkit/sim/event_queue.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace cellkit::sim {
namespace {

TimePoint at(std::int64_t us) {
  return TimePoint{Duration(us)};
}

TEST(EventQueue, PopsInTimeOrder) {
  EventQueue q;
  q.push(at(30), 1);
  q.push(at(10), 2);
  q.push(at(20), 3);
  EXPECT_EQ(q.pop().kind(), 2);
  EXPECT_EQ(q.pop().kind(), 3);
  EXPECT_EQ(q.pop().kind(), 1);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, BreaksTiesByInsertionOrder) {
  EventQueue q;
  for (std::uint32_t i = 0; i < 100; ++i)
    q.push(at(5), 0, i);
  for (std::uint32_t i = 0; i < 100; ++i)
    EXPECT_EQ(q.pop().target, i);
}

RC_GTEST_PROP(EventQueue, PopOrderIsSortedByTimeThenSequence, (std::vector<std::uint16_t> times)) {
  EventQueue q;
  for (std::uint16_t t : times)
    q.push(at(t), 0);
  Event previous{.time = at(-1)};
  while (!q.empty()) {
    const Event e = q.pop();
    RC_ASSERT(previous.time < e.time || (previous.time == e.time && previous.seq() < e.seq()));
    previous = e;
  }
}

TEST(EventQueue, EventBesideTheHeapPopsInOrderWithIt) {
  EventQueue q;
  q.push(at(10), 1);
  q.push_beside(at(5), 2);
  q.push(at(5), 3);  // same time as the beside event, pushed later: pops after it
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.pop().kind(), 2);
  q.push_beside(at(7), 4);
  EXPECT_EQ(q.pop().kind(), 3);
  EXPECT_EQ(q.pop().kind(), 4);
  EXPECT_EQ(q.pop().kind(), 1);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, ForEachVisitsEveryPendingEventOnce) {
  EventQueue q;
  for (std::uint32_t i = 0; i < 9; ++i)
    q.push(at(100 - i), 0, i);
  q.push_beside(at(1), 0, 99);
  (void)q.pop();  // the beside event
  (void)q.pop();  // target 8, the earliest in the heap
  std::vector<std::uint32_t> seen;
  q.for_each([&](const Event& e) { seen.push_back(e.target); });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

// Any interleaving of pushes, beside-pushes and pops yields, at every pop, the minimum by
// (time, sequence) of what is pending: checked against a sorted reference.
RC_GTEST_PROP(EventQueue, EveryPopIsThePendingMinimum,
              (std::vector<std::pair<std::uint8_t, std::uint8_t>> ops)) {
  EventQueue q;
  std::set<std::pair<std::int64_t, std::uint64_t>> pending;  // (time, seq)
  bool beside_pending = false;
  std::uint64_t beside_seq = 0;
  std::int64_t now = 0;
  for (const auto& [op, delta] : ops) {
    const std::int64_t t = now + delta % 8;  // small deltas: many equal times
    if (op % 4 == 0 && !pending.empty()) {
      const Event e = q.pop();
      RC_ASSERT(*pending.begin() == std::make_pair(e.time.time_since_epoch().count(), e.seq()));
      pending.erase(pending.begin());
      if (beside_pending && e.seq() == beside_seq) beside_pending = false;
      now = e.time.time_since_epoch().count();
    } else if (op % 4 == 1 && !beside_pending) {
      beside_seq = q.pushed();
      q.push_beside(at(t), 1);
      pending.emplace(t, beside_seq);
      beside_pending = true;
    } else {
      pending.emplace(t, q.pushed());
      q.push(at(t), 0);
    }
    RC_ASSERT(q.size() == pending.size());
  }
  while (!pending.empty()) {
    const Event e = q.pop();
    RC_ASSERT(*pending.begin() == std::make_pair(e.time.time_since_epoch().count(), e.seq()));
    pending.erase(pending.begin());
  }
  RC_ASSERT(q.empty());
}

}  // namespace
}  // namespace cellkit::sim

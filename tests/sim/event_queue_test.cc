#include "cellkit/sim/event_queue.h"

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

TEST(EventQueue, EventIsAtMost24Bytes) {
  EXPECT_LE(sizeof(Event), 24u);
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

}  // namespace
}  // namespace cellkit::sim

// Binary heap of events; std::push_heap/pop_heap with a total order on (time, seq).
#include "cellkit/sim/event_queue.h"

#include <algorithm>
#include <cassert>

namespace cellkit::sim {
namespace {

// "a after b": the heap's top is the earliest event. seq is unique, so the order is total
// and the heap's layout cannot leak into the pop order.
bool later(const Event& a, const Event& b) {
  if (a.time != b.time) return a.time > b.time;
  return a.seq > b.seq;
}

}  // namespace

void EventQueue::push(TimePoint time, std::uint8_t kind, std::uint32_t target, std::uint32_t aux) {
  heap_.push_back(
      Event{.time = time, .seq = next_seq_++, .target = target, .aux = aux, .kind = kind});
  std::push_heap(heap_.begin(), heap_.end(), later);
}

Event EventQueue::pop() {
  assert(!heap_.empty());
  std::pop_heap(heap_.begin(), heap_.end(), later);
  Event e = heap_.back();
  heap_.pop_back();
  return e;
}

}  // namespace cellkit::sim

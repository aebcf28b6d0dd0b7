// The simulator's pending events, ordered by (time, sequence).
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <vector>

#include "cellkit/base/time.h"

namespace cellkit::sim {

// One pending event: 24 bytes. `kind`, `target` and `aux` mean what the engine that
// scheduled it says (an event kind, an entity index, a generation or parameter).
struct Event {
  TimePoint time{};
  std::uint64_t order = 0;  // sequence << 8 | kind: the sequence breaks ties, the kind rides along
  std::uint32_t target = 0;
  std::uint32_t aux = 0;

  std::uint64_t seq() const { return order >> 8; }
  std::uint8_t kind() const { return static_cast<std::uint8_t>(order & 0xff); }
};
static_assert(sizeof(Event) <= 24, "an event must stay small: the queue holds millions");

// A binary min-heap on (time, seq). Events scheduled for the same time pop in the order
// they were pushed, so runs with one seed are identical on every platform.
class EventQueue {
 public:
  void push(TimePoint time, std::uint8_t kind, std::uint32_t target = 0, std::uint32_t aux = 0) {
    heap_.push_back(
        Event{.time = time, .order = (next_seq_++ << 8) | kind, .target = target, .aux = aux});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }
  // Requires !empty(). Removes and returns the earliest event.
  Event pop() {
    assert(!heap_.empty());
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    const Event e = heap_.back();
    heap_.pop_back();
    return e;
  }
  const Event& top() const { return heap_.front(); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // Bytes the queue's storage holds (capacity, not size).
  std::size_t capacity_bytes() const { return heap_.capacity() * sizeof(Event); }
  std::uint64_t pushed() const { return next_seq_; }

 private:
  // "a after b": the heap's top is the earliest event. seq is unique, so the order is
  // total and the heap's layout cannot leak into the pop order. Inline: it is the hot path.
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      if (a.time != b.time) return a.time > b.time;
      return a.order > b.order;  // sequences are unique, so the kind never decides
    }
  };

  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace cellkit::sim

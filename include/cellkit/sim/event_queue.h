// The simulator's pending events, ordered by (time, sequence).
#pragma once

#include <cstdint>
#include <vector>

#include "cellkit/base/time.h"

namespace cellkit::sim {

// One pending event: 32 bytes. `kind`, `target` and `aux` mean what the engine that
// scheduled it says (an event kind, an entity index, a generation or parameter).
struct Event {
  TimePoint time{};
  std::uint64_t seq = 0;  // insertion order: breaks ties between equal times
  std::uint32_t target = 0;
  std::uint32_t aux = 0;
  std::uint8_t kind = 0;
};
static_assert(sizeof(Event) <= 32, "an event must stay small: the queue holds millions");

// A binary min-heap on (time, seq). Events scheduled for the same time pop in the order
// they were pushed, so runs with one seed are identical on every platform.
class EventQueue {
 public:
  void push(TimePoint time, std::uint8_t kind, std::uint32_t target = 0, std::uint32_t aux = 0);
  // Requires !empty(). Removes and returns the earliest event.
  Event pop();
  const Event& top() const { return heap_.front(); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // Bytes the queue's storage holds (capacity, not size).
  std::size_t capacity_bytes() const { return heap_.capacity() * sizeof(Event); }
  std::uint64_t pushed() const { return next_seq_; }

 private:
  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace cellkit::sim

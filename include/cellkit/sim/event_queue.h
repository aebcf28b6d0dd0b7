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

// A 4-ary min-heap on (time, seq): half the depth of a binary heap, and a node's four
// children share a cache line or two. Events scheduled for the same time pop in the order
// they were pushed, so runs with one seed are identical on every platform.
class EventQueue {
 public:
  void push(TimePoint time, std::uint8_t kind, std::uint32_t target = 0, std::uint32_t aux = 0) {
    const Event e{.time = time, .order = (next_seq_++ << 8) | kind, .target = target, .aux = aux};
    // Move parents down into the hole until e fits under its parent.
    if (heap_.size() < size_ + 1 + kArity) heap_.resize(size_ + 1 + kArity, kSentinel);
    std::size_t hole = size_++;
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / kArity;
      if (!earlier(e, heap_[parent])) break;
      heap_[hole] = heap_[parent];
      hole = parent;
    }
    heap_[hole] = e;
  }
  // Schedules the next event of a stream that always has exactly one event pending (the
  // Poisson arrivals): it waits beside the heap, in order with the rest, and costs no heap
  // work. Requires that the stream's previous event was popped.
  void push_beside(TimePoint time, std::uint8_t kind, std::uint32_t target = 0,
                   std::uint32_t aux = 0) {
    assert(!has_beside_);
    beside_ = Event{.time = time, .order = (next_seq_++ << 8) | kind, .target = target, .aux = aux};
    has_beside_ = true;
  }
  // Requires !empty(). Removes and returns the earliest event.
  Event pop() {
    if (has_beside_ && (size_ == 0 || earlier(beside_, heap_.front()))) {
      has_beside_ = false;
      return beside_;
    }
    return pop_heap();
  }
  // Calls visit(event) for every pending event, in no particular order.
  template <class Visit>
  void for_each(Visit visit) const {
    for (std::size_t i = 0; i < size_; ++i)
      visit(heap_[i]);
    if (has_beside_) visit(beside_);
  }
  bool empty() const { return size_ == 0 && !has_beside_; }
  std::size_t size() const { return size_ + (has_beside_ ? 1 : 0); }
  // Bytes the queue's storage holds (capacity, not size).
  std::size_t capacity_bytes() const { return heap_.capacity() * sizeof(Event) + sizeof(Event); }
  std::uint64_t pushed() const { return next_seq_; }

 private:
  static constexpr std::size_t kArity = 4;
  // Fills every slot past the last event: later than any event, so a family that runs past
  // the end needs no bounds check.
  static constexpr Event kSentinel{.time = TimePoint::max(), .order = UINT64_MAX};

  Event pop_heap() {
    assert(size_ > 0);
    const Event top = heap_.front();
    const std::size_t n = --size_;
    const Event last = heap_[n];
    heap_[n] = kSentinel;
    if (n == 0) return top;
    // Move the earliest child up into the hole until `last` fits there.
    Event* const h = heap_.data();
    std::size_t hole = 0;
    for (;;) {
      const std::size_t first = hole * kArity + 1;
      if (first >= n) break;
      const Event* kids = h + first;
      const Event* best = kids;
      for (std::size_t c = 1; c < kArity; ++c) {
        if (earlier(kids[c], *best)) best = kids + c;
      }
      if (!earlier(*best, last)) break;
      h[hole] = *best;
      hole = static_cast<std::size_t>(best - h);
    }
    heap_[hole] = last;
    return top;
  }

  // seq is unique, so the order is total and the heap's layout cannot leak into the pop
  // order; the kind in the low byte of `order` never decides.
  static bool earlier(const Event& a, const Event& b) {
    if (a.time != b.time) return a.time < b.time;
    return a.order < b.order;
  }

  std::vector<Event> heap_;  // size_ events, then sentinels
  std::size_t size_ = 0;
  Event beside_{};
  bool has_beside_ = false;
  std::uint64_t next_seq_ = 0;
};

}  // namespace cellkit::sim

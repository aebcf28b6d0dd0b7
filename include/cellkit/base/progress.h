// Progress of long library work (placing or analyzing many tenants), told to an observer:
// the library never prints or draws; the CLI turns the calls into a progress line.
#pragma once

#include <cstdint>
#include <functional>

namespace cellkit {

struct Progress {
  // Called with how many of `total` units are done (each function says what a unit is;
  // done / total is the share of the work done). None: no calls.
  std::function<void(std::uint64_t done, std::uint64_t total)> observer;
  std::uint64_t every = 4096;  // step() calls the observer at most once per `every` units

  // Inside a loop: tells the observer when `done` is a multiple of `every` or the end.
  void step(std::uint64_t done, std::uint64_t total) const {
    if (observer && (every == 0 || done % every == 0 || done == total)) observer(done, total);
  }
  // Between steps of the work: always tells the observer.
  void tell(std::uint64_t done, std::uint64_t total) const {
    if (observer) observer(done, total);
  }
};

}  // namespace cellkit

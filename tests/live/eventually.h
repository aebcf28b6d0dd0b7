// Waiting, bounded, for something a server does in its own time.
#pragma once

#include <chrono>
#include <thread>

namespace cellkit::live::test {

// Calls `done` every 20 ms until it holds or `limit` passed; returns its last answer.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace cellkit::live::test

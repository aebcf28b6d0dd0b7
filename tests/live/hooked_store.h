// A Store that forwards every call to another, with hooks a test sets to act or look at the
// moment a call is made (a compaction just before a snapshot read, the revision a watch
// starts from).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cellkit/live/store.h"

namespace cellkit::live::test {

class HookedStore final : public Store {
 public:
  explicit HookedStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}
  // Runs once, before the next read_snapshot.
  std::function<void()> before_snapshot;
  // Runs before every watch_pointer, with the store revision it watches after.
  std::function<void(std::int64_t)> before_watch;

  Store& inner() { return *inner_; }

  std::string describe() const override { return inner_->describe(); }
  Result<PointerRead> read_pointer() override { return inner_->read_pointer(); }
  Result<std::string> read_snapshot(const Pointer& p) override {
    if (before_snapshot) std::exchange(before_snapshot, nullptr)();
    return inner_->read_snapshot(p);
  }
  Result<std::string> read_state(const Pointer& p) override { return inner_->read_state(p); }
  Result<std::vector<std::string>> read_deltas(const Pointer& p, std::uint64_t after) override {
    return inner_->read_deltas(p, after);
  }
  Result<PublishReply> publish(const Publication& p, std::int64_t expected) override {
    return inner_->publish(p, expected);
  }
  Result<WatchEnd> watch_pointer(std::int64_t revision,
                                 std::chrono::steady_clock::time_point deadline) override {
    if (before_watch) before_watch(revision);
    return inner_->watch_pointer(revision, deadline);
  }
  Status report(const RouterReport& r) override { return inner_->report(r); }
  Result<std::vector<RouterReport>> reports() override { return inner_->reports(); }
  Result<Leadership> campaign(const std::string& address) override {
    return inner_->campaign(address);
  }
  void resign() override { inner_->resign(); }
  void interrupt() override { inner_->interrupt(); }

 private:
  std::unique_ptr<Store> inner_;
};

}  // namespace cellkit::live::test

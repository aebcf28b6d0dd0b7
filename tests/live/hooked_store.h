// A Store that forwards every call to another, with hooks a test sets to act at the moment a
// call is made (a compaction just before a snapshot read, an onboarding while a base is
// written, reads while a publication or a pointer read hangs).
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cellkit/live/store.h"

namespace cellkit::live::test {

class HookedStore final : public Store {
 public:
  explicit HookedStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}
  // Runs once, as the next read_pointer starts; when it returns an error, that read fails
  // with it (a store that cannot be reached).
  std::function<Status()> before_read_pointer;
  // Runs once, before the next read_snapshot.
  std::function<void()> before_snapshot;
  // Runs once, as the next write_base starts (a compaction writing its base).
  std::function<void()> during_write_base;
  // Runs once, as the next publish starts, with its publication; when it returns an error,
  // that publish fails with it and stores nothing (a store that cannot be written).
  std::function<Status(const Publication&)> before_publish;
  // The next publishes (after before_publish) answer these outcomes in turn and store
  // nothing: kConflict as when another writer moved the pointer, kNotLeader as when the
  // leadership was lost.
  std::vector<PublishOutcome> outcomes;
  // The next watches, in turn, fail at once (true) or go on to the inner store (false), as
  // on a store that refuses watches; later ones go on. Set before a follower starts.
  std::deque<bool> failing_watches;
  std::atomic<int> watches{0};  // watch_pointer calls so far

  // The store this one forwards to (a second writer on the same leadership).
  Store& inner() { return *inner_; }

  std::string describe() const override { return inner_->describe(); }
  Result<PointerRead> read_pointer() override {
    if (before_read_pointer) {
      if (Status s = std::exchange(before_read_pointer, nullptr)(); !s.is_ok()) return s;
    }
    return inner_->read_pointer();
  }
  Result<std::string> read_snapshot(const Pointer& p) override {
    if (before_snapshot) std::exchange(before_snapshot, nullptr)();
    return inner_->read_snapshot(p);
  }
  Result<std::string> read_state(const Pointer& p) override { return inner_->read_state(p); }
  Result<std::vector<std::string>> read_deltas(const Pointer& p, std::uint64_t after) override {
    return inner_->read_deltas(p, after);
  }
  Result<PublishReply> publish(const Publication& p, std::int64_t expected) override {
    if (before_publish) {
      if (Status s = std::exchange(before_publish, nullptr)(p); !s.is_ok()) return s;
    }
    if (!outcomes.empty()) {
      const PublishOutcome o = outcomes.front();
      outcomes.erase(outcomes.begin());
      return PublishReply{.outcome = o};
    }
    return inner_->publish(p, expected);
  }
  Result<BlobRef> write_base(std::uint64_t version, std::span<const std::byte> bytes) override {
    if (during_write_base) std::exchange(during_write_base, nullptr)();
    return inner_->write_base(version, bytes);
  }
  Result<PublishReply> rebase(const Pointer& current, std::uint64_t base_version,
                              const BlobRef& base, std::int64_t expected) override {
    return inner_->rebase(current, base_version, base, expected);
  }
  Result<std::vector<std::uint64_t>> stored_versions() override {
    return inner_->stored_versions();
  }
  Status delete_version(std::uint64_t version) override { return inner_->delete_version(version); }
  Result<WatchEnd> watch_pointer(std::int64_t revision,
                                 std::chrono::steady_clock::time_point deadline) override {
    ++watches;
    if (!failing_watches.empty()) {
      const bool fail = failing_watches.front();
      failing_watches.pop_front();
      if (fail) return failed_precondition("watch refused for the test");
    }
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

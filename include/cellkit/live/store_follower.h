// How a router follows a store: boot on what it has, then Sync = read the pointer, read the
// blob it names (size and SHA-256 checked), decode, offer it whole to the router, report
// ACK or NACK. A refused version is never retried. Any watch outcome (event, cancel,
// compaction, stream end) and a periodic timer trigger a full Sync; a store that cannot be
// reached, or whose watch fails, is retried with jittered backoff while the router keeps
// routing on what it has.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cellkit/core/routing_delta.h"
#include "cellkit/core/routing_table.h"
#include "cellkit/live/snapshot_holder.h"
#include "cellkit/live/store.h"

namespace cellkit::live {

// The router's offer path (SnapshotHolder::offer, interface A): accepted, or why not. It
// takes the decoded snapshot in flat form and may take its arrays (a router builds its
// table from them without a copy).
using OfferFn = std::function<OfferResult(FlatSnapshot&&)>;
// The router's delta path (SnapshotHolder::offer_deltas): the chain applied to the served
// table, accepted whole or not at all.
using OfferDeltasFn = std::function<OfferResult(std::vector<RoutingDelta>&&)>;

struct FollowerOptions {
  std::string router_id;                         // the key of its ACK/NACK report
  std::chrono::milliseconds reread{30000};       // full Sync at least this often
  std::chrono::milliseconds watch_wait{10000};   // longest single watch call
  std::chrono::milliseconds backoff_min{500};    // first wait after a failure
  std::chrono::milliseconds backoff_max{30000};  // doubling stops here
  std::uint64_t seed = 1;                        // jitter draws
  // Waits out one backoff (after a failed Sync or watch); empty: sleeps until it passed or
  // stop(). A test records the drawn waits here instead of sleeping them.
  std::function<void(std::chrono::milliseconds)> backoff_sleep;
};

struct FollowerStatus {
  std::uint64_t applied = 0;        // version being served (0: none)
  std::uint64_t rejected = 0;       // last refused version
  std::string reason;               // why it was refused
  bool rejected_delta = false;      // `rejected` was a delta: its version may be reached whole
  bool connected = false;           // the last store call succeeded
  std::int64_t stale_since_ms = 0;  // unix ms of the first failure in a row; 0 when connected
  std::uint64_t syncs = 0;          // full Syncs done
  std::uint64_t by_delta = 0;       // versions applied through a delta chain
  std::uint64_t fallbacks = 0;      // chains not applied: the whole snapshot was read instead
};

// How `s.rejected` was refused, as reports say it (RouterReport::rejected_as): "snapshot",
// "delta", or "" when nothing was.
std::string rejected_as(const FollowerStatus& s);

class StoreFollower {
 public:
  // `booted` is the version the router already serves (its persisted snapshot; 0 = none).
  // With `offer_deltas`, a version whose delta chain from the served one the store holds is
  // reached by applying that chain; a chain that cannot be read or decoded costs only a read
  // of the whole snapshot, and a delta that does not apply (its digest disagrees, it would
  // break the table) is NACKed by its version and reason, the whole snapshot read instead.
  StoreFollower(std::unique_ptr<Store> store, OfferFn offer, FollowerOptions options,
                std::uint64_t booted, OfferDeltasFn offer_deltas = {});
  ~StoreFollower();  // stops the loop

  // One full Sync; fails when the store cannot be read (the status then says disconnected).
  Status sync();
  // Runs Sync, watch, backoff in a thread until stop().
  void start();
  // Ends the loop at once: a watch or long-poll in flight is interrupted, not awaited.
  void stop();
  FollowerStatus status() const;

 private:
  std::unique_ptr<Store> store_;
  OfferFn offer_;
  OfferDeltasFn offer_deltas_;
  FollowerOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  FollowerStatus status_;
  std::int64_t watch_from_ = 0;  // store revision of the last pointer read
  bool stopping_ = false;
  std::thread thread_;
  std::mt19937_64 jitter_;

  void loop();
  void offer_version(const PointerRead& read);
  // True when the pointer (or its revision) is no longer the one `read` saw.
  bool pointer_moved(const PointerRead& read);
  bool offer_chain(const Pointer& pointer);
  // `delta`: the version's delta was refused, not the version (its snapshot may still be).
  void refuse(std::uint64_t version, std::string reason, bool delta = false);
  void set_connected(bool connected);
  void report();
  // Sleeps `d` or until stop(); false when stopping.
  bool pause(std::chrono::milliseconds d);
  // Pauses a jittered draw below `bound` and doubles it (capped); false when stopping.
  bool back_off(std::chrono::milliseconds& bound);
};

}  // namespace cellkit::live

// The live router's routing table and the one path by which a new snapshot reaches it:
// PUT /admin/snapshot, --snapshot FILE and the control plane's sources all call offer().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/routing_delta.h"
#include "cellkit/core/routing_table.h"
#include "cellkit/live/delta_log.h"

namespace cellkit::live {

enum class OfferVerdict : std::uint8_t {
  kAccepted,      // now served (and persisted when there is a state directory)
  kNotNewer,      // its version is not above the served one: HTTP 409
  kInvalid,       // undecodable or invalid as a whole: HTTP 422
  kNotPersisted,  // valid and newer, but the state directory could not be written: HTTP 500
  kNotParent,     // a delta chain that does not follow the served version: HTTP 409
};
std::string_view to_string(OfferVerdict verdict);  // "accepted", "not_newer", ...
int http_status(OfferVerdict verdict);             // 200, 409, 422, 500

struct OfferResult {
  OfferVerdict verdict = OfferVerdict::kInvalid;
  std::uint64_t offered = 0;  // the offered version (0 when it could not be decoded)
  std::uint64_t serving = 0;  // the version served after the offer
  std::string reason;         // empty when accepted

  bool accepted() const { return verdict == OfferVerdict::kAccepted; }
};

// Holds the served table as a shared_ptr<const RoutingTable> that is swapped whole: a
// reader sees the old table or the new one, never a mix. Offers are serialised by a mutex
// (never taken on the request path); readers use table() or, per thread, compare
// generation() with the one they cached and reload only when it moved.
class SnapshotHolder {
 public:
  // `state_dir` empty: nothing is persisted. Otherwise every accepted snapshot is written
  // to <state_dir>/routing.snapshot (write, fsync, rename, fsync of the directory) before
  // it is served, and every accepted delta chain is appended to
  // <state_dir>/routing.snapshot.deltas (fsynced) while that log holds at most kChainLinks
  // deltas and kChainBytes (beyond, the table reached is written as the new snapshot).
  explicit SnapshotHolder(std::string state_dir = {});

  // Serves the persisted snapshot changed by the logged deltas that follow it, when the
  // state directory has one. true when it did; an error (naming the file) when one is there
  // but cannot be read or is invalid.
  Result<bool> restore();

  // Accepted only when newer than the served table and valid whole; otherwise the served
  // table stays and the result says why.
  OfferResult offer(const RoutingSnapshot& snapshot);
  // The same, the table taking the snapshot's arrays instead of copying them.
  OfferResult offer(RoutingSnapshot&& snapshot);
  OfferResult offer(FlatSnapshot&& snapshot);
  // The served table changed by the deltas in order (RoutingTable::apply): accepted whole
  // (persisted as one snapshot, then served) or not at all. A chain that does not apply is
  // kInvalid, `offered` being the version of the delta that does not, or of the first after
  // which the table would not build (its reason begins "version V as a delta"), but not
  // counted as a refusal of the holder: the caller NACKs
  // that delta and reads the whole snapshot instead. A chain whose first delta does not
  // follow the served version (the caller read it after another one) is kNotParent: no
  // delta is at fault.
  OfferResult offer_deltas(std::vector<RoutingDelta>&& chain);
  // Bytes that are an encoded snapshot or a mapping JSON document (live/snapshot_file.h);
  // `source` names them in reasons ("PUT /admin/snapshot", a file path).
  OfferResult offer_bytes(std::string_view bytes, std::string_view source);
  // The same, releasing the bytes once decoded (before the table is built from them).
  OfferResult offer_bytes(std::string&& bytes, std::string_view source);
  // A body already decoded (parse_flat_snapshot's or SnapshotIntake's result): an error is
  // refused as invalid with its message, a snapshot is offered.
  OfferResult offer_decoded(Result<FlatSnapshot> snapshot);

  std::shared_ptr<const RoutingTable> table() const {
    return table_.load(std::memory_order_acquire);
  }
  // Moves on every accepted offer (and restore).
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  bool ready() const { return generation() > 0; }
  // When the served table was accepted; meaningless before ready().
  std::chrono::steady_clock::time_point accepted_at() const;
  std::chrono::system_clock::time_point accepted_wall() const;
  // Offers refused so far, and the latest refusal's reason.
  std::uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }
  std::string last_rejection() const;
  // <state_dir>/routing.snapshot; empty without a state directory.
  const std::string& persisted_path() const { return persisted_path_; }

 private:
  OfferResult install(RoutingTable table, std::span<const std::byte> encoded, OfferResult result);
  OfferResult refuse(OfferResult result);
  OfferResult append_chain(RoutingTable next, std::span<const RoutingDelta> chain,
                           OfferResult result);
  Result<RoutingTable> apply_to_served(const RoutingTable& served,
                                       std::span<const RoutingDelta> chain, std::uint64_t& refused);
  void serve(std::shared_ptr<const RoutingTable> table);

  std::string persisted_path_;
  mutable std::mutex mutex_;  // serialises offers; guards last_rejection_ and log_
  DeltaLog log_;
  std::atomic<std::shared_ptr<const RoutingTable>> table_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::int64_t> accepted_at_{0};    // steady_clock ticks
  std::atomic<std::int64_t> accepted_wall_{0};  // system_clock ticks
  std::atomic<std::uint64_t> rejected_{0};
  std::string last_rejection_;
  // Under mutex_: routing_digest of the table at digest_version_ (the last one a chain led
  // to and that was served), so the next chain's digest costs O(change); any other served
  // version (a whole snapshot installed resets it) computes it.
  std::uint64_t digest_version_ = 0;
  std::uint64_t digest_ = 0;
};

}  // namespace cellkit::live

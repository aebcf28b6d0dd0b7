// The router's side of the store: Sync, watch, re-read, backoff; ACK/NACK reports.
#include "cellkit/live/store_follower.h"

#include <fmt/format.h>

#include "cellkit/core/delta_codec.h"
#include "cellkit/core/snapshot_codec.h"
#include "stores.h"

namespace cellkit::live {

StoreFollower::StoreFollower(std::unique_ptr<Store> store, OfferFn offer, FollowerOptions options,
                             std::uint64_t booted, OfferDeltasFn offer_deltas)
    : store_(std::move(store)),
      offer_(std::move(offer)),
      offer_deltas_(std::move(offer_deltas)),
      options_(std::move(options)),
      jitter_(options_.seed) {
  status_.applied = booted;
  status_.stale_since_ms = unix_ms_now();  // stale until the store first answers
}

StoreFollower::~StoreFollower() {
  stop();
}

FollowerStatus StoreFollower::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void StoreFollower::set_connected(bool connected) {
  std::lock_guard lock(mutex_);
  if (connected) {
    status_.stale_since_ms = 0;
  } else if (status_.connected || status_.stale_since_ms == 0) {
    status_.stale_since_ms = unix_ms_now();
  }
  status_.connected = connected;
}

std::string rejected_as(const FollowerStatus& s) {
  if (s.rejected == 0) return "";
  return s.rejected_delta ? "delta" : "snapshot";
}

// The store writes the record only when what it says changed (Store::report); otherwise it
// only keeps it alive, so a fleet of routers re-reading every few seconds does not rewrite
// (and, on etcd, replicate) identical records. A report that cannot be stored is tried again
// at the next Sync.
void StoreFollower::report() {
  const FollowerStatus s = status();
  (void)store_->report({.router = options_.router_id,
                        .applied = s.applied,
                        .rejected = s.rejected,
                        .reason = s.reason,
                        .rejected_as = rejected_as(s),
                        .stale_since_ms = s.stale_since_ms});
}

namespace {

// A reason names the version once, first: the router's own reasons already begin with
// "version V ", others (a decoding error, the store's) get "version V: " in front.
std::string nack_reason(std::uint64_t version, std::string reason) {
  if (reason.starts_with(fmt::format("version {} ", version))) return reason;
  return fmt::format("version {}: {}", version, reason);
}

}  // namespace

void StoreFollower::refuse(std::uint64_t version, std::string reason, bool delta) {
  std::lock_guard lock(mutex_);
  status_.rejected = version;
  status_.rejected_delta = delta;
  status_.reason = nack_reason(version, std::move(reason));
}

// True when the pointer's version was reached through the store's delta chain from the
// served version. A delta that decodes but does not apply (to the served table, or to the
// table the deltas before it lead to) is NACKed on its own, naming its version, and never
// offered again; a chain that cannot be read or decoded is no verdict. Either way the
// whole snapshot is read next, and decides the pointer's version.
bool StoreFollower::offer_chain(const Pointer& pointer) {
  const FollowerStatus s = status();
  if (!offer_deltas_ || s.applied == 0) return false;
  // A delta refused before is not retried: its version is reached through the snapshot.
  if (s.rejected_delta && s.rejected > s.applied && s.rejected <= pointer.version) return false;
  Result<std::vector<std::string>> chain = store_->read_deltas(pointer, s.applied);
  if (!chain.is_ok() || chain->empty()) return false;
  std::vector<RoutingDelta> deltas;
  for (const std::string& bytes : *chain) {
    Result<RoutingDelta> delta = decode_delta(std::as_bytes(std::span(bytes.data(), bytes.size())));
    if (!delta.is_ok()) break;
    deltas.push_back(std::move(delta).value());
  }
  const bool whole = deltas.size() == chain->size() && deltas.back().version == pointer.version;
  if (whole) {
    const OfferResult result = offer_deltas_(std::move(deltas));
    if (result.accepted()) {
      std::lock_guard lock(mutex_);
      status_.applied = pointer.version;
      ++status_.by_delta;
      return true;
    }
    if (result.verdict == OfferVerdict::kInvalid) refuse(result.offered, result.reason, true);
  }
  std::lock_guard lock(mutex_);
  ++status_.fallbacks;
  return false;
}

bool StoreFollower::pointer_moved(const PointerRead& read) {
  Result<PointerRead> now = store_->read_pointer();
  return now.is_ok() && (now->revision != read.revision || now->pointer != read.pointer);
}

// Reads, checks, decodes and offers the version the pointer names: through its delta chain
// when the store has one from the served version, else whole.
void StoreFollower::offer_version(const PointerRead& read) {
  const Pointer& pointer = read.pointer;
  if (offer_chain(pointer)) return;
  Result<std::string> bytes = store_->read_snapshot(pointer);
  if (!bytes.is_ok()) {
    // A blob that does not match its pointer is corrupt for good (blobs are immutable);
    // a store that stopped answering is retried. A blob missing because the pointer moved
    // since it was read (a compaction replaced the base and pruned the old one) is neither:
    // the next sync (the watch's, or the periodic re-read's where a rebase keeps the
    // revision, as in the file store) reads the new pointer.
    if (bytes.status().code() == StatusCode::kDataLoss && !pointer_moved(read))
      refuse(pointer.version, bytes.status().message());
    return;
  }
  Result<FlatSnapshot> snapshot =
      decode_flat_snapshot(std::as_bytes(std::span(bytes->data(), bytes->size())));
  std::string().swap(*bytes);  // the table is built next: hold the snapshot once, not twice
  if (!snapshot.is_ok()) return refuse(pointer.version, snapshot.status().message());
  if (snapshot->version != pointer.version) {
    return refuse(pointer.version,
                  fmt::format("the snapshot inside says version {}", snapshot->version));
  }
  const OfferResult result = offer_(std::move(snapshot).value());
  // The version is fine but the router could not write its state directory: not a NACK;
  // the next Sync (at most a watch later) offers it again.
  if (result.verdict == OfferVerdict::kNotPersisted) return;
  if (!result.accepted()) return refuse(pointer.version, result.reason);
  std::lock_guard lock(mutex_);
  status_.applied = pointer.version;
}

Status StoreFollower::sync() {
  Result<PointerRead> read = store_->read_pointer();
  if (!read.is_ok()) {
    set_connected(false);
    return read.status();
  }
  set_connected(true);
  watch_from_ = read->store_revision;
  const FollowerStatus s = status();
  const std::uint64_t version = read->pointer.version;
  const bool refused = version == s.rejected && !s.rejected_delta;
  if (read->revision != 0 && !refused && version != s.applied) {
    if (version < s.applied) {
      refuse(version,
             fmt::format("version {} is older than the version served ({})", version, s.applied));
    } else {
      offer_version(*read);
    }
  }
  {
    std::lock_guard lock(mutex_);
    ++status_.syncs;
  }
  report();
  return Status::ok();
}

bool StoreFollower::pause(std::chrono::milliseconds d) {
  if (options_.backoff_sleep) {
    options_.backoff_sleep(d);
    std::lock_guard lock(mutex_);
    return !stopping_;
  }
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, d, [this] { return stopping_; });
}

// Waits a draw in [bound / 2, bound], then doubles the bound up to backoff_max. Equal jitter:
// a fleet of routers that lost the store together does not come back to it in step.
bool StoreFollower::back_off(std::chrono::milliseconds& bound) {
  std::uniform_int_distribution<std::int64_t> draw(bound.count() / 2, bound.count());
  const std::chrono::milliseconds wait(draw(jitter_));
  bound = std::min(options_.backoff_max, bound * 2);
  return pause(wait);
}

// The backoff grows with each failed Sync or watch in a row and starts again from
// backoff_min after a watch that worked. A failed watch backs off too: retried at once, a
// store that reads but refuses watches (a long-poll answered with an error) would take a
// Sync and a report per round trip from every router, as fast as it answers. Resetting
// after a Sync instead would keep that loop at backoff_min for good.
void StoreFollower::loop() {
  std::chrono::milliseconds backoff = options_.backoff_min;
  auto next_reread = std::chrono::steady_clock::now() + options_.reread;
  for (;;) {
    if (!sync().is_ok()) {
      if (!back_off(backoff)) return;
      continue;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_reread) next_reread = now + options_.reread;
    const auto deadline = std::min(next_reread, now + options_.watch_wait);
    // Any outcome (change, cancel, compaction, end, error, deadline) leads to a full Sync.
    const bool watched = store_->watch_pointer(watch_from_, deadline).is_ok();
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (watched) {
      backoff = options_.backoff_min;
    } else if (!back_off(backoff)) {
      return;
    }
  }
}

void StoreFollower::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { loop(); });
}

void StoreFollower::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  store_->interrupt();  // ends a watch or long-poll in flight: stopping takes no wait
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace cellkit::live

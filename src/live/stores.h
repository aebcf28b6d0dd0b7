// The two store implementations behind open_store, and what they share.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cellkit/live/etcd_client.h"
#include "cellkit/live/store.h"

namespace cellkit::live {

// The file store's test seam: called before each step of a write with the step ("write",
// "fsync", "link", "rename", "mkdir") and the path it writes, syncs or names; a step it
// answers false fails as an I/O error would, with what the steps before it did left on
// disk (the process stopped at that instant). Empty: no test.
using FileStepHook = std::function<bool(std::string_view step, const std::filesystem::path&)>;
std::unique_ptr<Store> make_file_store(std::filesystem::path dir, const StoreOptions& options,
                                       FileStepHook hook = {});
std::unique_ptr<Store> make_etcd_store(HttpUrl url, const StoreOptions& options);

// The reference to `bytes` stored in chunks of kChunkBytes.
BlobRef blob_ref(std::string_view bytes);
// kDataLoss naming `what` when the bytes are not the ones the reference names.
Status check_blob(std::string_view what, std::string_view bytes, const BlobRef& ref);
// "<version>-<first 16 hex of sha256>": a blob's name, unique per content and version, so a
// losing publisher never overwrites the winner's chunks.
std::string blob_name(std::uint64_t version, const BlobRef& ref);
std::int64_t unix_ms_now();

// Reads a routing blob of the store: `kind` "snap" (a whole snapshot, a base) or "delta",
// named by version and reference, checked against the reference.
using ReadRoutingBlob = std::function<Result<std::string>(std::string_view kind,
                                                          std::uint64_t version, const BlobRef&)>;
// The snapshot a pointer names, whole: its base, changed by its deltas when it has some.
Result<std::string> read_whole(const Pointer& pointer, const ReadRoutingBlob& read);
// The pointer's deltas after version `after`; empty when `after` is not in its chain.
Result<std::vector<std::string>> read_chain(const Pointer& pointer, std::uint64_t after,
                                            const ReadRoutingBlob& read);

// The one place that decides whether a router's report is written or only kept alive (both
// stores, so the router's follower and the control plane's PUT /v1/routers/ID just call
// Store::report): it remembers what it wrote for each router and on which lease. A report
// equal to the last one only has its lease refreshed; one that differs, or whose record is
// gone (its lease lapsed, the store lost it), is written whole. An entry not refreshed within
// the lease is dropped, its record having expired in the store too, so the ledger holds only
// routers that still report. Thread-safe; `keep` and `write` run under its lock.
class ReportLedger {
 public:
  using Clock = std::chrono::steady_clock;
  // Refreshes the record's lease (`lease` as `write` returned it); false when the record is
  // gone and must be written whole.
  using Keep = std::function<bool(std::int64_t lease)>;
  // Writes the record on `lease` (alive), or on a new lease when `lease` is 0; returns the
  // lease the record is now on (0 for a store without lease ids).
  using Write = std::function<Result<std::int64_t>(const RouterReport&, std::int64_t lease)>;

  explicit ReportLedger(std::chrono::seconds lease) : lease_(lease) {}

  // Keeps or writes `report` as said above; a failed write forgets the router, so its next
  // report is written whole.
  Status report(const RouterReport& report, const Keep& keep, const Write& write,
                Clock::time_point now = Clock::now());
  // Routers whose entry is still within the lease at `now`.
  std::size_t size(Clock::time_point now = Clock::now());

 private:
  struct Entry {
    RouterReport record;
    std::int64_t lease = 0;
    Clock::time_point refreshed;  // when its lease was last refreshed (or written)
  };
  std::chrono::seconds lease_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;

  void drop_expired(Clock::time_point now);  // requires mutex_
};

}  // namespace cellkit::live

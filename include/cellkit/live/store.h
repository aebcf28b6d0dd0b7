// Where a fleet's routing lives between the control plane and its routers: one interface,
// an embedded directory store (one machine) and etcd (many machines). Keys and records are
// described in docs/control-api.md ("Store layout").
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cellkit/base/status.h"

namespace cellkit::live {

// An immutable blob (the encoded snapshot, or the control plane's desired state) as the
// pointer names it: its SHA-256, how many chunks of at most kChunkBytes it is stored in,
// and its size.
struct BlobRef {
  std::string sha256;
  std::uint32_t parts = 0;
  std::uint64_t bytes = 0;

  bool operator==(const BlobRef&) const = default;
};

inline constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
// A delta chain (decision 0009) holds at most this many deltas and bytes: what a router
// behind it reads stays small, and beyond it a router reads the whole snapshot.
inline constexpr std::size_t kChainLinks = 64;
inline constexpr std::size_t kChainBytes = std::size_t{1} << 20;

// A delta blob a pointer names (decision 0009): the version it leads to from the one before.
struct DeltaRef {
  std::uint64_t version = 0;
  BlobRef blob;

  bool operator==(const DeltaRef&) const = default;
};

// The small record routers watch: the published routing version and where its blobs are.
// Without deltas (format 1) `snapshot` is the whole snapshot of `version`; with deltas
// (format 2) it is the base, the whole snapshot of `base_version`, and the deltas lead from
// there to `version`, one per version.
struct Pointer {
  std::uint64_t version = 0;
  BlobRef snapshot;
  BlobRef state;
  std::string writer;              // the control plane that published it (its listen address)
  std::uint64_t base_version = 0;  // with deltas only
  std::vector<DeltaRef> deltas;    // base_version + 1 .. version, in order
  // The file store's publication file (in pub/) that holds `state` at its tail, kept when a
  // rebase moves the base (format 3); empty: the state is a blob of its own.
  std::string publication;

  // The version whose whole snapshot `snapshot` is.
  std::uint64_t base() const { return deltas.empty() ? version : base_version; }
  bool operator==(const Pointer&) const = default;
};

struct PointerRead {
  Pointer pointer;
  std::int64_t revision = 0;        // the pointer's own (mod) revision; 0 = nothing published
  std::int64_t store_revision = 0;  // the store's revision this read saw; watch after it
};

// What a control plane publishes under one CAS.
struct Publication {
  std::uint64_t version = 0;
  std::vector<std::byte> snapshot;  // encode_snapshot's bytes; may be empty when chains_delta
  std::string state;                // the control plane's desired state (JSON)
  std::string writer;
  // encode_delta's bytes from version - 1 (empty: none), and the pointer it follows (as read
  // at the expected revision): a store stores the delta alone, appended to that pointer's
  // chain, while the chain has room (kChainLinks, kChainBytes), else the whole snapshot as a
  // new base (next_pointer).
  std::vector<std::byte> delta;
  Pointer parent;
};

enum class PublishOutcome {
  kPublished,  // the pointer now names this publication
  kConflict,   // the pointer moved since `expected_revision`: re-read, recompute, retry
  kNotLeader,  // this store handle does not hold the leadership
};

// What a publish or rebase answers: its outcome and, when kPublished, the pointer's new
// revision as the store's own write returned it (the writer need not read the pointer back).
struct PublishReply {
  PublishOutcome outcome = PublishOutcome::kConflict;
  std::int64_t revision = 0;

  bool operator==(PublishOutcome o) const { return outcome == o; }
};

// A router's ACK/NACK: the version it serves and the last it refused, with why.
struct RouterReport {
  std::string router;          // unique id of the router
  std::uint64_t applied = 0;   // version being served (0: none)
  std::uint64_t rejected = 0;  // last refused version (0: none)
  std::string reason;          // why `rejected` was refused
  // How `rejected` was refused: "snapshot" (whole: the router will not serve that version),
  // "delta" (only its delta did not apply: the version may be served, read whole), or ""
  // (none).
  std::string rejected_as;
  std::int64_t stale_since_ms = 0;  // unix ms since when it cannot reach the store; 0 = fresh

  bool operator==(const RouterReport&) const = default;
};

struct Leadership {
  bool leader = false;         // this handle may publish
  std::string leader_address;  // the leader's address as it announced it ("" if none)
};

enum class WatchEnd {
  kChanged,   // the pointer changed (or the watch was cancelled, compacted, or ended)
  kDeadline,  // nothing happened before the deadline
};

struct StoreOptions {
  std::string fleet = "default";            // [A-Za-z0-9_-]{1,64}
  std::chrono::milliseconds timeout{2000};  // bound on one store request
  std::int64_t lease_seconds = 15;          // leader and router records
};

// Every call is bounded in time; a store that cannot be reached fails the call (never
// hangs). A handle is used by one thread at a time, except interrupt(), keep_leadership(),
// report() and reports(), which are safe alongside any call (so the control plane stores
// routers' reports without waiting for a change in progress).
class Store {
 public:
  virtual ~Store() = default;

  // "file:DIR" or "etcd:http://HOST:PORT", as given.
  virtual std::string describe() const = 0;
  virtual Result<PointerRead> read_pointer() = 0;
  // Reads the blob the pointer names and checks its size and SHA-256 (kDataLoss when they
  // do not match).
  virtual Result<std::string> read_snapshot(const Pointer& pointer) = 0;
  virtual Result<std::string> read_state(const Pointer& pointer) = 0;
  // The encoded deltas (core/delta_codec.h) that lead from version `after` to the pointer's
  // version, in order, as the store holds them; empty when it holds no such chain (by
  // default): the caller then reads the whole snapshot. A delta is checked by applying it
  // (apply_delta compares the result's digest), so a bad one only costs that fallback.
  virtual Result<std::vector<std::string>> read_deltas(const Pointer& pointer, std::uint64_t after);
  // Writes the blobs, then moves the pointer only if its revision is still
  // `expected_revision` and this handle leads.
  virtual Result<PublishReply> publish(const Publication& publication,
                                       std::int64_t expected_revision) = 0;
  // Compaction, first step: stores `snapshot`, the whole snapshot of `version`, as a base
  // blob and returns its reference; the pointer does not move. Safe alongside any other call
  // on this handle (a 27 MB base need not hold up publications). Blobs are named by version
  // and content: a base written twice, or never used, is only garbage for pruning. A store
  // without deltas fails.
  virtual Result<BlobRef> write_base(std::uint64_t version, std::span<const std::byte> snapshot);
  // Compaction, second step: moves the pointer to `base` (write_base's, the whole snapshot of
  // `base_version`), keeping `current`'s version, state, writer and its deltas after
  // base_version, only if the pointer is still `current` at `expected_revision`,
  // current.base() < base_version <= current.version, and this handle leads.
  virtual Result<PublishReply> rebase(const Pointer& current, std::uint64_t base_version,
                                      const BlobRef& base, std::int64_t expected_revision);
  // Returns when the pointer changed after `store_revision` (a PointerRead's), or at the
  // deadline. Any doubt (cancel, compaction, stream end) counts as a change.
  virtual Result<WatchEnd> watch_pointer(std::int64_t store_revision,
                                         std::chrono::steady_clock::time_point deadline) = 0;
  // Records the router's report; each router's record expires lease_seconds after its own
  // last report. A report equal to the one this handle last stored for that router only
  // keeps the record alive; one that differs, or whose lease lapsed (the record expired), is
  // written whole.
  virtual Status report(const RouterReport& report) = 0;
  // Live reports, sorted by router id.
  virtual Result<std::vector<RouterReport>> reports() = 0;
  // Tries to become (or stay) leader, announcing `address`; call it well within
  // lease_seconds. A leader that could not refresh its lease reports leader = false.
  virtual Result<Leadership> campaign(const std::string& address) = 0;
  // Gives the leadership up (if held).
  virtual void resign() = 0;
  // Safe alongside any other call on this handle (from another thread): refreshes the
  // leader's lease if one is held, so a long change (placing a huge batch) does not lose
  // the leadership. Ok when nothing is held or nothing expires (by default).
  virtual Status keep_leadership();
  // The versions whose blobs (snapshot or state) are stored, ascending, those of
  // publications that lost their CAS included. A source without blobs (the control API a
  // router follows) fails.
  virtual Result<std::vector<std::uint64_t>> stored_versions();
  // Deletes the blobs of `version`; never the pointer.
  virtual Status delete_version(std::uint64_t version);
  // From any thread, to shut down: the call in flight (a watch or long-poll included) ends
  // at once, failing, and every later watch fails at once too.
  virtual void interrupt() = 0;
};

// The version a blob's name ("<version>-<sha16>...") starts with; nullopt when it has none.
std::optional<std::uint64_t> blob_version(std::string_view name);

// Opens "file:DIR" (DIR is created) or "etcd:http://HOST:PORT". Fails naming the spec when
// it is neither, or the fleet name is not [A-Za-z0-9_-]{1,64}. Opening etcd does not
// contact it.
Result<std::unique_ptr<Store>> open_store(std::string_view spec, const StoreOptions& options);

// The pointer a store moves to for `publication` after `parent` (see Publication::delta).
Pointer next_pointer(const Publication& publication, const Pointer& parent);
// True when a store appends the publication's delta to `parent`'s chain: then its whole
// snapshot is not stored and the writer need not encode it (Publication::snapshot may be
// empty).
bool chains_delta(const Publication& publication, const Pointer& parent);
// kInvalidArgument naming the version when the publication cannot be chained on `parent` and
// carries no whole snapshot (a writer's bug: a store refuses it rather than store nothing).
Status check_whole_given(const Publication& publication, const Pointer& parent);
// The pointer Store::rebase moves to; nullopt when base_version is not in current's chain
// (current.base() < base_version <= current.version).
std::optional<Pointer> rebased_pointer(const Pointer& current, std::uint64_t base_version,
                                       const BlobRef& base);
// The whole encoded snapshot of a format-2 pointer's version: `base` changed by `deltas` (the
// pointer's, in order, read and checked by the store). kDataLoss naming the delta that does
// not decode or apply.
Result<std::string> materialize(std::string_view base, const std::vector<std::string>& deltas);

// The pointer's JSON, as stored (format 1 without deltas: {"version", "snapshot", "state",
// "writer"}; format 2 with: {"format": 2, "version", "base": {"version", "sha256", "parts",
// "bytes"}, "deltas": [{"version", "sha256", "parts", "bytes"}...], "state", "writer"};
// format 3, with a publication file: {"format": 3, "publication"} and the fields of format 1
// or 2, so that a cellkit that reads only formats 1 and 2 refuses it naming the format);
// parse_pointer reads all three and fails (kDataLoss) naming the bad field or format.
std::string pointer_json(const Pointer& pointer);
Result<Pointer> parse_pointer(std::string_view text);
std::string report_json(const RouterReport& report);

// A delta chain in one body (GET /v1/snapshot?deltas=1): "CKCHAIN1", then each encoded delta
// after its length (u32, little-endian). unframe_deltas fails (kDataLoss) saying what is
// wrong with a body that is not that.
std::string frame_deltas(std::span<const std::string> deltas);
bool is_framed_deltas(std::string_view body);
Result<std::vector<std::string>> unframe_deltas(std::string_view body);
Result<RouterReport> parse_report(std::string_view text);

}  // namespace cellkit::live

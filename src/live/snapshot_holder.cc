// Offering a snapshot: decode, check newer, validate whole, persist, swap.
#include "cellkit/live/snapshot_holder.h"

#include <filesystem>

#include <fmt/format.h>

#include "cellkit/core/delta_codec.h"
#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/snapshot_file.h"

namespace cellkit::live {

std::string_view to_string(OfferVerdict verdict) {
  switch (verdict) {
    case OfferVerdict::kAccepted:
      return "accepted";
    case OfferVerdict::kNotNewer:
      return "not_newer";
    case OfferVerdict::kInvalid:
      return "invalid";
    case OfferVerdict::kNotPersisted:
      return "not_persisted";
    case OfferVerdict::kNotParent:
      return "not_parent";
  }
  return "invalid";
}

int http_status(OfferVerdict verdict) {
  switch (verdict) {
    case OfferVerdict::kAccepted:
      return 200;
    case OfferVerdict::kNotNewer:
    case OfferVerdict::kNotParent:
      return 409;
    case OfferVerdict::kInvalid:
      return 422;
    case OfferVerdict::kNotPersisted:
      return 500;
  }
  return 500;
}

SnapshotHolder::SnapshotHolder(std::string state_dir)
    : persisted_path_(state_dir.empty()
                          ? std::string()
                          : (std::filesystem::path(state_dir) / "routing.snapshot").string()),
      log_(persisted_path_.empty() ? std::string() : persisted_path_ + ".deltas"),
      table_(std::make_shared<const RoutingTable>()) {}

namespace {

// The base changed by the logged deltas that follow from it, in order: one that does not
// decode or apply (its parent is not the version reached: it predates the base) ends it.
// `used` is how many were applied.
FlatSnapshot replay(FlatSnapshot base, const std::vector<std::string>& logged, std::size_t& used) {
  used = 0;
  std::uint64_t digest = logged.empty() ? 0 : routing_digest(base);
  for (const std::string& bytes : logged) {
    Result<RoutingDelta> delta = decode_delta(std::as_bytes(std::span(bytes.data(), bytes.size())));
    if (!delta.is_ok()) break;
    Result<FlatSnapshot> next = apply_delta(base, *delta, digest);
    if (!next.is_ok()) break;
    base = std::move(next).value();
    digest = delta->digest;
    ++used;
  }
  return base;
}

// The chain's deltas all apply to `base`, but its result is no table (`last_error`): the
// delta to blame is the first after which the table does not build (the versions before it
// were tables). Its version goes to `refused` and its table's error is returned. Only on
// this failure path: it builds a table per delta before the last.
Status first_unbuildable(FlatSnapshot base, std::span<const RoutingDelta> chain,
                         std::uint64_t digest, Status last_error, std::uint64_t& refused) {
  for (const RoutingDelta& delta : chain.first(chain.size() - 1)) {
    Result<FlatSnapshot> next = apply_delta(base, delta, digest);
    if (!next.is_ok()) break;  // it applied in the chain: not expected
    base = std::move(next).value();
    digest = delta.digest;
    if (Result<RoutingTable> table = RoutingTable::build(FlatSnapshot(base)); !table.is_ok()) {
      refused = delta.version;
      return table.status();
    }
  }
  refused = chain.back().version;
  return last_error;
}

}  // namespace

Result<bool> SnapshotHolder::restore() {
  if (persisted_path_.empty() || !std::filesystem::exists(persisted_path_)) return false;
  Result<FlatSnapshot> snapshot = load_flat_snapshot_file(persisted_path_);
  if (!snapshot.is_ok()) return snapshot.status();
  std::vector<std::string> logged;
  {
    std::lock_guard lock(mutex_);
    logged = log_.read();
  }
  std::size_t used = 0;
  Result<RoutingTable> table =
      RoutingTable::build(replay(std::move(snapshot).value(), logged, used));
  if (!table.is_ok()) {
    return data_loss(fmt::format("{}: {}", persisted_path_, table.status().message()));
  }
  std::lock_guard lock(mutex_);
  // Deltas that do not follow (left by a crash before the log was emptied, or damaged) are
  // cut, so the next append lands right after the last one restored.
  if (Status s = log_.keep(std::span(logged).first(used)); !s.is_ok()) return s;
  if (table->version() <= this->table()->version()) return false;
  serve(std::make_shared<const RoutingTable>(std::move(table).value()));
  return true;
}

OfferResult SnapshotHolder::offer(const RoutingSnapshot& snapshot) {
  return offer(RoutingSnapshot(snapshot));
}

OfferResult SnapshotHolder::offer(RoutingSnapshot&& snapshot) {
  return offer(flatten(std::move(snapshot)));
}

OfferResult SnapshotHolder::offer(FlatSnapshot&& snapshot) {
  std::lock_guard lock(mutex_);
  const std::uint64_t serving = table()->version();
  OfferResult result{.offered = snapshot.version, .serving = serving};
  if (snapshot.version <= serving) {
    result.verdict = OfferVerdict::kNotNewer;
    result.reason = fmt::format("version {} is not newer than the served version {}",
                                snapshot.version, serving);
    return refuse(std::move(result));
  }
  const std::uint64_t version = snapshot.version;
  // Encoded before the table takes the snapshot's arrays; written only once it is valid.
  std::vector<std::byte> encoded =
      persisted_path_.empty() ? std::vector<std::byte>{} : encode_snapshot(snapshot);
  Result<RoutingTable> table = RoutingTable::build(std::move(snapshot));
  if (!table.is_ok()) {
    result.verdict = OfferVerdict::kInvalid;
    result.reason = fmt::format("version {} is invalid: {}", version, table.status().message());
    return refuse(std::move(result));
  }
  return install(std::move(table).value(), encoded, std::move(result));
}

OfferResult SnapshotHolder::offer_deltas(std::vector<RoutingDelta>&& chain) {
  std::lock_guard lock(mutex_);
  const std::shared_ptr<const RoutingTable> served = table();
  OfferResult result{.offered = chain.empty() ? 0 : chain.back().version,
                     .serving = served->version()};
  if (!chain.empty() && chain.front().parent != served->version()) {
    // Read after a version other than the one served (say a table PUT meanwhile): the
    // chain is not at fault, and the caller reads the whole snapshot instead.
    result.verdict = OfferVerdict::kNotParent;
    result.reason = fmt::format("the chain follows version {}, not the served version {}",
                                chain.front().parent, result.serving);
    return result;
  }
  std::uint64_t refused = result.offered;
  Result<RoutingTable> next =
      chain.empty() ? Result<RoutingTable>(invalid_argument("the chain holds no delta"))
                    : apply_to_served(*served, chain, refused);
  if (!next.is_ok()) {
    result.verdict = OfferVerdict::kInvalid;
    result.offered = refused;
    result.reason = fmt::format("version {} as a delta does not apply to version {}: {}", refused,
                                result.serving, next.status().message());
    return result;
  }
  result = append_chain(std::move(next).value(), chain, std::move(result));
  if (result.accepted()) {
    // Served: the next chain's digest starts from this one's.
    digest_version_ = chain.back().version;
    digest_ = chain.back().digest;
  }
  return result;
}

// Called with mutex_ held: persists the chain that led to `next` (in the delta log, or as a
// new base when the log is full) and serves `next`.
OfferResult SnapshotHolder::append_chain(RoutingTable next, std::span<const RoutingDelta> chain,
                                         OfferResult result) {
  if (persisted_path_.empty()) return install(std::move(next), {}, std::move(result));
  std::vector<std::vector<std::byte>> encoded;
  std::size_t bytes = 0;
  for (const RoutingDelta& d : chain) {
    encoded.push_back(encode_delta(d));
    bytes += encoded.back().size();
  }
  if (!log_.has_room(encoded.size(), bytes)) {
    // A full log: the table reached becomes the new base.
    const std::vector<std::byte> base = encode_snapshot(next.flat());
    return install(std::move(next), base, std::move(result));
  }
  if (Status s = log_.append(encoded); !s.is_ok()) {
    result.verdict = OfferVerdict::kNotPersisted;
    result.reason = fmt::format("version {} not persisted: {}", result.offered, s.message());
    return refuse(std::move(result));
  }
  serve(std::make_shared<const RoutingTable>(std::move(next)));
  result.verdict = OfferVerdict::kAccepted;
  result.serving = result.offered;
  return result;
}

// Called with mutex_ held: the served table changed by the chain, its digest carried from
// the last chain served (computed whole after a whole snapshot); on a refusal `refused`
// names the delta that does not apply, or the one after which the table does not build.
// The new table shares the chunks the chain leaves alone with the served one.
Result<RoutingTable> SnapshotHolder::apply_to_served(const RoutingTable& served,
                                                     std::span<const RoutingDelta> chain,
                                                     std::uint64_t& refused) {
  const std::uint64_t digest =
      digest_version_ == served.version() ? digest_ : routing_digest(served.flat());
  // O(change) when it can; otherwise (and to name the delta to blame) O(tenants) below.
  if (std::optional<RoutingTable> next = served.patch(chain, digest)) return std::move(*next);
  Result<FlatSnapshot> next = apply_chain(served.flat(), chain, digest, refused);
  if (!next.is_ok()) return next.status();
  Result<RoutingTable> table = RoutingTable::build(std::move(next).value());
  if (!table.is_ok())
    return first_unbuildable(served.flat(), chain, digest, table.status(), refused);
  return table;
}

// Called with mutex_ held: persists `encoded` as the new base and empties the delta log
// (when there is a state directory), then serves. A crash between the two leaves deltas
// that do not follow the new base: restore() skips them.
OfferResult SnapshotHolder::install(RoutingTable table, std::span<const std::byte> encoded,
                                    OfferResult result) {
  const std::uint64_t version = table.version();
  if (!persisted_path_.empty()) {
    Status s = save_snapshot_bytes(persisted_path_, encoded);
    if (s.is_ok()) s = log_.clear();
    if (!s.is_ok()) {
      result.verdict = OfferVerdict::kNotPersisted;
      result.reason = fmt::format("version {} not persisted: {}", version, s.message());
      return refuse(std::move(result));
    }
  }
  serve(std::make_shared<const RoutingTable>(std::move(table)));
  digest_version_ = 0;  // a chain's digest is computed from this table (offer_deltas sets it)
  result.verdict = OfferVerdict::kAccepted;
  result.serving = version;
  return result;
}

OfferResult SnapshotHolder::offer_bytes(std::string_view bytes, std::string_view source) {
  return offer_decoded(parse_flat_snapshot(bytes, source));
}

OfferResult SnapshotHolder::offer_bytes(std::string&& bytes, std::string_view source) {
  Result<FlatSnapshot> snapshot = parse_flat_snapshot(bytes, source);
  std::string().swap(bytes);
  return offer_decoded(std::move(snapshot));
}

OfferResult SnapshotHolder::offer_decoded(Result<FlatSnapshot> snapshot) {
  if (!snapshot.is_ok()) {
    std::lock_guard lock(mutex_);
    return refuse({.verdict = OfferVerdict::kInvalid,
                   .serving = table()->version(),
                   .reason = snapshot.status().message()});
  }
  return offer(std::move(snapshot).value());
}

// Called with mutex_ held.
OfferResult SnapshotHolder::refuse(OfferResult result) {
  rejected_.fetch_add(1, std::memory_order_relaxed);
  last_rejection_ = result.reason;
  return result;
}

// Called with mutex_ held.
void SnapshotHolder::serve(std::shared_ptr<const RoutingTable> table) {
  accepted_at_.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                     std::memory_order_relaxed);
  accepted_wall_.store(std::chrono::system_clock::now().time_since_epoch().count(),
                       std::memory_order_relaxed);
  table_.store(std::move(table), std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

std::chrono::steady_clock::time_point SnapshotHolder::accepted_at() const {
  return std::chrono::steady_clock::time_point(
      std::chrono::steady_clock::duration(accepted_at_.load(std::memory_order_relaxed)));
}

std::chrono::system_clock::time_point SnapshotHolder::accepted_wall() const {
  return std::chrono::system_clock::time_point(
      std::chrono::system_clock::duration(accepted_wall_.load(std::memory_order_relaxed)));
}

std::string SnapshotHolder::last_rejection() const {
  std::lock_guard lock(mutex_);
  return last_rejection_;
}

}  // namespace cellkit::live

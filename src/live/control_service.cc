// The control service's write path: read the pointer, recompute from the stored desired
// state, validate whole, CAS-publish; and the cache that long-polls and reads are served from.
#include "cellkit/live/control_service.h"

#include <algorithm>
#include <cassert>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cellkit/core/delta_codec.h"
#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/control_ops.h"
#include "live/writer_first_mutex.h"

namespace cellkit::live {
namespace {

using nlohmann::json;

ServiceReply ok_json(const json& body) {
  return {.status = 200, .body = body.dump()};
}

// A change the store failed: "stored" says whether it may have been stored. Before the
// publication's write (a read failed) nothing was; a failed write may have landed (an etcd
// transaction can commit while its reply is lost), and a client must read the state back
// before it retries.
json store_error(const Status& status, bool maybe_stored) {
  return {{"error", fmt::format("store unavailable: {}{}", status.message(),
                                maybe_stored ? "; the change may have been stored: read it back "
                                               "before retrying"
                                             : "")},
          {"field", "store"},
          {"stored", maybe_stored ? "unknown" : "no"}};
}

ServiceReply unavailable(const json& body) {
  return {.status = 503, .body = body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

ServiceReply store_unavailable(const Status& status, bool maybe_stored) {
  return unavailable(store_error(status, maybe_stored));
}

// A change refused with `status`: kNotFound and kAlreadyExists name `name_field`.
ServiceReply change_error(const Status& status, std::string_view field,
                          std::string_view name_field) {
  const StatusCode code = status.code();
  const bool names = code == StatusCode::kNotFound || code == StatusCode::kAlreadyExists;
  return error_reply(http_status_of(status), status.message(), names ? name_field : field);
}

std::string as_string(const std::vector<std::byte>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// `flat` (the snapshot of the state an onboarding started from, lists sorted by tenant)
// changed in place by the onboarding's delta: its tenants' ids are above every other, so
// their shards and names are appended, as snapshot_of would list them. O(the delta).
void append_onboarded(const RoutingDelta& delta, FlatSnapshot& flat) {
  for (std::size_t i = 0; i < delta.shards.size(); ++i)
    flat.shards.add(delta.shards.ids[i], delta.shards.shard(i));
  for (std::size_t i = 0; i < delta.names.size(); ++i)
    flat.tenant_names.add(delta.names.ids[i], delta.names.name(i));
  flat.allow_empty = delta.allow_empty;
  flat.version = delta.version;
}

// Drops entry i of `list` (a memmove of its arrays and a pass over the offsets after it).
void erase_entry(ShardLists& list, std::size_t i) {
  const std::uint32_t from = list.start[i], to = list.start[i + 1];
  list.ids.erase(list.ids.begin() + static_cast<std::ptrdiff_t>(i));
  list.cells.erase(list.cells.begin() + from, list.cells.begin() + to);
  list.start.erase(list.start.begin() + static_cast<std::ptrdiff_t>(i) + 1);
  for (std::size_t k = i + 1; k < list.start.size(); ++k)
    list.start[k] -= to - from;
}

void erase_entry(NameList& list, std::size_t i) {
  const std::uint32_t from = list.offsets[i], to = list.offsets[i + 1];
  list.ids.erase(list.ids.begin() + static_cast<std::ptrdiff_t>(i));
  list.text.erase(from, to - from);
  list.offsets.erase(list.offsets.begin() + static_cast<std::ptrdiff_t>(i) + 1);
  for (std::size_t k = i + 1; k < list.offsets.size(); ++k)
    list.offsets[k] -= to - from;
}

// Drops `tenant`'s entry from `list` (sorted by tenant, as snapshot_of lists them) if it has one.
template <class List>
void erase_tenant(List& list, TenantId tenant) {
  auto it = std::lower_bound(list.ids.begin(), list.ids.end(), tenant);
  if (it == list.ids.end() || *it != tenant) return;
  erase_entry(list, static_cast<std::size_t>(it - list.ids.begin()));
}

// `flat` (the snapshot of the state a removal started from) changed in place by the removal's
// delta: its tenant's shard, pin and name dropped, as snapshot_of would list the state
// without it. A memmove of the lists after the tenant's entries.
void remove_from_flat(const RoutingDelta& delta, FlatSnapshot& flat) {
  for (TenantId t : delta.unsharded)
    erase_tenant(flat.shards, t);
  for (TenantId t : delta.unpinned)
    erase_tenant(flat.overrides, t);
  for (TenantId t : delta.unnamed)
    erase_tenant(flat.tenant_names, t);
  flat.allow_empty = delta.allow_empty;
  flat.version = delta.version;
}

}  // namespace

unsigned http_status_of(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kResourceExhausted:
      return 409;
    default:
      return 500;
  }
}

ServiceReply error_reply(unsigned http_status, std::string_view message, std::string_view field) {
  json body = {{"error", message}, {"field", field.empty() ? json(nullptr) : json(field)}};
  // A message may name a path segment a client sent, in any bytes: U+FFFD, never a throw.
  return {.status = http_status, .body = body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

ControlService::ControlService(std::unique_ptr<Store> store, ControlOptions options)
    : store_(std::move(store)),
      options_(std::move(options)),
      state_mutex_(std::make_unique<WriterFirstMutex>()) {
  state_.placement.options = options_.placement;
}

ControlService::~ControlService() {
  shutdown();
}

bool ControlService::is_leader() const {
  std::lock_guard lock(cache_mutex_);
  return leader_;
}

std::uint64_t ControlService::index_builds() const {
  return index_builds_.load();
}

std::size_t ControlService::onboardings_waiting() const {
  std::lock_guard lock(queue_mutex_);
  return queue_.size();
}

void ControlService::shutdown() {
  {
    std::lock_guard lock(cache_mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    leader_ = false;
  }
  published_changed_.notify_all();
  std::lock_guard lock(store_mutex_);
  store_->resign();
}

void ControlService::tick() {
  std::unique_lock lock(store_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) {
    // A change holds the store (reports never do; placing a large batch can take seconds):
    // keep its lease alive beside it rather than wait, or the leadership would lapse before
    // its CAS.
    (void)store_->keep_leadership();
    return;
  }
  Result<Leadership> leadership = store_->campaign(options_.address);
  {
    std::lock_guard cache(cache_mutex_);
    if (shut_down_) return;
    leader_ = leadership.is_ok() && leadership->leader;
    if (leadership.is_ok()) leader_address_ = leadership->leader_address;
  }
  Result<PointerRead> read = read_base();
  if (!read.is_ok() || !is_leader()) return;
  if (compact(*read, lock)) read = store_->read_pointer();
  if (read.is_ok()) (void)prune(read->pointer);
}

// Requires store_mutex_, held by `lock`. Once the pointer's chain holds compact_after
// deltas, writes the whole snapshot of the published version as a new base, then moves the
// pointer to it by CAS, keeping the deltas published since. Holding the lock: the copy of the
// published flat form (O(tenants), a few arrays),
// and after the write the pointer's read and the CAS, so no change of this process moves the
// pointer between them. With the lock released: the encoding of the copy and the store's
// write of the base (a 1,000,000-tenant base is 27 MB); changes go on during those two only.
// A lost CAS (another process's write) only leaves garbage for prune().
// True when it moved the pointer.
bool ControlService::compact(const PointerRead& read, std::unique_lock<std::mutex>& lock) {
  if (read.pointer.deltas.size() < options_.compact_after ||
      read.pointer.version != published_.version || published_.version == 0) {
    return false;
  }
  const std::uint64_t version = published_.version;
  // A copy of the flat arrays (a few vectors, O(tenants)) made holding the lock, encoded and
  // written with it released.
  const FlatSnapshot flat = flat_of_published();
  // Only the tick thread compacts and prunes, one after the other: no prune() runs while
  // this base is written, so it need not be kept from one.
  lock.unlock();
  const std::vector<std::byte> snapshot = encode_snapshot(flat);
  Result<BlobRef> base = store_->write_base(version, snapshot);
  lock.lock();
  if (!base.is_ok()) return false;
  Result<PointerRead> now = store_->read_pointer();
  if (!now.is_ok()) return false;
  Result<PublishReply> moved = store_->rebase(now->pointer, version, *base, now->revision);
  if (!moved.is_ok() || *moved != PublishOutcome::kPublished) return false;
  // The pointer's revision moved (on etcd): the cache still holds its state.
  std::lock_guard cache(cache_mutex_);
  if (now->pointer.version == published_.version && published_.revision == now->revision) {
    published_.revision = moved->revision;
    if (index_revision_ == now->revision) index_revision_ = moved->revision;
  }
  return true;
}

// Requires store_mutex_. Deletes the blobs of versions older than the last keep_versions,
// except the current one and those live routers serve (known from their reports, or
// nothing is deleted).
Status ControlService::prune(const Pointer& pointer) {
  const std::uint64_t current = published_.version;
  if (options_.keep_versions == 0 || current <= options_.keep_versions) return Status::ok();
  // The pointer's base and deltas are kept whatever their age. Only the tick thread prunes,
  // after compact() returned: no base is being written meanwhile.
  const std::uint64_t oldest_kept = std::min(current - options_.keep_versions + 1, pointer.base());
  Result<std::vector<std::uint64_t>> stored = store_->stored_versions();
  if (!stored.is_ok()) return stored.status();
  if (stored->empty() || stored->front() >= oldest_kept) return Status::ok();
  Result<std::vector<RouterReport>> reports = store_->reports();
  if (!reports.is_ok()) return reports.status();
  for (std::uint64_t v : *stored) {
    if (v >= oldest_kept) break;
    const bool served = std::any_of(reports->begin(), reports->end(),
                                    [v](const RouterReport& r) { return r.applied == v; });
    if (served) continue;
    if (Status s = store_->delete_version(v); !s.is_ok()) return s;
  }
  return Status::ok();
}

// Requires store_mutex_. The publication the pointer names, decoded; the empty first state
// when nothing was published yet.
Result<ControlService::Loaded> ControlService::load(const PointerRead& read) {
  Loaded out;
  out.state.placement.options = options_.placement;
  if (read.revision == 0) return out;
  Result<std::string> snapshot = store_->read_snapshot(read.pointer);
  if (!snapshot.is_ok()) return snapshot.status();
  Result<std::string> state_text = store_->read_state(read.pointer);
  if (!state_text.is_ok()) return state_text.status();
  Result<ControlState> state =
      parse_state(*state_text, std::as_bytes(std::span(snapshot->data(), snapshot->size())));
  if (!state.is_ok()) return state.status();
  return Loaded{.published = {.version = read.pointer.version, .revision = read.revision},
                .snapshot = std::move(snapshot).value(),
                .state = std::move(state).value()};
}

// Requires store_mutex_. The delta from the published snapshot to `next` (a change other
// than onboarding, diffed whole); none when the published one is not next's parent as
// `read` saw it. Its digest is kept from the last delta's in O(change); computed whole only
// after a snapshot was loaded rather than diffed.
std::optional<RoutingDelta> ControlService::delta_from_published(const FlatSnapshot& next,
                                                                 const PointerRead& read) {
  if (published_.version == 0 || published_.revision != read.revision ||
      published_.version + 1 != next.version) {
    return {};
  }
  const FlatSnapshot& from = flat_of_published();
  if (!published_digest_) published_digest_ = routing_digest(from);
  return diff_snapshots(from, next, *published_digest_);
}

// Requires state_mutex_ held exclusively and cache_mutex_: what readers of state_ see as
// published is the state published_ names.
void ControlService::make_visible() {
  visible_ = {.version = published_.version,
              .tenants = state_.placement.tenants.size(),
              .next_tenant = state_.next_tenant};
}

// Requires cache_mutex_. Appends the publication's delta, or starts over when it does not
// follow the chain (another control plane published between) or has none.
void ControlService::extend_chain(std::uint64_t parent, std::uint64_t version, std::string delta) {
  if (delta.empty() || (!chain_.empty() && chain_.back().version != parent)) {
    chain_.clear();
    chain_bytes_ = 0;
  }
  if (delta.empty()) return;
  chain_bytes_ += delta.size();
  chain_.push_back({.parent = parent, .version = version, .bytes = std::move(delta)});
  while (chain_.size() > kChainLinks || chain_bytes_ > kChainBytes) {
    chain_bytes_ -= chain_.front().bytes.size();
    chain_.pop_front();
  }
}

// Requires store_mutex_. Publishes `state` (a change other than onboarding), diffed whole
// against the published snapshot. The new version, 0 when the CAS lost; kFailedPrecondition
// with "not the leader" when the leadership is gone.
Result<std::uint64_t> ControlService::publish(ControlState state, const PointerRead& read) {
  state.version = read.pointer.version + 1;
  std::optional<FlatSnapshot> flat = flatten(snapshot_of(state, state.version));
  const std::optional<RoutingDelta> diff = delta_from_published(*flat, read);
  TenantExtras extras = tenant_extras(state);
  Result<std::uint64_t> version = commit(
      state, extras, read, diff ? encode_delta(*diff) : std::vector<std::byte>{},
      diff ? std::optional(diff->digest) : std::nullopt, [&flat] { return encode_snapshot(*flat); },
      [&] {  // swapped: the old state is freed after the locks are released
        std::swap(state_, state);
        published_flat_.swap(flat);
      });
  if (version.is_ok() && *version != 0) extras_ = std::move(extras);
  return version;
}

// Requires store_mutex_. Stores `state` (its version set), its extras and its delta from the
// published version (empty: none; `digest` the result's when known), and its whole snapshot
// (`whole()`) only when the store cannot chain the delta (next_pointer); once stored, runs
// `install` (which makes state_ and published_flat_ the stored ones; `state` may be swapped
// by it) and moves the cache to it, readers kept out for no more than that. The new version,
// 0 when the CAS lost; kFailedPrecondition with "not the leader" (and lost_leadership_) when
// the leadership is gone.
Result<std::uint64_t> ControlService::commit(const ControlState& state, const TenantExtras& extras,
                                             const PointerRead& read, std::vector<std::byte> delta,
                                             std::optional<std::uint64_t> digest,
                                             const std::function<std::vector<std::byte>()>& whole,
                                             const std::function<void()>& install) {
  Publication publication{.version = state.version,
                          .state = write_state(state, extras),
                          .writer = options_.address,
                          .delta = std::move(delta),
                          .parent = read.pointer};
  if (!chains_delta(publication, read.pointer)) publication.snapshot = whole();
  lost_leadership_ = false;
  Result<PublishReply> outcome = store_->publish(publication, read.revision);
  if (!outcome.is_ok()) return outcome.status();
  if (*outcome == PublishOutcome::kConflict) return std::uint64_t{0};
  if (*outcome == PublishOutcome::kNotLeader) {
    std::lock_guard lock(cache_mutex_);
    leader_ = false;
    lost_leadership_ = true;
    return failed_precondition("not the leader");
  }
  const std::uint64_t version = state.version;
  // Copied before the locks: a whole snapshot is 27 MB at 1,000,000 tenants.
  std::shared_ptr<const std::string> snapshot;
  if (!publication.snapshot.empty())
    snapshot = std::make_shared<const std::string>(as_string(publication.snapshot));
  std::string delta_bytes = as_string(publication.delta);
  {
    std::unique_lock state_lock(*state_mutex_);
    install();
    std::lock_guard lock(cache_mutex_);
    published_ = {.version = version, .revision = outcome->revision};
    if (snapshot) {
      whole_ = std::move(snapshot);
      whole_version_ = version;
    }
    extend_chain(read.pointer.version, version, std::move(delta_bytes));
    make_visible();
  }
  published_digest_ = digest;
  published_changed_.notify_all();
  return version;
}

// 503 naming the leader (as last seen) in the body and in X-Cellkit-Leader.
ServiceReply ControlService::not_leader() const {
  std::lock_guard lock(cache_mutex_);
  json body = {{"error", "this control plane is not the leader; write to the leader"},
               {"field", nullptr},
               {"stored", "no"},
               {"leader", leader_address_}};
  return {.status = 503, .body = body.dump(), .headers = {{"X-Cellkit-Leader", leader_address_}}};
}

// Requires store_mutex_. Reads the pointer and brings published_ up to it, so that
// state_ is the base of a change (only holders of store_mutex_ write published_ and state_).
Result<PointerRead> ControlService::read_base() {
  Result<PointerRead> read = store_->read_pointer();
  if (!read.is_ok()) return read.status();
  if (published_.revision == read->revision) return read;
  Result<Loaded> loaded = load(*read);
  if (!loaded.is_ok()) return loaded.status();
  const std::uint64_t version = loaded->published.version;
  std::optional<FlatSnapshot> flat;
  if (version != 0) flat = flatten(snapshot_of(loaded->state, version));
  extras_ = tenant_extras(loaded->state);
  published_digest_.reset();
  {
    std::unique_lock state_lock(*state_mutex_);
    state_ = std::move(loaded->state);
    published_flat_ = std::move(flat);
    std::lock_guard lock(cache_mutex_);
    published_ = loaded->published;
    whole_ = std::make_shared<const std::string>(std::move(loaded->snapshot));
    whole_version_ = published_.version;
    extend_chain(0, published_.version, {});  // not ours: long-polls get whole snapshots
    make_visible();
  }
  published_changed_.notify_all();
  return read;
}

ServiceReply ControlService::apply(const Change& change, std::string_view field,
                                   std::string_view name_field) {
  std::lock_guard lock(store_mutex_);
  if (!is_leader()) return not_leader();
  for (int attempt = 0; attempt < options_.publish_attempts; ++attempt) {
    Result<PointerRead> read = read_base();
    if (!read.is_ok()) return store_unavailable(read.status(), false);
    Result<ControlState> next = change(state_);
    if (!next.is_ok()) return change_error(next.status(), field, name_field);
    if (Status s = check_state(*next); !s.is_ok()) return error_reply(409, s.message(), field);
    Result<std::uint64_t> version = publish(std::move(next).value(), *read);
    if (!version.is_ok()) {
      return lost_leadership_ ? not_leader() : store_unavailable(version.status(), true);
    }
    if (*version != 0) return ok_json({{"version", *version}});
  }
  return pointer_moved();
}

// Group commit: requests that arrive while a publication is being written wait for it to
// end, and then one of them places all that waited in the next publication.
ServiceReply ControlService::onboard_tenants(std::vector<TenantSpec> specs) {
  PendingOnboard mine{.specs = std::move(specs)};
  std::vector<PendingOnboard*> group;
  {
    std::unique_lock queue(queue_mutex_);
    queue_.push_back(&mine);
    queue_changed_.wait(queue, [&] { return mine.done || !onboarding_; });
    if (mine.done) return std::move(mine.reply);
    onboarding_ = true;
    group.swap(queue_);  // holds `mine`: only the one onboarding takes from the queue
  }
  {
    std::lock_guard lock(store_mutex_);
    onboard_group(group);
  }
  {
    std::lock_guard queue(queue_mutex_);
    for (PendingOnboard* p : group)
      p->done = true;
    onboarding_ = false;
  }
  queue_changed_.notify_all();
  return std::move(mine.reply);
}

// Requires store_mutex_. Answers every request of the group.
void ControlService::onboard_group(const std::vector<PendingOnboard*>& group) {
  bool answered = !is_leader();
  for (PendingOnboard* p : group)
    p->reply = answered ? not_leader() : pointer_moved();  // with no attempt, or none answered
  for (int attempt = 0; attempt < options_.publish_attempts && !answered; ++attempt)
    answered = onboard_attempt(group);
}

// Requires store_mutex_. Places each request against the published state with the kept
// index (each request all or nothing, refused ones answered on their own), then publishes
// the accepted ones together. False when the CAS lost (try again from the stored state);
// every reply is then "the pointer moved" until a later attempt answers it (a refusal in an
// attempt undone is no answer: the next may place the request).
bool ControlService::onboard_attempt(const std::vector<PendingOnboard*>& group) {
  for (PendingOnboard* p : group)
    p->reply = pointer_moved();
  auto answer_all = [&](const ServiceReply& reply) {
    for (PendingOnboard* p : group)
      p->reply = reply;
    return true;
  };
  Result<PointerRead> read = read_base();
  if (!read.is_ok()) return answer_all(store_unavailable(read.status(), false));
  if (!index_ || index_revision_ != published_.revision) {
    index_.reset();
    Result<OnboardIndex> built = OnboardIndex::build(state_);
    if (!built.is_ok()) return answer_all(change_error(built.status(), "", ""));
    index_ = std::move(built).value();
    index_revision_ = published_.revision;
    ++index_builds_;
  }
  // In place, no copy of the state: OnboardIndex::onboard places a request all or nothing
  // (refused, it leaves state_ and the index as they were), so a refused request is answered
  // alone and the others stand; what was placed is taken back unless it is stored.
  const std::size_t first = state_.placement.tenants.size();
  const std::uint32_t next_tenant = state_.next_tenant;
  std::vector<PendingOnboard*> placed;
  {
    std::unique_lock state_lock(*state_mutex_);  // readers leave out tenants beyond visible_
    for (PendingOnboard* p : group) {
      if (Status s = index_->onboard(state_, p->specs); !s.is_ok()) {
        p->reply = change_error(s, "shard_size", "name");
      } else {
        placed.push_back(p);
      }
    }
  }
  if (placed.empty()) return true;
  index_revision_ = -1;  // it holds tenants that are not published until the CAS lands
  Result<std::uint64_t> version = publish_onboarded(first, *read);
  if (!version.is_ok() || *version == 0) take_back_onboarded(first, next_tenant);
  if (version.is_ok() && *version == 0) return false;
  ServiceReply reply =
      !version.is_ok()
          ? (lost_leadership_ ? not_leader() : store_unavailable(version.status(), true))
          : ok_json({{"version", *version}});
  if (version.is_ok()) index_revision_ = published_.revision;
  for (PendingOnboard* p : placed)
    p->reply = reply;
  return true;
}

// Requires store_mutex_. Publishes state_, changed in place since the published version by
// the tenants appended from state_.placement.tenants[first] on. Why no check_state: the index
// checked all the new tenants can break (their names new, shards non-empty with distinct
// cells of the fleet, the load of the cells they join, their overlap with every tenant);
// every other part of the state is the published one, which passed check_state, and a new
// tenant has no pin. The delta is made from the new tenants and its digest from the
// published one's, O(change); the whole snapshot is encoded only when the store cannot
// chain the delta (the first publication, a full chain).
Result<std::uint64_t> ControlService::publish_onboarded(std::size_t first,
                                                        const PointerRead& read) {
  {
    std::unique_lock state_lock(*state_mutex_);
    state_.version = read.pointer.version + 1;
  }
  std::vector<std::byte> delta;
  std::optional<std::uint64_t> digest;
  RoutingDelta d = onboarding_delta(state_, first, read.pointer.version, state_.version);
  if (published_.version != 0) {  // read_base made published_ the pointer `read` names
    d.digest = published_digest_ ? digest_with_additions(*published_digest_, d)
                                 : routing_digest(onboarded_flat(d));
    digest = d.digest;
    delta = encode_delta(d);
  }
  add_tenant_extras(state_, first, extras_);
  return commit(
      state_, extras_, read, std::move(delta), digest,
      [&] { return encode_snapshot(onboarded_flat(d)); },
      [&] {
        if (published_flat_) {
          append_onboarded(d, *published_flat_);
        } else {  // the first publication
          published_flat_ = flatten(snapshot_of(state_, d.version));
        }
      });
}

// Requires store_mutex_, during an onboarding: the snapshot of state_ (the published one and
// the delta's tenants) in flat form, from the kept one when there is one.
FlatSnapshot ControlService::onboarded_flat(const RoutingDelta& delta) const {
  if (!published_flat_) return flatten(snapshot_of(state_, delta.version));
  FlatSnapshot out = *published_flat_;
  append_onboarded(delta, out);
  return out;
}

// Requires store_mutex_. Takes back the tenants onboarding appended to state_ (from
// tenants[first] on, ids from `next_tenant` on), their shards and extras: state_ equals the
// published state again. The index remembers them: it is dropped, rebuilt when next needed.
void ControlService::take_back_onboarded(std::size_t first, std::uint32_t next_tenant) {
  {
    std::unique_lock state_lock(*state_mutex_);
    drop_tenants_from(state_, first, next_tenant);
    state_.version = published_.version;
  }
  extras_.erase(extras_.lower_bound(TenantId{next_tenant}), extras_.end());
  index_.reset();
  index_revision_ = -1;
}

// DELETE /v1/tenants/NAME in O(change): the tenant is found by a scan of the published
// state's names, the delta and the stored state are made from it alone, and state_, the flat
// snapshot, the extras and the onboarding index lose it only once the store took the
// publication. Retried from the stored state on a lost CAS, as apply() does.
ServiceReply ControlService::remove_tenant(std::string_view name) {
  std::lock_guard lock(store_mutex_);
  if (!is_leader()) return not_leader();
  for (int attempt = 0; attempt < options_.publish_attempts; ++attempt) {
    Result<PointerRead> read = read_base();
    if (!read.is_ok()) return store_unavailable(read.status(), false);
    // state_ is the published state: only holders of store_mutex_ change it.
    const Tenant* found = find_tenant(state_, name);
    if (found == nullptr) return change_error(no_tenant_named(name), "tenant", "tenant");
    const auto at = static_cast<std::size_t>(found - state_.placement.tenants.data());
    Result<std::uint64_t> version = publish_removal(at, *read);
    if (!version.is_ok()) {
      return lost_leadership_ ? not_leader() : store_unavailable(version.status(), true);
    }
    if (*version != 0) return ok_json({{"version", *version}});
  }
  return pointer_moved();
}

// Requires store_mutex_, state_ the published state. Publishes it without its tenant
// state_.placement.tenants[at], its shard and its pin. Why no check_state: the published
// state passed it, and removing a tenant can break none of its invariants. Every cell's load
// (shards, pins) only falls, so none goes above its capacity; overlaps are between pairs of
// remaining tenants, which keep their shards and pins; no other shard or pin changes, so
// none empties or names a cell outside the fleet; the names left are still unique; the
// remaining pins name remaining tenants; the cells are untouched. The snapshot without the
// tenant still builds: an empty one is allowed (allow_empty follows the state, as
// snapshot_of sets it).
//
// state_ is changed only in commit's install, once the store took the publication: readers
// never see an unstored removal and there is nothing to take back. What the commit needs of
// the state after the removal is made aside in O(change): the delta (removal_delta, its
// digest from the published one), the stored state's head (write_state reads no tenant nor
// shard: a copy of cells and pins, O(cells + pins)) and the extras (the tenant's taken out
// of extras_ and put back unless stored). O(tenants) only: the scan that found the tenant,
// and in install the erasure from the tenant vector and the flat snapshot's lists (memmoves).
Result<std::uint64_t> ControlService::publish_removal(std::size_t at, const PointerRead& read) {
  const Tenant gone = state_.placement.tenants[at];
  const Shard shard = state_.placement.mapping.shard(gone.id);
  const Shard effective = effective_shard(state_, gone.id);
  const std::uint64_t version = read.pointer.version + 1;
  // A tenant exists only once published; read_base made published_ the pointer `read` names.
  if (!published_digest_) published_digest_ = routing_digest(flat_of_published());
  const RoutingDelta delta =
      removal_delta(state_, at, read.pointer.version, version, *published_digest_);
  ControlState head{
      .version = version,
      .placement = {.fleet = state_.placement.fleet, .options = state_.placement.options},
      .zone_names = state_.zone_names,
      .pins = state_.pins,
      .rebalance = state_.rebalance,
      .next_cell = state_.next_cell,
      .next_tenant = state_.next_tenant};
  head.pins.remove(gone.id);
  auto extra = extras_.extract(gone.id);
  Result<std::uint64_t> stored = commit(
      head, extras_, read, encode_delta(delta), delta.digest,
      [&] {
        FlatSnapshot flat = flat_of_published();
        remove_from_flat(delta, flat);
        return encode_snapshot(flat);
      },
      [&] {
        std::vector<Tenant>& tenants = state_.placement.tenants;
        tenants.erase(tenants.begin() + static_cast<std::ptrdiff_t>(at));
        state_.placement.mapping.remove(gone.id);
        state_.pins.remove(gone.id);
        state_.version = version;
        remove_from_flat(delta, *published_flat_);
      });
  if (!stored.is_ok() || *stored == 0) {
    if (extra) extras_.insert(std::move(extra));
    return stored;
  }
  // The index held the published state: now it holds the stored one.
  if (index_ && index_revision_ == read.revision) {
    index_->forget(gone, shard, effective);
    index_revision_ = published_.revision;
  }
  return stored;
}

ServiceReply ControlService::pointer_moved() const {
  json body = {{"error", fmt::format("the routing pointer moved during {} attempts; retry",
                                     options_.publish_attempts)},
               {"field", "store"},
               {"stored", "no"}};
  return {.status = 503, .body = body.dump()};
}

// How far a rollout got: the moves planned, those of the steps stored, and their versions.
struct RolloutProgress {
  std::size_t planned = 0;
  std::size_t applied = 0;
  std::vector<std::uint64_t> versions;

  json as_json() const {
    return {{"planned", planned}, {"applied", applied}, {"versions", versions}};
  }
  // `reply` (a JSON body) with the progress added: the reply of a rollout stopped there.
  ServiceReply stop(ServiceReply reply) const {
    json body = json::parse(reply.body);
    body.update(as_json());
    reply.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return reply;
  }
};

// Publishes the planned moves `batch` at a time, a version each, holding the store from the
// first to the last (a read sees each step once it is stored). A reply that stops it says how
// far it got: "planned", "applied" (the moves of the steps stored) and their "versions".
ServiceReply ControlService::rollout(std::size_t batch) {
  std::lock_guard lock(store_mutex_);
  if (!is_leader()) return not_leader();
  Result<PointerRead> read = store_->read_pointer();
  if (!read.is_ok()) return store_unavailable(read.status(), false);
  Result<Loaded> base = load(*read);
  if (!base.is_ok()) return store_unavailable(base.status(), false);
  Result<Rebalance> rebalance = plan_fleet_rebalance(base->state);
  if (!rebalance.is_ok()) return error_reply(409, rebalance.status().message(), "");
  RolloutProgress progress{.planned = rebalance->plan.moves.size()};
  for (std::size_t done = 0; done < progress.planned;) {
    done = std::min(progress.planned, done + batch);
    if (auto stopped = rollout_step(base->state, *rebalance, done, *read, progress))
      return *stopped;
    read = store_->read_pointer();
    if (!read.is_ok()) return progress.stop(store_unavailable(read.status(), false));
  }
  return ok_json(progress.as_json());
}

// Requires store_mutex_. Publishes the state `base` with the first `done` moves of
// `rebalance`, from the pointer `read`; the reply that stops the rollout, if it is stopped.
std::optional<ServiceReply> ControlService::rollout_step(const ControlState& base,
                                                         const Rebalance& rebalance,
                                                         std::size_t done, const PointerRead& read,
                                                         RolloutProgress& progress) {
  Result<ControlState> next = apply_moves(base, rebalance, done);
  if (!next.is_ok()) return progress.stop(error_reply(409, next.status().message(), ""));
  next->rebalance = {
      .planned = progress.planned, .applied = done, .version = read.pointer.version + 1};
  if (Status s = check_state(*next); !s.is_ok())
    return progress.stop(error_reply(409, s.message(), ""));
  Result<std::uint64_t> version = publish(std::move(next).value(), read);
  if (!version.is_ok()) {
    return progress.stop(lost_leadership_ ? not_leader()
                                          : store_unavailable(version.status(), true));
  }
  if (*version == 0) {
    return progress.stop(error_reply(
        409,
        fmt::format("the fleet changed during the rollout; stopped after {} of {} moves",
                    progress.applied, progress.planned),
        ""));
  }
  progress.applied = done;
  progress.versions.push_back(*version);
  return std::nullopt;
}

}  // namespace cellkit::live

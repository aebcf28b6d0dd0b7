// `cellkit control`'s service: the HTTP/JSON API of docs/control-api.md over a Store. Every
// change is computed from the stored desired state, validated whole (check_state, or for
// onboarding the checks of what new tenants can break; removing a tenant breaks nothing),
// then published by CAS on the
// routing pointer; a lost CAS re-reads the stored state and recomputes. Only the leader
// writes; the others answer 503 naming it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cellkit/core/routing_delta.h"
#include "cellkit/core/strategies.h"
#include "cellkit/live/control_state.h"
#include "cellkit/live/http_server.h"
#include "cellkit/live/onboard_index.h"
#include "cellkit/live/store.h"

namespace cellkit::live {

class WriterFirstMutex;
struct RolloutProgress;

struct ControlOptions {
  std::string address;         // this control plane's "HOST:PORT", announced as leader
  PlacementOptions placement;  // used when the store holds no state yet
  std::chrono::milliseconds max_wait{30000};  // longest GET /v1/snapshot long-poll
  int publish_attempts = 8;                   // CAS attempts before a change answers 503
  // Versions whose blobs tick() keeps: the last `keep_versions` (0: all), and always the
  // current one and every version a live router reports serving.
  std::uint32_t keep_versions = 10;
  // tick() compacts the store's delta chain into a new base once it holds this many deltas
  // (decision 0009): routers behind it read the base, the chain stays short.
  std::size_t compact_after = 16;
};

class ControlService {
 public:
  ControlService(std::unique_ptr<Store> store, ControlOptions options);
  ~ControlService();

  // Answers one API request; safe from many threads at once.
  ServiceReply handle(const ServiceRequest& request);
  // Campaigns for (or keeps) the leadership, picks up versions published by another
  // control plane and, as leader, deletes old versions (ControlOptions::keep_versions).
  // Call about once a second, from one thread only (its compaction and pruning run one
  // after the other). While a change holds the store (nothing else it waits for does), it
  // only keeps the leader's lease alive.
  void tick();
  // Wakes every long-poll and gives the leadership up.
  void shutdown();

  bool is_leader() const;
  // Onboarding calls waiting for the next publication to carry them (group commit).
  std::size_t onboardings_waiting() const;
  // How many times the onboarding index was built from the whole state (O(tenants) each):
  // changes that keep it in O(change) (onboarding, removing a tenant) leave this alone.
  std::uint64_t index_builds() const;

 private:
  // The publication the pointer names, as long-polls and version reads see it.
  struct Published {
    std::uint64_t version = 0;  // 0: nothing published yet
    std::int64_t revision = 0;
  };
  // A publication read back from the store.
  struct Loaded {
    Published published;
    std::string snapshot;  // encode_snapshot's bytes ("" before the first publication)
    ControlState state;
  };
  using Change = std::function<Result<ControlState>(const ControlState&)>;
  // One POST /v1/tenants waiting for the publication that carries it.
  struct PendingOnboard {
    std::vector<TenantSpec> specs;
    bool done = false;  // under queue_mutex_, with `reply` written before
    ServiceReply reply;
  };

  std::unique_ptr<Store> store_;
  ControlOptions options_;
  // Held by changes, ticks and shutdown, across their store I/O: the store handle, one call
  // at a time. Routers' reports (PUT and GET /v1/routers) never take it; they go to the store
  // beside a change (Store allows report() and reports() alongside any call), so they never
  // wait for a change nor make a tick skip. Lock order: store_mutex_, state_mutex_,
  // encode_mutex_, cache_mutex_.
  mutable std::mutex store_mutex_;
  // Over state_, published_flat_, visible_ and published_.version: holders of store_mutex_
  // (the only writers) take it exclusively while they change them in memory, never across
  // store I/O; the reads of the desired state (cells, tenants, plan, rebalance status, a
  // long-poll's whole snapshot) take it shared. So a read waits for a change's work in
  // memory, never for the store (an unreachable etcd, a whole rollout); a waiting writer goes
  // before readers that come after it.
  std::unique_ptr<WriterFirstMutex> state_mutex_;
  mutable std::mutex cache_mutex_;
  // Held by whoever encodes the whole snapshot for a read, so that one encodes it (order:
  // state_mutex_, encode_mutex_, cache_mutex_).
  std::mutex encode_mutex_;
  std::condition_variable published_changed_;
  // Under cache_mutex_ (written by holders of store_mutex_, who may read it without it, and
  // its version only while they also hold state_mutex_, with visible_).
  Published published_;
  bool leader_ = false;
  std::string leader_address_;
  bool shut_down_ = false;
  // Under state_mutex_: the desired state published_ names. Onboarding changes it in place
  // and takes its change back unless stored, so whoever takes store_mutex_ sees the
  // published state; while an onboarding's publication is being written, state_ holds its
  // tenants beyond visible_ (readers leave them out). Removing a tenant changes it in place
  // only once stored (in commit's install), so it has nothing to take back.
  ControlState state_;
  // What of state_ is published, under state_mutex_: set with published_ (and under
  // cache_mutex_ too), so that a holder of state_mutex_ sees them equal.
  struct Visible {
    std::uint64_t version = 0;
    std::size_t tenants = 0;        // state_.placement.tenants[0, tenants) are published
    std::uint32_t next_tenant = 0;  // tenants with an id from this one on are not
  };
  Visible visible_;
  // Under store_mutex_: tenant_extras(state_), kept in O(change) by onboarding and removal.
  TenantExtras extras_;
  // Under cache_mutex_: the whole encoded snapshot of version whole_version_ (it may be
  // behind published_: it is encoded when needed, by a long-poll, a compaction or a
  // publication the store cannot chain, never by every publication).
  std::shared_ptr<const std::string> whole_;
  std::uint64_t whole_version_ = 0;
  // Onboarding requests not yet taken by a publication (group commit), and whether one
  // request is placing a group now.
  mutable std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::vector<PendingOnboard*> queue_;
  bool onboarding_ = false;
  // A delta this control plane published, and the version it leads from.
  struct DeltaLink {
    std::uint64_t parent = 0;
    std::uint64_t version = 0;
    std::string bytes;  // encode_delta's
  };
  // Under cache_mutex_: the deltas of this control plane's consecutive publications up to
  // published_.version (at most kChainLinks of them, kChainBytes together), so that a
  // long-poll from a version among them answers the chain instead of the whole snapshot.
  std::deque<DeltaLink> chain_;
  std::size_t chain_bytes_ = 0;
  // Under state_mutex_: the published snapshot in flat form, kept in O(change) by onboarding
  // (new tenants are appended: their ids are above every other) and removal (a tenant's
  // entries erased), replaced by other changes and loads; present whenever a version is
  // published. The diff base of the other changes, and what whole snapshots are encoded
  // from (a compaction copies it and encodes the copy with the store lock released).
  std::optional<FlatSnapshot> published_flat_;
  // Under store_mutex_: routing_digest of the published snapshot when known (the last delta's).
  std::optional<std::uint64_t> published_digest_;
  // Under store_mutex_: the onboarding index of state_, valid while
  // published_.revision == index_revision_; a removal keeps it valid (it forgets the tenant).
  std::optional<OnboardIndex> index_;
  std::int64_t index_revision_ = -1;
  std::atomic<std::uint64_t> index_builds_{0};  // times index_ was built whole
  // Under store_mutex_: the last commit() was refused because this control plane is no
  // longer the leader (its answer is then a definite "not stored").
  bool lost_leadership_ = false;

  // Changes: applying, publishing, onboarding and removing a tenant.
  // `field` is named by refusals; `name_field` by kNotFound and kAlreadyExists ones.
  ServiceReply apply(const Change& change, std::string_view field, std::string_view name_field);
  Result<Loaded> load(const PointerRead& read);
  Result<std::uint64_t> publish(ControlState next, const PointerRead& read);
  Result<std::uint64_t> publish_onboarded(std::size_t first, const PointerRead& read);
  Result<std::uint64_t> commit(const ControlState& state, const TenantExtras& extras,
                               const PointerRead& read, std::vector<std::byte> delta,
                               std::optional<std::uint64_t> digest,
                               const std::function<std::vector<std::byte>()>& whole,
                               const std::function<void()>& install);
  void make_visible();
  void take_back_onboarded(std::size_t first, std::uint32_t next_tenant);
  ServiceReply remove_tenant(std::string_view name);
  Result<std::uint64_t> publish_removal(std::size_t at, const PointerRead& read);
  Result<PointerRead> read_base();
  ServiceReply onboard_tenants(std::vector<TenantSpec> specs);
  void onboard_group(const std::vector<PendingOnboard*>& group);
  bool onboard_attempt(const std::vector<PendingOnboard*>& group);
  Status prune(const Pointer& pointer);
  std::optional<RoutingDelta> delta_from_published(const FlatSnapshot& next,
                                                   const PointerRead& read);
  std::shared_ptr<const std::string> whole_of_published();
  const FlatSnapshot& flat_of_published() const;
  FlatSnapshot onboarded_flat(const RoutingDelta& delta) const;
  bool compact(const PointerRead& read, std::unique_lock<std::mutex>& lock);
  void extend_chain(std::uint64_t parent, std::uint64_t version, std::string delta);
  std::string chain_after(std::uint64_t after) const;
  // `deltas`: the caller reads a delta chain (GET /v1/snapshot?deltas=1).
  ServiceReply long_poll(std::uint64_t after, std::chrono::milliseconds wait, bool deltas);
  ServiceReply rollout(std::size_t batch);
  std::optional<ServiceReply> rollout_step(const ControlState& base, const Rebalance& rebalance,
                                           std::size_t done, const PointerRead& read,
                                           RolloutProgress& progress);
  ServiceReply not_leader() const;
  ServiceReply pointer_moved() const;

  // Routes: a request to its handler.
  ServiceReply route(const ServiceRequest& request);
  ServiceReply list_cells() const;
  ServiceReply list_tenants() const;
  ServiceReply plan() const;
  ServiceReply rebalance_status() const;
  ServiceReply version() const;
  ServiceReply routers();
  // PUT /v1/routers/ID: a router that follows through this API reports its ACK/NACK.
  ServiceReply record_report(const std::string& router, const std::string& body);
};

// The status code for a change refused with `status`.
unsigned http_status_of(const Status& status);
// {"error": message, "field": field (null when empty)}.
ServiceReply error_reply(unsigned http_status, std::string_view message, std::string_view field);

}  // namespace cellkit::live

// The etcd store: keys under /cellkit/v1/<fleet>/ (docs/control-api.md). Blobs are written
// as immutable chunks first, then one txn moves the pointer if its mod revision and the
// leader's key are unchanged.
#include <algorithm>
#include <atomic>

#include <fmt/format.h>

#include "cellkit/base/cut.h"
#include "stores.h"

namespace cellkit::live {
namespace {

class EtcdStore final : public Store {
 public:
  EtcdStore(HttpUrl url, const StoreOptions& options)
      : etcd_(std::move(url), options.timeout),
        prefix_(fmt::format("/cellkit/v1/{}/", options.fleet)),
        options_(options),
        ledger_(std::chrono::seconds(options.lease_seconds)) {}
  ~EtcdStore() override { resign(); }

  std::string describe() const override { return "etcd:" + etcd_.url().to_string(); }

  Result<PointerRead> read_pointer() override {
    Result<EtcdRange> range = etcd_.range(key("routing/current"));
    if (!range.is_ok()) return range.status();
    if (range->kvs.empty()) return PointerRead{.store_revision = range->revision};
    Result<Pointer> pointer = parse_pointer(range->kvs.front().value);
    if (!pointer.is_ok()) return pointer.status();
    return PointerRead{.pointer = std::move(pointer).value(),
                       .revision = range->kvs.front().mod_revision,
                       .store_revision = range->revision};
  }

  // A format-2 pointer's snapshot is its base changed by its deltas.
  Result<std::string> read_snapshot(const Pointer& p) override {
    return read_whole(p, routing_blob());
  }
  Result<std::vector<std::string>> read_deltas(const Pointer& p, std::uint64_t after) override {
    return read_chain(p, after, routing_blob());
  }
  Result<std::string> read_state(const Pointer& p) override {
    return read_blob("state/" + blob_name(p.version, p.state), p.state);
  }

  Result<PublishReply> publish(const Publication& publication, std::int64_t expected) override;
  Result<BlobRef> write_base(std::uint64_t version, std::span<const std::byte> snapshot) override;
  Result<PublishReply> rebase(const Pointer& current, std::uint64_t base_version,
                              const BlobRef& base, std::int64_t expected) override;

  Result<WatchEnd> watch_pointer(std::int64_t store_revision,
                                 std::chrono::steady_clock::time_point deadline) override {
    // Watched from now, not from store_revision + 1: by the time the watch starts, the
    // router's own report (and other routers') have moved the store's revision past the
    // read, and etcd serves a watch that starts in its past only from its catch-up loop,
    // every 100 ms. A change between the read and the watch is found by one read once the
    // watch exists: the pointer is never deleted, and any change gives it a mod revision
    // past the read's store revision.
    auto moved_since_read = [&] {
      Result<EtcdRange> now = etcd_.range(key("routing/current"));
      return !now.is_ok() || (!now->kvs.empty() && now->kvs.front().mod_revision > store_revision);
    };
    Result<EtcdWatchResult> watched =
        etcd_.watch(key("routing/current"), /*from now*/ 0, deadline, moved_since_read);
    if (!watched.is_ok()) return watched.status();
    return watched->end == EtcdWatchEnd::kDeadline ? WatchEnd::kDeadline : WatchEnd::kChanged;
  }

  // Each router's record is on a lease of its own, so it expires when that router stops
  // reporting even while others report through this handle (the control plane's), and a
  // lapsed lease costs only that router's record, written again on a new lease at its next
  // report.
  Status report(const RouterReport& report) override {
    if (report.router.empty() || report.router.find('/') != std::string::npos) {
      return invalid_argument(
          fmt::format("router id '{}' must be non-empty without '/'", cut(report.router)));
    }
    return ledger_.report(
        report, [this](std::int64_t lease) { return etcd_.keep_alive(lease).is_ok(); },
        [this](const RouterReport& r, std::int64_t lease) { return put_report(r, lease); });
  }

  Result<std::vector<RouterReport>> reports() override {
    Result<EtcdRange> range = etcd_.range(key("routers/"), /*prefix=*/true);
    if (!range.is_ok()) return range.status();
    std::vector<RouterReport> out;
    for (const EtcdKv& kv : range->kvs) {
      Result<RouterReport> report = parse_report(kv.value);
      if (report.is_ok()) out.push_back(std::move(report).value());
    }
    return out;  // etcd returns keys sorted, and the key ends with the router id
  }

  Result<Leadership> campaign(const std::string& address) override;

  Result<std::vector<std::uint64_t>> stored_versions() override {
    std::vector<std::uint64_t> versions;
    for (const char* blobs : {"routing/snap/", "routing/delta/", "state/"}) {
      Result<EtcdRange> range = etcd_.range(key(blobs), /*prefix=*/true, 0, /*keys_only=*/true);
      if (!range.is_ok()) return range.status();
      for (const EtcdKv& kv : range->kvs) {
        const std::optional<std::uint64_t> v =
            blob_version(std::string_view(kv.key).substr(key(blobs).size()));
        if (v) versions.push_back(*v);
      }
    }
    std::sort(versions.begin(), versions.end());
    versions.erase(std::unique(versions.begin(), versions.end()), versions.end());
    return versions;
  }

  Status delete_version(std::uint64_t version) override {
    for (const char* blobs : {"routing/snap/", "routing/delta/", "state/"}) {
      Result<std::int64_t> erased =
          etcd_.erase(key(fmt::format("{}{}-", blobs, version)), /*prefix=*/true);
      if (!erased.is_ok()) return erased.status();
    }
    return Status::ok();
  }

  void interrupt() override { etcd_.cancel(); }

  // Each etcd call opens its own connection, so this may run beside another call.
  Status keep_leadership() override {
    const std::int64_t lease = leader_lease_.load();
    if (lease == 0) return Status::ok();
    return etcd_.keep_alive(lease);
  }

  void resign() override {
    if (leader_lease_ != 0) (void)etcd_.revoke_lease(leader_lease_);  // else it expires
    leader_lease_ = 0;
    leader_create_revision_ = 0;
  }

 private:
  EtcdClient etcd_;
  std::string prefix_;
  StoreOptions options_;
  std::atomic<std::int64_t> leader_lease_{0};  // read by keep_leadership from another thread
  std::int64_t leader_create_revision_ = 0;    // of the leader key we created
  ReportLedger ledger_;  // the routers' reports this handle wrote, each on its own lease

  std::string key(std::string_view name) const { return prefix_ + std::string(name); }

  // Puts the report on `lease`, or on a new lease when it is 0; returns the lease.
  Result<std::int64_t> put_report(const RouterReport& report, std::int64_t lease) {
    if (lease == 0) {
      Result<std::int64_t> granted = etcd_.grant_lease(options_.lease_seconds);
      if (!granted.is_ok()) return granted.status();
      lease = *granted;
    }
    Result<std::int64_t> put =
        etcd_.put(key("routers/" + report.router), report_json(report), lease);
    if (!put.is_ok()) return put.status();
    return lease;
  }
  ReadRoutingBlob routing_blob() {
    return [this](std::string_view kind, std::uint64_t version, const BlobRef& ref) {
      return read_blob(fmt::format("routing/{}/{}", kind, blob_name(version, ref)), ref);
    };
  }
  static std::string part_key(std::string_view blob, std::uint32_t part) {
    return fmt::format("{}/{:06}", blob, part);  // zero-padded: etcd sorts keys bytewise
  }

  Result<PublishReply> move_pointer(std::vector<EtcdOp> chunks, const Pointer& pointer,
                                    std::int64_t expected);

  // One range per chunk, each within the request timeout: a blob of any size (a 1,000,000
  // tenant snapshot is tens of chunks) is read in bounded steps, never in one long call.
  Result<std::string> read_blob(const std::string& name, const BlobRef& ref) {
    std::string bytes;
    bytes.reserve(ref.bytes);
    for (std::uint32_t part = 0; part < ref.parts; ++part) {
      Result<EtcdRange> range = etcd_.range(key(part_key(name, part)));
      if (!range.is_ok()) return range.status();
      if (range->kvs.empty()) {
        return data_loss(fmt::format("{}{} has no part {} of the {} parts the pointer says",
                                     prefix_, name, part, ref.parts));
      }
      bytes += range->kvs.front().value;
    }
    if (Status s = check_blob(prefix_ + name, bytes, ref); !s.is_ok()) return s;
    return bytes;
  }

  // The puts that store the blob as chunks.
  std::vector<EtcdOp> blob_puts(const std::string& name, std::string_view bytes) const {
    std::vector<EtcdOp> puts;
    for (std::uint32_t part = 0; part * kChunkBytes < bytes.size(); ++part) {
      puts.push_back({.key = key(part_key(name, part)),
                      .value = std::string(bytes.substr(part * kChunkBytes, kChunkBytes))});
    }
    return puts;
  }
};

Result<PublishReply> EtcdStore::publish(const Publication& publication, std::int64_t expected) {
  if (leader_lease_ == 0) return PublishReply{.outcome = PublishOutcome::kNotLeader};
  const auto as_view = [](const std::vector<std::byte>& b) {
    return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
  };
  // The parent was read at `expected`: the txn's compare makes the chain it extends current.
  if (Status s = check_whole_given(publication, publication.parent); !s.is_ok()) return s;
  const Pointer pointer = next_pointer(publication, publication.parent);
  const bool by_delta = !pointer.deltas.empty() && pointer.deltas.back().version == pointer.version;
  // Chunks are named by version and content, so a losing writer's chunks never replace the
  // winner's; they are only garbage.
  std::vector<EtcdOp> chunks =
      by_delta
          ? blob_puts("routing/delta/" + blob_name(pointer.version, pointer.deltas.back().blob),
                      as_view(publication.delta))
          : blob_puts("routing/snap/" + blob_name(pointer.version, pointer.snapshot),
                      as_view(publication.snapshot));
  for (EtcdOp& op :
       blob_puts("state/" + blob_name(pointer.version, pointer.state), publication.state)) {
    chunks.push_back(std::move(op));
  }
  return move_pointer(std::move(chunks), pointer, expected);
}

// Chunk by chunk, each put on a connection of its own (so beside another call on this
// handle), keeping a held leadership alive between them: tens of chunks can outlast a lease.
Result<BlobRef> EtcdStore::write_base(std::uint64_t version, std::span<const std::byte> snapshot) {
  const std::string_view bytes(reinterpret_cast<const char*>(snapshot.data()), snapshot.size());
  const BlobRef ref = blob_ref(bytes);
  for (const EtcdOp& op : blob_puts("routing/snap/" + blob_name(version, ref), bytes)) {
    if (Status s = etcd_.put(op.key, op.value).status(); !s.is_ok()) return s;
    (void)keep_leadership();
  }
  return ref;
}

Result<PublishReply> EtcdStore::rebase(const Pointer& current, std::uint64_t base_version,
                                       const BlobRef& base, std::int64_t expected) {
  if (leader_lease_ == 0) return PublishReply{.outcome = PublishOutcome::kNotLeader};
  const std::optional<Pointer> pointer = rebased_pointer(current, base_version, base);
  if (!pointer) return PublishReply{.outcome = PublishOutcome::kConflict};
  return move_pointer({}, *pointer, expected);
}

// Blobs that fit in one request (etcd's default limit is 1.5 MiB) go in the pointer's txn:
// one request and one etcd fsync per publication; larger ones are written first.
Result<PublishReply> EtcdStore::move_pointer(std::vector<EtcdOp> chunks, const Pointer& pointer,
                                             std::int64_t expected) {
  std::size_t bytes = 0;
  for (const EtcdOp& op : chunks)
    bytes += op.value.size();
  std::vector<EtcdOp> success;
  if (bytes <= kChunkBytes) {
    success = std::move(chunks);
  } else {
    for (const EtcdOp& op : chunks) {
      if (Status s = etcd_.put(op.key, op.value).status(); !s.is_ok()) return s;
      // Tens of chunks can outlast a short lease: keep the leadership while writing them.
      if (Status s = etcd_.keep_alive(leader_lease_); !s.is_ok()) return s;
    }
  }
  success.push_back(
      {.kind = EtcdOp::Kind::kPut, .key = key("routing/current"), .value = pointer_json(pointer)});
  const std::vector<EtcdCompare> compare = {
      {.key = key("routing/current"), .target = EtcdCompare::Target::kMod, .revision = expected},
      {.key = key("leader"),
       .target = EtcdCompare::Target::kCreate,
       .revision = leader_create_revision_}};
  Result<EtcdTxnResult> txn =
      etcd_.txn(compare, success, {{.kind = EtcdOp::Kind::kRange, .key = key("leader")}});
  if (!txn.is_ok()) return txn.status();
  // The txn's own revision is the pointer's new mod revision (it put the pointer).
  if (txn->succeeded)
    return PublishReply{.outcome = PublishOutcome::kPublished, .revision = txn->revision};
  const bool still_leader =
      !txn->kvs.empty() && txn->kvs.front().create_revision == leader_create_revision_;
  if (!still_leader) {
    leader_lease_ = 0;
    return PublishReply{.outcome = PublishOutcome::kNotLeader};
  }
  return PublishReply{.outcome = PublishOutcome::kConflict};
}

Result<Leadership> EtcdStore::campaign(const std::string& address) {
  if (leader_lease_ != 0) {
    if (etcd_.keep_alive(leader_lease_).is_ok())
      return Leadership{.leader = true, .leader_address = address};
    leader_lease_ = 0;  // expired: whoever holds the key now leads
  }
  Result<EtcdRange> current = etcd_.range(key("leader"));
  if (!current.is_ok()) return current.status();
  if (!current->kvs.empty())
    return Leadership{.leader = false, .leader_address = current->kvs.front().value};
  Result<std::int64_t> lease = etcd_.grant_lease(options_.lease_seconds);
  if (!lease.is_ok()) return lease.status();
  Result<EtcdTxnResult> txn = etcd_.txn(
      {{.key = key("leader"), .target = EtcdCompare::Target::kCreate, .revision = 0}},
      {{.kind = EtcdOp::Kind::kPut, .key = key("leader"), .value = address, .lease = *lease}},
      {{.kind = EtcdOp::Kind::kRange, .key = key("leader")}});
  if (!txn.is_ok()) return txn.status();
  if (!txn->succeeded) {
    (void)etcd_.revoke_lease(*lease);
    return Leadership{.leader = false,
                      .leader_address = txn->kvs.empty() ? std::string() : txn->kvs.front().value};
  }
  leader_lease_ = *lease;
  leader_create_revision_ = txn->revision;
  return Leadership{.leader = true, .leader_address = address};
}

}  // namespace

std::unique_ptr<Store> make_etcd_store(HttpUrl url, const StoreOptions& options) {
  return std::make_unique<EtcdStore>(std::move(url), options);
}

}  // namespace cellkit::live

// etcd 3.4's v3 API through its JSON gateway (no gRPC): range, put, txn, delete, leases,
// compaction and watches. Keys and values cross as base64, 64-bit integers as JSON strings,
// and fields at their default value are absent; this client hides all three.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/live/http_client.h"

namespace cellkit::live {

struct EtcdKv {
  std::string key;
  std::string value;
  std::int64_t create_revision = 0;
  std::int64_t mod_revision = 0;
  std::int64_t lease = 0;
};

struct EtcdRange {
  std::int64_t revision = 0;  // the store's revision the range was read at
  std::vector<EtcdKv> kvs;    // sorted by key
};

// One condition of a txn: the key's create or mod revision equals `revision` (0 = absent).
struct EtcdCompare {
  enum class Target { kCreate, kMod };
  std::string key;
  Target target = Target::kMod;
  std::int64_t revision = 0;
};

// One operation of a txn branch.
struct EtcdOp {
  enum class Kind { kPut, kRange, kDelete };
  Kind kind = Kind::kPut;
  std::string key;
  std::string value;       // kPut only
  std::int64_t lease = 0;  // kPut only; 0 = none
};

struct EtcdTxnResult {
  bool succeeded = false;
  std::int64_t revision = 0;
  std::vector<EtcdKv> kvs;  // what the taken branch's ranges read, in order
};

enum class EtcdWatchEnd {
  kEvent,     // the key changed (put or delete) at or after the start revision
  kCanceled,  // the server cancelled the watch (e.g. the start revision was compacted)
  kEnded,     // the stream ended without an event
  kDeadline,  // nothing happened before the deadline
};

struct EtcdWatchResult {
  EtcdWatchEnd end = EtcdWatchEnd::kDeadline;
  std::int64_t compact_revision = 0;  // set when cancelled by compaction
};

// Every call is bounded by `timeout` (watches by their deadline). Failures (unreachable,
// timed out, an error answer) are kFailedPrecondition naming the url and etcd's message.
// Safe from several threads at once: each call opens its own connection, and cancel() ends
// every call in flight.
class EtcdClient {
 public:
  EtcdClient(HttpUrl url, std::chrono::milliseconds timeout)
      : url_(std::move(url)), timeout_(timeout), canceller_(std::make_shared<CallCanceller>()) {}

  const HttpUrl& url() const { return url_; }
  // From any thread: ends the call in flight (a watch included) and fails every later one.
  void cancel() { canceller_->cancel(); }

  // The key, or with `prefix` every key starting with it; at `revision` (0 = latest).
  Result<EtcdRange> range(std::string_view key, bool prefix = false, std::int64_t revision = 0,
                          bool keys_only = false);
  // Returns the revision of the put.
  Result<std::int64_t> put(std::string_view key, std::string_view value, std::int64_t lease = 0);
  // Returns how many keys were deleted.
  Result<std::int64_t> erase(std::string_view key, bool prefix = false);
  Result<EtcdTxnResult> txn(const std::vector<EtcdCompare>& compare,
                            const std::vector<EtcdOp>& success, const std::vector<EtcdOp>& failure);
  // Grants a lease of `ttl` seconds and returns its id.
  Result<std::int64_t> grant_lease(std::int64_t ttl);
  // Refreshes the lease; fails when it has expired (etcd answers a TTL of 0 or none).
  Status keep_alive(std::int64_t lease);
  Status revoke_lease(std::int64_t lease);
  Status compact(std::int64_t revision);
  // Watches `key` from `start_revision` (0 = from now) until its first event, a cancel, the
  // stream's end or the deadline. `once_created`, if given, runs once when etcd says the
  // watch exists; true ends the watch as an event (the caller's check found a change made
  // before the watch began).
  Result<EtcdWatchResult> watch(std::string_view key, std::int64_t start_revision,
                                std::chrono::steady_clock::time_point deadline,
                                const std::function<bool()>& once_created = {});

 private:
  HttpUrl url_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<CallCanceller> canceller_;
};

// Base64 (RFC 4648, padded), as the gateway sends keys and values.
std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);

}  // namespace cellkit::live

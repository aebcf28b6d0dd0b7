// State of a running router: what its threads share, and what each thread owns.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "cellkit/live/health_board.h"
#include "cellkit/live/router_options.h"
#include "cellkit/live/snapshot_holder.h"
#include "live/asio_types.h"
#include "live/attempts.h"
#include "live/thread_metrics.h"
#include "live/upstream_pool.h"

namespace cellkit::live {

class Session;

// One structured line per request, when --access-log is on. Lines are whole (a mutex
// serialises them); off by default.
class AccessLog {
 public:
  Status open(const std::string& path);
  bool on() const { return file_ != nullptr; }
  void write(std::string_view line);
  ~AccessLog();

 private:
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
};

struct Shared {
  explicit Shared(RouterOptions o);

  RouterOptions options;
  SnapshotHolder snapshots;
  HealthBoard board;
  SharedQuarantine quarantine;
  AccessLog access_log;
  std::atomic<bool> draining{false};
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // Unix ms since when the followed store has been unreachable; 0: reachable or no store.
  // Copied from the follower's status by the admin thread.
  std::atomic<std::int64_t> store_stale_since_ms{0};

  // The X-Cellkit-Stale value, "<seconds>s", once the store has been unreachable for
  // options.stale_after; empty otherwise (one relaxed load on the request path).
  std::string stale_marker() const {
    const std::int64_t since = store_stale_since_ms.load(std::memory_order_relaxed);
    return since == 0 ? std::string() : stale_marker_since(since);
  }
  std::string stale_marker_since(std::int64_t since_ms) const;

  // Core's clock for quarantines: microseconds since the router started.
  TimePoint now() const {
    return TimePoint(
        std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started));
  }
};

// One thread: its io_context, its acceptor (SO_REUSEPORT), its sessions, its pools, its
// cached table and health view, its counters. Only that thread touches it, except the
// counters (read by the admin thread) and drain() (posted to it).
class Worker {
 public:
  Worker(Shared& shared, const tcp::endpoint& listen);
  ~Worker();

  // Starts accepting; run() runs the io_context until stopped.
  void start();
  void run() { ioc_.run(); }
  void stop() { ioc_.stop(); }
  // Stops accepting and closes idle connections (posted to the worker's thread).
  void drain();
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  Shared& shared() { return shared_; }
  ThreadMetrics& metrics() { return metrics_; }
  Executor executor() { return ioc_.get_executor(); }

  // The table and health view, refreshed when the shared ones moved (an atomic load each).
  const std::shared_ptr<const RoutingTable>& table();
  const HealthView& health();
  // The pool for a cell of the current table; nullptr when its endpoint is unusable.
  std::shared_ptr<CellPool> pool(const RoutingTable& table, CellId cell);

  // Requests in flight per cell on this thread: spread's load view.
  void start_attempt(CellId cell) {
    if (raw(cell) >= in_flight_.size()) in_flight_.resize(raw(cell) + 1, 0);
    ++in_flight_[raw(cell)];
  }
  void end_attempt(CellId cell) { --in_flight_[raw(cell)]; }
  struct InFlight {
    const std::vector<std::uint32_t>* counts;
    std::uint64_t operator()(CellId cell) const {
      return raw(cell) < counts->size() ? (*counts)[raw(cell)] : 0;
    }
  };
  InFlight load() const { return {&in_flight_}; }
  std::uint64_t next_request_key() { return ++requests_; }

  void add_session(Session* s) { sessions_.insert(s); }
  void remove_session(Session* s) { sessions_.erase(s); }
  std::size_t sessions() const { return sessions_.size(); }

 private:
  void accept();
  // Every kSweep: cuts the operations whose connection's deadline passed.
  void sweep();

  // Order matters: sessions still pending when the io_context is destroyed are destroyed
  // with it, and they touch metrics_, sessions_ and in_flight_, which must outlive it.
  Shared& shared_;
  ThreadMetrics metrics_;
  std::unordered_set<Session*> sessions_;
  std::vector<std::uint32_t> in_flight_;                        // by cell id
  net::io_context ioc_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};  // sockets: this thread only
  Acceptor acceptor_;
  Timer sweep_timer_;
  std::shared_ptr<const RoutingTable> table_;
  std::uint64_t table_generation_ = 0;
  HealthView health_;
  std::uint64_t health_generation_ = 0;
  std::vector<std::shared_ptr<CellPool>> pools_;  // by cell id
  std::uint64_t requests_ = 0;
};

}  // namespace cellkit::live

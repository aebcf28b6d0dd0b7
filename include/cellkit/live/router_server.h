// `cellkit router` as a library: an HTTP/1.1 cell router. Client listener (one thread per
// --threads, each with its own io_context and SO_REUSEPORT acceptor) and an admin listener
// (/admin/healthz, /admin/ready, /admin/routing, /metrics, PUT /admin/snapshot) with the
// active health checks, on the thread that calls run().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/live/router_options.h"
#include "cellkit/live/snapshot_holder.h"

namespace cellkit::live {

class RouterServer {
 public:
  // Validates the options, opens the access log, binds both listeners, serves the snapshot
  // persisted in the state directory (if any) and then offers --snapshot (taken when it is
  // newer). Errors name the bad option, address or file. A router without any snapshot
  // starts anyway and is not ready (503 not_ready) until one is offered. With --control or
  // --etcd it follows that store from run() on, offering each new version on the same path.
  static Result<std::unique_ptr<RouterServer>> create(RouterOptions options);
  ~RouterServer();
  RouterServer(const RouterServer&) = delete;
  RouterServer& operator=(const RouterServer&) = delete;

  std::string listen_address() const;  // "HOST:PORT", the port actually bound
  std::string admin_address() const;   // empty without an admin listener
  // What create() did about snapshots, one line each, for the operator.
  const std::vector<std::string>& notes() const;
  // The one offer path (PUT /admin/snapshot and every snapshot source use it).
  SnapshotHolder& snapshots();

  // Serves until stop() or, when `handle_signals`, SIGTERM or SIGINT; then drains: stops
  // accepting, closes idle connections, lets in-flight requests finish (up to the drain
  // timeout) and returns.
  void run(bool handle_signals);
  // Starts the drain; callable from any thread.
  void stop();

  struct Impl;

 private:
  explicit RouterServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellkit::live

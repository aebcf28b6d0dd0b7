// RouterServer's insides, shared by its lifecycle and its admin and health-check side.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cellkit/live/router_server.h"
#include "cellkit/live/store_follower.h"
#include "live/router_state.h"

namespace cellkit::live {

struct RouterServer::Impl {
  explicit Impl(RouterOptions options) : shared(std::move(options)) {}

  Shared shared;
  std::vector<std::unique_ptr<Worker>> workers;
  net::io_context admin_ioc{1};
  std::optional<tcp::acceptor> admin_acceptor;
  std::string listen_address;
  std::string admin_address;
  std::vector<std::string> notes;
  // Following a store (--control or --etcd); null otherwise.
  std::unique_ptr<StoreFollower> follower;
  std::string store_source;  // "etcd:http://..." or "control:http://..."
  std::string router_id;
};

// Starts the admin listener (when bound), the active health checks and the health tick on
// impl.admin_ioc.
void start_admin(RouterServer::Impl& impl);
// Opens the store the options name (--control or --etcd; nothing without either) and makes
// the follower that offers its versions to impl.shared.snapshots; `port` names the router
// when --router-id is not given. Errors name the bad url or fleet.
Status follow_store(RouterServer::Impl& impl, std::uint16_t port);
// Starts the follower's thread and the admin-thread copy of its staleness; stop joins it.
void start_following(RouterServer::Impl& impl);
void stop_following(RouterServer::Impl& impl);
// The Prometheus text of /metrics and the JSON of /admin/routing.
std::string render_metrics(RouterServer::Impl& impl);
std::string render_routing(RouterServer::Impl& impl);

}  // namespace cellkit::live

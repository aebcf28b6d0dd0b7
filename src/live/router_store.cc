// The router's link to a store (--control or --etcd): the follower it runs, the staleness it
// shows on responses, and what it reports in /metrics and /admin/routing.
#include <unistd.h>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cellkit/base/hash.h"
#include "cellkit/live/control_source.h"
#include "cellkit/live/http_client.h"
#include "live/router_impl.h"
#include "live/stores.h"

namespace cellkit::live {
namespace {

// How long a router's store calls may take, and how long one watch (or long-poll) lasts;
// stopping interrupts a watch in flight, so its length costs nothing at shutdown.
constexpr std::chrono::milliseconds kStoreTimeout{2000};
constexpr std::chrono::milliseconds kWatchWait{10000};

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "router";
  return name;
}

Result<std::unique_ptr<Store>> open_source(const RouterOptions& o) {
  if (!o.etcd_url.empty()) {
    return open_store("etcd:" + o.etcd_url, {.fleet = o.fleet, .timeout = kStoreTimeout});
  }
  Result<HttpUrl> url = parse_http_url(o.control_url);
  if (!url.is_ok()) return url.status();
  return make_control_source(*url, kStoreTimeout);
}

}  // namespace

std::string Shared::stale_marker_since(std::int64_t since_ms) const {
  const std::int64_t age_ms = unix_ms_now() - since_ms;
  if (age_ms < options.stale_after.count()) return {};
  return fmt::format("{}s", age_ms / 1000);
}

Status follow_store(RouterServer::Impl& impl, std::uint16_t port) {
  const RouterOptions& o = impl.shared.options;
  if (o.control_url.empty() && o.etcd_url.empty()) return Status::ok();
  Result<std::unique_ptr<Store>> store = open_source(o);
  if (!store.is_ok()) return store.status();
  impl.store_source = (*store)->describe();
  impl.router_id = o.router_id.empty() ? fmt::format("{}-{}", host_name(), port) : o.router_id;
  SnapshotHolder& holder = impl.shared.snapshots;
  impl.follower = std::make_unique<StoreFollower>(
      std::move(store).value(), [&holder](FlatSnapshot&& s) { return holder.offer(std::move(s)); },
      FollowerOptions{
          .router_id = impl.router_id, .watch_wait = kWatchWait, .seed = hash64(impl.router_id)},
      holder.table()->version(),
      [&holder](std::vector<RoutingDelta>&& chain) {
        return holder.offer_deltas(std::move(chain));
      });
  impl.notes.push_back(fmt::format("following {} as router {}{}", impl.store_source, impl.router_id,
                                   o.etcd_url.empty() ? "" : fmt::format(" (fleet {})", o.fleet)));
  return Status::ok();
}

namespace {

// Copies the follower's staleness where the request path reads it, five times a second.
net::awaitable<void> store_tick(RouterServer::Impl& impl) {
  net::steady_timer timer(impl.admin_ioc);
  while (!impl.shared.draining) {
    impl.shared.store_stale_since_ms.store(impl.follower->status().stale_since_ms,
                                           std::memory_order_relaxed);
    timer.expires_after(std::chrono::milliseconds(200));
    auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    if (ec) co_return;
  }
}

}  // namespace

void start_following(RouterServer::Impl& impl) {
  if (!impl.follower) return;
  impl.follower->start();
  net::co_spawn(impl.admin_ioc, store_tick(impl), net::detached);
}

void stop_following(RouterServer::Impl& impl) {
  if (impl.follower) impl.follower->stop();
}

}  // namespace cellkit::live

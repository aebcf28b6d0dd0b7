// The router's lifecycle: create (bind, restore, load), run (threads), drain, stop.
#include "cellkit/live/router_server.h"

#include "cellkit/base/cut.h"

#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cellkit/io/file.h"
#include "cellkit/io/mapping_file.h"
#include "live/router_impl.h"

namespace cellkit::live {
namespace {

Result<tcp::endpoint> endpoint_of(const std::string& text) {
  Result<HostPort> hp = parse_listen_address(text);
  if (!hp.is_ok()) return hp.status();
  error_code ec;
  const net::ip::address address = net::ip::make_address(hp->host, ec);
  if (ec) {
    return invalid_argument(
        fmt::format("address '{}': '{}' is not an IP address (for example 127.0.0.1)", cut(text),
                    cut(hp->host)));
  }
  return tcp::endpoint(address, hp->port);
}

std::string text_of(const tcp::endpoint& e) {
  return e.address().is_v6() ? fmt::format("[{}]:{}", e.address().to_string(), e.port())
                             : fmt::format("{}:{}", e.address().to_string(), e.port());
}

Status load_snapshots(RouterServer::Impl& impl) {
  Shared& s = impl.shared;
  if (!s.options.state_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(s.options.state_dir, ec);
    if (ec) {
      return failed_precondition(
          fmt::format("--state-dir '{}' cannot be created: {}", s.options.state_dir, ec.message()));
    }
    Result<bool> restored = s.snapshots.restore();
    if (!restored.is_ok()) {
      impl.notes.push_back(
          fmt::format("persisted snapshot not served: {}", restored.status().message()));
    } else if (*restored) {
      impl.notes.push_back(fmt::format("serving persisted snapshot version {} from {}",
                                       s.snapshots.table()->version(),
                                       s.snapshots.persisted_path()));
    }
  }
  if (s.options.snapshot_file.empty()) return Status::ok();
  Result<std::string> bytes = read_file(s.options.snapshot_file);
  if (!bytes.is_ok()) {
    if (s.snapshots.ready()) {
      impl.notes.push_back(fmt::format("--snapshot not read ({}); keeping the persisted one",
                                       bytes.status().message()));
      return Status::ok();
    }
    return bytes.status();
  }
  const OfferResult r = s.snapshots.offer_bytes(std::move(bytes).value(), s.options.snapshot_file);
  if (r.accepted()) {
    impl.notes.push_back(
        fmt::format("serving snapshot version {} from {}", r.serving, s.options.snapshot_file));
  } else if (s.snapshots.ready()) {
    impl.notes.push_back(fmt::format("{} not taken: {}", s.options.snapshot_file, r.reason));
  } else {
    return invalid_argument(fmt::format("{} refused: {}", s.options.snapshot_file, r.reason));
  }
  return Status::ok();
}

}  // namespace

RouterServer::RouterServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RouterServer::~RouterServer() = default;

Result<std::unique_ptr<RouterServer>> RouterServer::create(RouterOptions options) {
  if (Status s = options.validate(); !s.is_ok()) return s;
  auto impl = std::make_unique<Impl>(std::move(options));
  Shared& shared = impl->shared;
  if (Status s = shared.access_log.open(shared.options.access_log); !s.is_ok()) return s;
  Result<tcp::endpoint> listen = endpoint_of(shared.options.listen);
  if (!listen.is_ok()) return listen.status();
  try {
    for (unsigned t = 0; t < shared.options.threads; ++t) {
      impl->workers.push_back(std::make_unique<Worker>(shared, *listen));
      // Port 0: the first thread picks a port, the others share it (SO_REUSEPORT).
      if (t == 0) listen->port(impl->workers[0]->port());
    }
    impl->listen_address = text_of(*listen);
    if (!shared.options.admin.empty()) {
      Result<tcp::endpoint> admin = endpoint_of(shared.options.admin);
      if (!admin.is_ok()) return admin.status();
      impl->admin_acceptor.emplace(impl->admin_ioc, *admin);
      impl->admin_address = text_of(impl->admin_acceptor->local_endpoint());
    }
  } catch (const boost::system::system_error& e) {
    return failed_precondition(fmt::format("cannot listen: {}", e.code().message()));
  }
  if (Status s = load_snapshots(*impl); !s.is_ok()) return s;
  if (Status s = follow_store(*impl, listen->port()); !s.is_ok()) return s;
  return std::unique_ptr<RouterServer>(new RouterServer(std::move(impl)));
}

std::string RouterServer::listen_address() const {
  return impl_->listen_address;
}
std::string RouterServer::admin_address() const {
  return impl_->admin_address;
}
const std::vector<std::string>& RouterServer::notes() const {
  return impl_->notes;
}
SnapshotHolder& RouterServer::snapshots() {
  return impl_->shared.snapshots;
}

void RouterServer::stop() {
  net::post(impl_->admin_ioc, [impl = impl_.get()] {
    if (impl->shared.draining.exchange(true)) return;
    if (impl->admin_acceptor) {
      error_code ignored;
      impl->admin_acceptor->close(ignored);
    }
    for (auto& w : impl->workers)
      w->drain();
    // Wait for the connections to finish, up to the drain timeout.
    auto timer = std::make_shared<net::steady_timer>(impl->admin_ioc);
    const auto deadline = std::chrono::steady_clock::now() + impl->shared.options.drain_timeout;
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [impl, timer, deadline, poll] {
      std::uint64_t open = 0;
      for (auto& w : impl->workers)
        open += w->metrics().connections.load(std::memory_order_relaxed);
      if (open == 0 || std::chrono::steady_clock::now() >= deadline) {
        for (auto& w : impl->workers)
          w->stop();
        impl->admin_ioc.stop();
        *poll = nullptr;  // breaks the cycle
        return;
      }
      timer->expires_after(std::chrono::milliseconds(10));
      timer->async_wait([poll](error_code) {
        if (*poll) (*poll)();
      });
    };
    (*poll)();
  });
}

void RouterServer::run(bool handle_signals) {
  Impl& impl = *impl_;
  std::optional<net::signal_set> signals;
  if (handle_signals) {
    signals.emplace(impl.admin_ioc, SIGTERM, SIGINT);
    signals->async_wait([this](error_code ec, int) {
      if (!ec) stop();
    });
  }
  start_admin(impl);
  start_following(impl);
  std::vector<std::thread> threads;
  for (auto& w : impl.workers) {
    w->start();
    Worker* worker = w.get();
    threads.emplace_back([worker] { worker->run(); });
  }
  impl.admin_ioc.run();
  for (auto& w : impl.workers)
    w->stop();
  for (std::thread& t : threads)
    t.join();
  stop_following(impl);
}

}  // namespace cellkit::live

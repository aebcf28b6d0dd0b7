// `cellkit control`: the control plane as an HTTP/JSON service over a store.
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <iostream>
#include <thread>

#include "cellkit/live/control_service.h"
#include "commands.h"
#include "help.h"
#include "option_checks.h"

namespace cellkit::cli {
namespace {

constexpr std::size_t kControlConnections = 1024;  // see docs/control-api.md

struct ControlArgs {
  std::string listen = "127.0.0.1:7000";
  std::string store;
  std::string fleet = "default";
  std::int64_t lease_seconds = 15;
  std::uint32_t keep_versions = 10;
  PlacementOptions placement{.strategy = Strategy::kShuffle, .max_overlap = 1, .seed = 1};
};

// Ticks the service (leadership, versions from the other control plane) until stopped.
class Ticker {
 public:
  Ticker(live::ControlService& service, std::chrono::milliseconds every)
      : thread_([this, &service, every] {
          std::unique_lock lock(mutex_);
          while (!stop_) {
            lock.unlock();
            service.tick();
            lock.lock();
            wake_.wait_for(lock, every, [this] { return stop_; });
          }
        }) {}
  ~Ticker() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

int run_control(const ControlArgs& a) {
  if (Status s = validate(a.placement); !s.is_ok()) {
    std::cerr << "cellkit control: " << s.message() << "\n";
    return kExitUsage;
  }
  auto store = live::open_store(a.store, {.fleet = a.fleet, .lease_seconds = a.lease_seconds});
  if (!store.is_ok()) {
    std::cerr << "cellkit control: " << store.status().message() << "\n";
    return kExitUsage;
  }
  // SIGINT and SIGTERM are taken by sigwait below, so every thread must have them blocked.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // The service announces the address actually bound (port 0 becomes a real port), so it
  // exists only once the server listens; requests before that are answered 503.
  std::atomic<live::ControlService*> ready{nullptr};
  // Routers long-polling, and onboarding calls waiting to share a publication, each hold a
  // connection (and a thread) for a while.
  const live::HttpServerOptions server_options{.max_connections = kControlConnections};
  auto server = live::HttpServer::start(
      a.listen,
      [&](const live::ServiceRequest& r) {
        live::ControlService* service = ready.load();
        if (service == nullptr) return live::error_reply(503, "starting", "");
        return service->handle(r);
      },
      server_options);
  if (!server.is_ok()) {
    std::cerr << "cellkit control: " << server.status().message() << "\n";
    return kExitFailure;
  }
  live::ControlService service(std::move(store).value(), {.address = (*server)->address(),
                                                          .placement = a.placement,
                                                          .keep_versions = a.keep_versions});
  service.tick();
  ready = &service;
  std::cout << "listening on " << (*server)->address() << std::endl;
  std::cerr << fmt::format("cellkit control: fleet '{}' on {}; {}\n", a.fleet, a.store,
                           service.is_leader() ? "leader" : "follower");
  {
    Ticker ticker(service, std::chrono::milliseconds(
                               std::max<std::int64_t>(200, a.lease_seconds * 1000 / 5)));
    int signal = 0;
    sigwait(&signals, &signal);
  }
  service.shutdown();
  (*server)->stop();
  ready = nullptr;
  return kExitOk;
}

}  // namespace

void add_control_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ControlArgs>();
  CLI::App* cmd = add_command(
      app, {.name = "control",
            .summary = "Run the control plane as an HTTP/JSON service over a store (live mode)",
            .description =
                "Keeps the fleet's desired state in a store (a directory, or etcd for many "
                "machines) and publishes routing snapshots for the routers; the API is in "
                "docs/control-api.md. Prints 'listening on HOST:PORT' first. The placement "
                "options apply when the store holds no fleet yet; afterwards the stored "
                "fleet's own options are used. Two control planes on one store elect a leader; "
                "the other answers writes with 503 naming it. SIGTERM or Ctrl-C stops it.",
            .exit_codes = {exit_ok(), {1, "cannot listen on the address"}, exit_bad_option()}});
  cmd->add_option("--listen", args->listen, "HOST:PORT to serve the API on (port 0: any free)")
      ->capture_default_str();
  cmd->add_option("--store", args->store,
                  "file:DIR (one machine) or etcd:http://HOST:PORT (many machines)")
      ->required();
  cmd->add_option("--fleet", args->fleet, "Fleet name: keys live under /cellkit/v1/<fleet>/")
      ->capture_default_str();
  add_strategy_option(
      cmd, args->placement.strategy, kAllStrategies,
      "Placement strategy for a new fleet: random, least-loaded, rendezvous, shuffle, design, "
      "packing",
      /*list_in_help=*/false);
  cmd->add_option("--max-overlap", args->placement.max_overlap,
                  "shuffle: no two tenants share more than this many cells")
      ->capture_default_str();
  cmd->add_flag("--zone-aware", args->placement.zone_aware, "Spread each shard over zones");
  cmd->add_option("--capacity", args->placement.capacity,
                  "Most load per cell for cells without their own capacity (0: no limit)")
      ->capture_default_str();
  cmd->add_option("--seed", args->placement.seed, "Placement seed")->capture_default_str();
  cmd->add_option("--lease-seconds", args->lease_seconds,
                  "Leadership lease: a dead leader is replaced after at most this long")
      ->check(CLI::Range(2, 300))
      ->capture_default_str();
  cmd->add_option("--keep-versions", args->keep_versions,
                  "Snapshot versions kept in the store besides the current one and those "
                  "routers serve (0: keep all)")
      ->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run_control(*args); });
}

}  // namespace cellkit::cli

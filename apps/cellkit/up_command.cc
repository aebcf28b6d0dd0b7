// `cellkit up`: a local fleet to try live mode — cells and a router on loopback.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "cellkit/core/placement_ops.h"
#include "cellkit/io/placement_document.h"
#include "cellkit/live/local_fleet.h"
#include "cellkit/live/store_fleet.h"
#include "cellkit/sim/scenario_file.h"
#include "commands.h"
#include "live_support.h"
#include "option_checks.h"

namespace cellkit::cli {
namespace {

struct UpArgs {
  std::uint32_t cells = 3;
  std::uint32_t tenants = 10;
  std::uint32_t shard_size = 2;
  PlacementOptions placement{.strategy = Strategy::kRandom, .max_overlap = 1, .seed = 1};
  std::uint32_t crash_on_bags = 0;
  std::string recovery_time = "5s";
  unsigned threads = 1;
  std::uint16_t port = 0;
  std::uint32_t routers = 1;
  std::string store;  // "", "file" or "etcd"; "" with one router: routers read mapping.json
};

// A control plane and routers following a store, rather than one router on a mapping file.
bool follows_store(const UpArgs& a) {
  return a.routers > 1 || !a.store.empty();
}

live::LocalFleetOptions local_options(const UpArgs& a, const std::string& dir, Duration recovery) {
  live::LocalFleetOptions o;
  o.binary = self_path();
  o.dir = dir;
  if (a.crash_on_bags != 0) o.crash_on_bags = a.crash_on_bags;
  o.recovery_time = std::chrono::duration_cast<live::Millis>(recovery);
  o.router_port = a.port;
  o.router_flags = {"--threads", std::to_string(a.threads), "--health-interval", "1s"};
  return o;
}

int fail(int code, std::string_view message) {
  std::cerr << "cellkit up: " << message << "\n";
  return code;
}

std::string check(const UpArgs& a) {
  if (a.cells == 0) return "--cells must be at least 1";
  if (a.tenants == 0) return "--tenants must be at least 1";
  if (a.shard_size == 0 || a.shard_size > a.cells)
    return fmt::format("--shard-size ({}) must be from 1 to --cells ({})", a.shard_size, a.cells);
  if (a.placement.strategy == Strategy::kShuffle && a.placement.max_overlap >= a.shard_size)
    return fmt::format("--max-overlap ({}) must be less than --shard-size ({}) for shuffle",
                       a.placement.max_overlap, a.shard_size);
  if (a.threads == 0) return "--threads must be at least 1";
  if (a.routers == 0 || a.routers > 16)
    return fmt::format("--routers ({}) must be 1 to 16", a.routers);
  if (follows_store(a) && a.port != 0) return "--port applies to the single router without --store";
  return {};
}

void print_fleet(live::LocalFleet& fleet, const UpArgs& a, const PlaceReport& report) {
  live::Supervisor& s = fleet.supervisor();
  std::cout << fmt::format(
      "cellkit up: {} cells, {} tenants placed ({} refused), shard size {}, strategy {}, seed {}\n",
      a.cells, report.placed, report.refused, a.shard_size, to_string(a.placement.strategy),
      a.placement.seed);
  if (a.crash_on_bags != 0) {
    std::cout << fmt::format("cells crash on orders of {} bags and restart after {}\n",
                             a.crash_on_bags, a.recovery_time);
  }
  std::cout << fmt::format("  router   {}  admin {}  pid {}\n", to_string(fleet.router()),
                           fleet.admin().empty() ? "-" : fleet.admin(),
                           *s.pid_of(live::LocalFleet::kRouterName));
  for (const Cell& c : fleet.document().fleet.cells())
    std::cout << fmt::format("  {:<8} {}  pid {}\n", c.name, c.endpoint, *s.pid_of(c.name));
  std::cout << fmt::format("mapping: {}\n", fleet.mapping_path());
}

void print_examples(live::LocalFleet& fleet, const UpArgs& a) {
  const std::string url = fmt::format("http://{}", to_string(fleet.router()));
  const std::string tenant = fleet.document().tenants.front().name;
  std::cout << "try:\n"
            << fmt::format("  curl -si -H 'X-Tenant: {}' -d '{{\"bags\": 2}}' {}/orders\n", tenant,
                           url);
  if (a.crash_on_bags != 0) {
    std::cout << fmt::format(
        "  curl -si -H 'X-Tenant: {}' -d '{{\"bags\": {}}}' {}/orders   # kills the cell\n", tenant,
        a.crash_on_bags, url);
  }
  if (!fleet.admin().empty())
    std::cout << fmt::format("  curl -s http://{}/admin/routing\n", fleet.admin());
  std::cout << "Ctrl-C stops everything." << std::endl;
}

// Watches the fleet until a signal or a router's end ("router", "router-1", ...); true when
// a router ended.
bool supervise(live::Supervisor& s) {
  while (!stop_requested()) {
    for (const live::SupervisorEvent& e : s.poll()) {
      std::cout << describe(e, *s.spec_of(e.name)) << std::endl;
      if (e.name.starts_with(live::LocalFleet::kRouterName)) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Supervises until Ctrl-C or a router's end, then stops the whole fleet; the exit code.
template <class AnyFleet>
int supervise_then_stop(AnyFleet& fleet) {
  const bool router_ended = supervise(fleet.supervisor());
  std::cout << "stopping the fleet" << std::endl;
  fleet.stop(std::chrono::seconds(5));
  std::cout << "stopped" << std::endl;
  return router_ended ? kExitFailure : kExitOk;
}

void print_store_fleet(live::StoreFleet& fleet, const UpArgs& a) {
  live::Supervisor& s = fleet.supervisor();
  std::cout << fmt::format(
      "cellkit up: {} cells, {} tenants onboarded through the control plane (version {}), shard "
      "size {}, strategy {}, seed {}\n",
      a.cells, a.tenants, fleet.version(), a.shard_size, to_string(a.placement.strategy),
      a.placement.seed);
  std::cout << fmt::format("  store    {}\n", fleet.store_spec());
  if (fleet.etcd_pid()) {
    std::cout << fmt::format("  etcd     {}  pid {}\n", fleet.etcd_url().substr(7),
                             *fleet.etcd_pid());
  }
  std::cout << fmt::format("  control  {}  pid {}\n", to_string(fleet.control()),
                           *s.pid_of(live::StoreFleet::kControlName));
  for (const live::FleetRouter& r : fleet.routers()) {
    std::cout << fmt::format("  {} {}  admin {}  pid {}\n", r.name, to_string(r.endpoint), r.admin,
                             *s.pid_of(r.name));
  }
  for (const Cell& c : fleet.document().fleet.cells())
    std::cout << fmt::format("  {:<8} {}  pid {}\n", c.name, c.endpoint, *s.pid_of(c.name));
  const std::string tenant = fleet.document().tenants.front().name;
  std::cout << "try:\n"
            << fmt::format("  curl -si -H 'X-Tenant: {}' -d '{{\"bags\": 2}}' http://{}/orders\n",
                           tenant, to_string(fleet.routers().front().endpoint))
            << fmt::format(
                   "  curl -s -d '{{\"name\": \"new-tenant\", \"shard_size\": {}}}' "
                   "http://{}/v1/tenants\n",
                   a.shard_size, to_string(fleet.control()))
            << fmt::format("  curl -s http://{}/v1/routers\n", to_string(fleet.control()))
            << "Ctrl-C stops everything." << std::endl;
}

int run_with_store(const UpArgs& a, live::LocalFleetOptions local) {
  live::StoreFleetOptions o{
      .local = std::move(local),
      .etcd = a.store == "etcd",
      .routers = a.routers,
      .placement = {"--strategy", std::string(to_string(a.placement.strategy)), "--max-overlap",
                    std::to_string(a.placement.max_overlap), "--seed",
                    std::to_string(a.placement.seed)}};
  MappingDocument doc;
  doc.fleet = make_fleet(a.cells, 1);
  doc.tenants = make_tenants(a.tenants, a.shard_size);
  Result<std::unique_ptr<live::StoreFleet>> fleet = live::StoreFleet::start(std::move(doc), o);
  if (!fleet.is_ok()) return fail(kExitFailure, fleet.status().message());
  std::cout << "listening on " << to_string((*fleet)->routers().front().endpoint) << "\n";
  print_store_fleet(**fleet, a);
  return supervise_then_stop(**fleet);
}

int run(const UpArgs& a) {
  if (std::string problem = check(a); !problem.empty()) return fail(kExitUsage, problem);
  Result<Duration> recovery = sim::parse_duration(a.recovery_time);
  if (!recovery.is_ok()) return fail(kExitUsage, "--recovery-time: " + recovery.status().message());
  if (follows_store(a)) {
    catch_stop_signals();
    Result<TempDir> dir = TempDir::create("cellkit-up");
    if (!dir.is_ok()) return fail(kExitFailure, dir.status().message());
    return run_with_store(a, local_options(a, dir->path(), *recovery));
  }
  PlaceReport report;
  Result<Placement> p =
      place(make_fleet(a.cells, 1), make_tenants(a.tenants, a.shard_size), a.placement, &report);
  if (!p.is_ok()) return fail(kExitUsage, p.status().message());
  if (p->tenants.empty()) return fail(kExitFailure, "no tenant could be placed");
  catch_stop_signals();
  Result<TempDir> dir = TempDir::create("cellkit-up");
  if (!dir.is_ok()) return fail(kExitFailure, dir.status().message());
  Result<std::unique_ptr<live::LocalFleet>> fleet =
      live::LocalFleet::start(document_from(*p, {}), local_options(a, dir->path(), *recovery));
  if (!fleet.is_ok()) return fail(kExitFailure, fleet.status().message());
  std::cout << "listening on " << to_string((*fleet)->router()) << "\n";
  print_fleet(**fleet, a, report);
  print_examples(**fleet, a);
  return supervise_then_stop(**fleet);
}

}  // namespace

void add_up_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<UpArgs>();
  UpArgs& a = *args;
  CLI::App* cmd = app.add_subcommand(
      "up",
      "Run a local fleet to try live mode (cells and a router on loopback).\n"
      "It places tenants on cells, starts one `cellkit cell` process per cell and a `cellkit\n"
      "router` in front of them on free loopback ports, restarts crashed cells, and stops\n"
      "everything on Ctrl-C or SIGTERM.");
  cmd->footer(
      "Its first line on stdout is 'listening on HOST:PORT' (the router); then the addresses,\n"
      "pids and example curl lines; then one line per cell that dies or restarts.\n"
      "With --store (or --routers > 1) it runs the fleet as many machines would: a store (a\n"
      "directory, or a private etcd), `cellkit control` over it, the cells registered and the\n"
      "tenants onboarded through its API, and the routers following the store (docs/deploy.md).\n"
      "Example: cellkit up --cells 3 --tenants 10 --shard-size 2 --crash-on-bags 5\n"
      "Example: cellkit up --routers 2 --store etcd");
  cmd->add_option("--cells", a.cells, "Cells (processes) in the fleet (>= 1)")
      ->capture_default_str();
  cmd->add_option("--tenants", a.tenants, "Tenants, named tenant-0, tenant-1, ...")
      ->capture_default_str();
  cmd->add_option("--shard-size", a.shard_size, "Cells per tenant (1..cells)")
      ->capture_default_str();
  static constexpr Strategy kUpStrategies[] = {Strategy::kRandom, Strategy::kLeastLoaded,
                                               Strategy::kRendezvous, Strategy::kShuffle};
  add_strategy_option(cmd, a.placement.strategy, kUpStrategies,
                      "random | least-loaded | rendezvous | shuffle");
  cmd->add_option("--max-overlap", a.placement.max_overlap,
                  "shuffle: no two tenants share more than this many cells (< shard size)")
      ->capture_default_str();
  cmd->add_option("--seed", a.placement.seed, "Seed for placement")->capture_default_str();
  cmd->add_option("--crash-on-bags", a.crash_on_bags,
                  "An order of this many bags kills the cell handling it; 0 = never")
      ->capture_default_str();
  cmd->add_option("--recovery-time", a.recovery_time,
                  "How long a crashed cell stays down before it is restarted (ms, s, m)")
      ->capture_default_str();
  cmd->add_option("--threads", a.threads, "Router threads")->capture_default_str();
  cmd->add_option("--port", a.port, "Router port on 127.0.0.1; 0 picks a free one")
      ->capture_default_str();
  cmd->add_option("--routers", a.routers,
                  "Routers; more than one runs the control plane over a store (--store)")
      ->capture_default_str();
  cmd->add_option("--store", a.store,
                  "file (a directory; the default with --routers > 1) or etcd (a private etcd on "
                  "loopback ports): the control plane publishes there and the routers follow it")
      ->check(CLI::IsMember({"file", "etcd"}));
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace cellkit::cli

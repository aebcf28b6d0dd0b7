// `cellkit router`: the live HTTP cell router.
#include <iostream>
#include <memory>

#include "cellkit/live/router_server.h"
#include "cellkit/sim/scenario_file.h"
#include "commands.h"

namespace cellkit::cli {
namespace {

struct RouterArgs {
  live::RouterOptions options;
  std::string tenant_from = "header:X-Tenant";
  std::string routing = "first-healthy";
  // Durations as text ("250ms", "5s"), parsed in run().
  std::string header_timeout = "5s", body_timeout = "10s", idle_timeout = "60s";
  std::string connect_timeout = "1s", upstream_timeout = "15s";
  std::string ejection_time = "30s", ejection_max = "5m";
  std::string health_interval = "5s", health_timeout = "1s";
  std::string quarantine_for = "60s", drain_timeout = "10s";
  std::string stale_after = "10s";
};

// Parses each duration option into its field; names the option on failure.
bool durations(RouterArgs& a) {
  live::RouterOptions& o = a.options;
  const std::pair<const char*, std::pair<std::string*, live::Millis*>> fields[] = {
      {"--header-timeout", {&a.header_timeout, &o.header_timeout}},
      {"--body-timeout", {&a.body_timeout, &o.body_timeout}},
      {"--idle-timeout", {&a.idle_timeout, &o.idle_timeout}},
      {"--connect-timeout", {&a.connect_timeout, &o.connect_timeout}},
      {"--upstream-timeout", {&a.upstream_timeout, &o.upstream_timeout}},
      {"--ejection-time", {&a.ejection_time, &o.ejection_base}},
      {"--ejection-max", {&a.ejection_max, &o.ejection_max}},
      {"--health-interval", {&a.health_interval, &o.health_interval}},
      {"--health-timeout", {&a.health_timeout, &o.health_timeout}},
      {"--drain-timeout", {&a.drain_timeout, &o.drain_timeout}},
      {"--stale-after", {&a.stale_after, &o.stale_after}}};
  for (const auto& [flag, field] : fields) {
    Result<Duration> d = sim::parse_duration(*field.first);
    if (!d.is_ok()) {
      std::cerr << "cellkit router: " << flag << " '" << *field.first
                << "' is not a duration (for example 250ms, 5s, 1m)\n";
      return false;
    }
    *field.second = std::chrono::duration_cast<live::Millis>(*d);
  }
  Result<Duration> q = sim::parse_duration(a.quarantine_for);
  if (!q.is_ok()) {
    std::cerr << "cellkit router: --quarantine-for '" << a.quarantine_for
              << "' is not a duration (for example 250ms, 5s, 1m)\n";
    return false;
  }
  o.policy.quarantine_for = *q;
  return true;
}

int run(RouterArgs& args) {
  if (!durations(args)) return kExitUsage;
  Result<live::TenantSource> source = live::parse_tenant_source(args.tenant_from);
  if (!source.is_ok()) {
    std::cerr << "cellkit router: --tenant-from: " << source.status().message() << "\n";
    return kExitUsage;
  }
  args.options.tenant_from = *source;
  const std::optional<RoutingMode> mode = parse_routing_mode(args.routing);
  if (!mode) {
    std::cerr << "cellkit router: --routing '" << args.routing
              << "' is not a routing policy; use first-healthy or spread\n";
    return kExitUsage;
  }
  args.options.policy.routing = *mode;
  Result<std::unique_ptr<live::RouterServer>> server = live::RouterServer::create(args.options);
  if (!server.is_ok()) {
    std::cerr << "cellkit router: " << server.status().message() << "\n";
    return server.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  live::RouterServer& router = **server;
  std::cout << "listening on " << router.listen_address() << "\n";
  if (!router.admin_address().empty()) std::cout << "admin on " << router.admin_address() << "\n";
  for (const std::string& note : router.notes())
    std::cout << note << "\n";
  if (!router.snapshots().ready()) {
    std::cout << "no routing snapshot yet: answering 503 not_ready until one is offered\n";
  }
  std::cout.flush();
  router.run(/*handle_signals=*/true);
  std::cout << "drained; exiting\n";
  return kExitOk;
}

}  // namespace

void add_router_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RouterArgs>();
  live::RouterOptions& o = args->options;
  CLI::App* cmd = app.add_subcommand(
      "router",
      "Run a live HTTP/1.1 cell router in front of cell processes (live mode). Each request's\n"
      "tenant (the X-Tenant header by default) is looked up in the routing snapshot and the\n"
      "request is forwarded to the first healthy\n"
      "cell of the tenant's shard; a crash is never retried on another cell, a refused\n"
      "connection is retried inside the shard, and poison requests are quarantined.\n"
      "Snapshots come from --snapshot, PUT /admin/snapshot, or a store it follows (--control\n"
      "or --etcd); when the store is down it keeps routing on the last one, forever.\n"
      "Prints 'listening on HOST:PORT' first. SIGTERM drains and exits 0. See docs/live.md.");
  cmd->add_option("--listen", o.listen, "Client address HOST:PORT (port 0: a free one)")
      ->capture_default_str();
  cmd->add_option("--snapshot", o.snapshot_file,
                  "Routing snapshot to serve: a mapping JSON with cell endpoints, or a binary "
                  "snapshot (CKSNAP)");
  cmd->add_option("--state-dir", o.state_dir,
                  "Directory (created if missing) where every accepted snapshot is persisted; on "
                  "restart the persisted one is served at once (a newer --snapshot wins)");
  cmd->add_option("--control", o.control_url,
                  "Follow the control plane at http://HOST:PORT (long-poll GET /v1/snapshot); "
                  "each new version is validated whole, served, persisted and ACKed or NACKed")
      ->type_name("URL");
  cmd->add_option("--etcd", o.etcd_url,
                  "Follow the fleet's routing pointer in etcd at http://HOST:PORT (watch, "
                  "re-read, ACK/NACK on a lease); many routers on many machines")
      ->type_name("URL");
  cmd->add_option("--fleet", o.fleet, "With --etcd: the fleet whose keys are followed")
      ->capture_default_str();
  cmd->add_option("--router-id", o.router_id,
                  "Name of this router's ACK/NACK record (default: HOSTNAME-PORT)");
  cmd->add_option("--stale-after", args->stale_after,
                  "Once the store has been unreachable this long, responses carry "
                  "X-Cellkit-Stale: <seconds>s (routing goes on, on the last snapshot)")
      ->capture_default_str();
  cmd->add_option("--admin", o.admin,
                  "Admin address HOST:PORT: /admin/healthz, /admin/ready, /admin/routing, "
                  "/metrics, PUT /admin/snapshot");
  cmd->add_option("--threads", o.threads, "Threads, each with its own listener (SO_REUSEPORT)")
      ->capture_default_str();
  cmd->add_option("--tenant-from", args->tenant_from,
                  "Where the tenant is read: header:NAME, path (/t/<tenant>/...) or host (first "
                  "label)")
      ->capture_default_str();
  cmd->add_option("--routing", args->routing,
                  "first-healthy (a shard's first healthy cell) or spread (the less busy of two "
                  "of the shard's cells)")
      ->capture_default_str();
  cmd->add_option("--access-log", o.access_log, "One JSON line per request to FILE ('-': stdout)");
  cmd->add_option("--max-attempts", o.policy.max_attempts,
                  "Attempts per request (refused connections are retried inside the shard)")
      ->capture_default_str();
  cmd->add_option("--quarantine-after", o.policy.quarantine_after,
                  "Cell crashes by one request fingerprint before it is quarantined (0: never)")
      ->capture_default_str();
  cmd->add_option("--quarantine-for", args->quarantine_for,
                  "First quarantine; each relapse doubles it")
      ->capture_default_str();
  cmd->add_option("--eject-after-5xx", o.eject_after_5xx,
                  "5xx answers in a row that eject a cell (0: never)")
      ->capture_default_str();
  cmd->add_option("--ejection-time", args->ejection_time,
                  "First ejection; the n-th lasts n times this")
      ->capture_default_str();
  cmd->add_option("--ejection-max", args->ejection_max, "Longest ejection")->capture_default_str();
  cmd->add_option("--health-interval", args->health_interval,
                  "Active GET /healthz per cell, +-20% jitter (0s: off)")
      ->capture_default_str();
  cmd->add_option("--health-timeout", args->health_timeout, "Health check timeout")
      ->capture_default_str();
  cmd->add_option("--healthy-after", o.healthy_after,
                  "Passing checks before an ejected cell takes traffic again")
      ->capture_default_str();
  cmd->add_option("--unhealthy-after", o.unhealthy_after,
                  "Failing checks in a row that eject a healthy cell")
      ->capture_default_str();
  cmd->add_option("--header-timeout", args->header_timeout, "Client time to send a request head")
      ->capture_default_str();
  cmd->add_option("--body-timeout", args->body_timeout,
                  "Client time to send a body (and to take a response)")
      ->capture_default_str();
  cmd->add_option("--idle-timeout", args->idle_timeout, "Keep-alive time between requests")
      ->capture_default_str();
  cmd->add_option("--connect-timeout", args->connect_timeout, "Time to connect to a cell")
      ->capture_default_str();
  cmd->add_option("--upstream-timeout", args->upstream_timeout,
                  "Time for a cell to answer a sent request (then 504)")
      ->capture_default_str();
  cmd->add_option("--max-header-bytes", o.max_header_bytes, "Request line and headers (over: 431)")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", o.max_body_bytes, "Request body (over: 413)")
      ->capture_default_str();
  cmd->add_option("--max-snapshot-bytes", o.max_snapshot_bytes,
                  "Body of PUT /admin/snapshot (over: 413, the snapshot served is kept)")
      ->capture_default_str();
  cmd->add_option("--pool-idle", o.pool_idle, "Idle connections kept per cell and thread")
      ->capture_default_str();
  cmd->add_option("--pool-max", o.pool_max, "Open connections per cell and thread (over: 503)")
      ->capture_default_str();
  cmd->add_option("--drain-timeout", args->drain_timeout,
                  "On SIGTERM, time for in-flight requests to finish")
      ->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace cellkit::cli

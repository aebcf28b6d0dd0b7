// What the admin listener shows: /metrics (Prometheus text) and /admin/routing (JSON).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cellkit/live/prometheus_text.h"
#include "live/router_impl.h"
#include "live/stores.h"

namespace cellkit::live {
namespace {

using Clock = std::chrono::steady_clock;

double stale_seconds(const FollowerStatus& f) {
  if (f.stale_since_ms == 0) return 0;
  return static_cast<double>(unix_ms_now() - f.stale_since_ms) / 1000.0;
}

double age_seconds(const Shared& s) {
  if (!s.snapshots.ready()) return 0;
  return std::chrono::duration<double>(Clock::now() - s.snapshots.accepted_at()).count();
}

std::string cell_label(const RoutingTable& table, std::uint32_t id) {
  if (id == kTrackedCells) return "other";
  const std::string_view name = table.cell_name(CellId{id});
  return name.empty() ? std::to_string(id) : std::string(name);
}

std::uint64_t sum(RouterServer::Impl& impl, Counter ThreadMetrics::*field) {
  std::uint64_t total = 0;
  for (auto& w : impl.workers)
    total += (w->metrics().*field).load(std::memory_order_relaxed);
  return total;
}

void requests(RouterServer::Impl& impl, const RoutingTable& table, PrometheusText& out) {
  out.family("cellkit_router_requests_total", "counter",
             "Requests answered, by outcome and by the cell of their last attempt (\"\" when "
             "none was tried).");
  for (std::size_t o = 0; o < kLiveOutcomeCount; ++o) {
    const auto outcome = to_string(static_cast<LiveOutcome>(o));
    std::uint64_t none = 0;
    for (auto& w : impl.workers)
      none += w->metrics().no_cell[o].load(std::memory_order_relaxed);
    if (none > 0)
      out.sample("cellkit_router_requests_total", {{"outcome", outcome}, {"cell", ""}}, none);
    for (std::uint32_t c = 0; c <= kTrackedCells; ++c) {
      std::uint64_t n = 0;
      for (auto& w : impl.workers)
        n += w->metrics().by_cell[c][o].load(std::memory_order_relaxed);
      if (n == 0) continue;
      const std::string label = cell_label(table, c);
      out.sample("cellkit_router_requests_total", {{"outcome", outcome}, {"cell", label}}, n);
    }
  }
}

void latency(RouterServer::Impl& impl, PrometheusText& out) {
  std::array<std::uint64_t, kLatencyBounds.size() + 1> counts{};
  for (auto& w : impl.workers) {
    for (std::size_t b = 0; b < counts.size(); ++b)
      counts[b] += w->metrics().latency[b].load(std::memory_order_relaxed);
  }
  out.family("cellkit_router_request_duration_seconds", "histogram",
             "Time from a request's first byte to the end of its response.");
  out.histogram("cellkit_router_request_duration_seconds", kLatencyBounds, counts,
                static_cast<double>(sum(impl, &ThreadMetrics::latency_sum_us)) / 1e6);
}

void health(RouterServer::Impl& impl, const RoutingTable& table, PrometheusText& out) {
  const auto cells = impl.shared.board.cells(Clock::now());
  out.family("cellkit_router_cell_healthy", "gauge",
             "1 when the router sends traffic to the cell.");
  for (CellId c : table.cells()) {
    bool healthy = true;
    for (const CellHealth& h : cells)
      if (h.cell == c) healthy = h.healthy;
    out.sample("cellkit_router_cell_healthy", {{"cell", cell_label(table, raw(c))}},
               std::uint64_t{healthy && table.is_routable(c)});
  }
  out.family("cellkit_router_ejections_total", "counter", "Cells ejected, by cause.");
  for (EjectCause cause :
       {EjectCause::kCrash, EjectCause::kRefused, EjectCause::kErrors, EjectCause::kFailedChecks}) {
    out.sample("cellkit_router_ejections_total", {{"cause", to_string(cause)}},
               impl.shared.board.ejections(cause));
  }
}

void store(RouterServer::Impl& impl, PrometheusText& out) {
  const FollowerStatus f = impl.follower ? impl.follower->status() : FollowerStatus{};
  out.family("cellkit_store_connected", "gauge",
             "1 when the router's last call to the store it follows succeeded (0 as well when it "
             "follows none).");
  out.sample("cellkit_store_connected", {}, std::uint64_t{f.connected});
  out.family("cellkit_router_store_stale_seconds", "gauge",
             "Seconds since the store stopped answering (0 when it answers or there is none).");
  out.sample("cellkit_router_store_stale_seconds", {}, stale_seconds(f));
  out.family("cellkit_router_store_rejected_version", "gauge",
             "The last version the store offered and the router refused whole (0: none).");
  out.sample("cellkit_router_store_rejected_version", {}, f.rejected_delta ? 0 : f.rejected);
  out.family("cellkit_router_store_rejected_delta_version", "gauge",
             "The last version whose delta did not apply, read whole instead (0: none).");
  out.sample("cellkit_router_store_rejected_delta_version", {}, f.rejected_delta ? f.rejected : 0);
}

nlohmann::json store_json(RouterServer::Impl& impl) {
  if (!impl.follower) return nullptr;
  const FollowerStatus f = impl.follower->status();
  return {{"source", impl.store_source},
          {"router_id", impl.router_id},
          {"connected", f.connected},
          {"stale_since_ms", f.stale_since_ms},
          {"stale_seconds", stale_seconds(f)},
          {"applied", f.applied},
          {"rejected", f.rejected},
          {"rejected_as", rejected_as(f)},
          {"reason", f.reason},
          {"syncs", f.syncs},
          {"by_delta", f.by_delta},
          {"fallbacks", f.fallbacks}};
}

}  // namespace

std::string render_metrics(RouterServer::Impl& impl) {
  Shared& s = impl.shared;
  const auto table = s.snapshots.table();
  PrometheusText out;
  requests(impl, *table, out);
  latency(impl, out);
  out.family("cellkit_router_retries_total", "counter",
             "Attempts after a request's first (refused connections retried in the shard).");
  out.sample("cellkit_router_retries_total", {}, sum(impl, &ThreadMetrics::retries));
  out.family("cellkit_router_client_timeouts_total", "counter",
             "Client connections closed by a header, body or idle timeout.");
  out.sample("cellkit_router_client_timeouts_total", {},
             sum(impl, &ThreadMetrics::client_timeouts));
  out.family("cellkit_router_snapshot_version", "gauge", "Version of the routing snapshot served.");
  out.sample("cellkit_router_snapshot_version", {}, table->version());
  out.family("cellkit_router_snapshot_age_seconds", "gauge",
             "Seconds since the served snapshot was accepted.");
  out.sample("cellkit_router_snapshot_age_seconds", {}, age_seconds(s));
  out.family("cellkit_router_snapshot_rejected_total", "counter", "Snapshots offered and refused.");
  out.sample("cellkit_router_snapshot_rejected_total", {}, s.snapshots.rejected());
  store(impl, out);
  health(impl, *table, out);
  out.family("cellkit_router_quarantines_total", "counter",
             "Quarantines of a request fingerprint started (first ones and relapses).");
  out.sample("cellkit_router_quarantines_total", {}, s.quarantine.started());
  out.family("cellkit_router_client_connections", "gauge", "Client connections open.");
  out.sample("cellkit_router_client_connections", {}, sum(impl, &ThreadMetrics::connections));
  out.family("cellkit_router_upstream_connections", "gauge",
             "Connections to cells open, by state (idle in a pool or in use).");
  const std::uint64_t open = sum(impl, &ThreadMetrics::upstream_open);
  const std::uint64_t idle = sum(impl, &ThreadMetrics::upstream_idle);
  out.sample("cellkit_router_upstream_connections", {{"state", "idle"}}, idle);
  out.sample("cellkit_router_upstream_connections", {{"state", "in_use"}},
             open >= idle ? open - idle : 0);
  return out.text();
}

std::string render_routing(RouterServer::Impl& impl) {
  Shared& s = impl.shared;
  const auto table = s.snapshots.table();
  nlohmann::json j = {
      {"version", table->version()},        {"ready", s.snapshots.ready()},
      {"age_seconds", age_seconds(s)},      {"tenants", table->tenant_count()},
      {"rejected", s.snapshots.rejected()}, {"tenant_from", to_string(s.options.tenant_from)},
      {"state_dir", s.options.state_dir}};
  if (s.snapshots.rejected() > 0) j["last_rejection"] = s.snapshots.last_rejection();
  j["store"] = store_json(impl);
  const auto health = s.board.cells(Clock::now());
  nlohmann::json cells = nlohmann::json::array();
  for (CellId c : table->cells()) {
    nlohmann::json cell = {{"id", raw(c)},
                           {"name", table->cell_name(c)},
                           {"endpoint", table->cell_endpoint(c)},
                           {"routable", table->is_routable(c)},
                           {"healthy", true},
                           {"ejections", 0}};
    for (const CellHealth& h : health) {
      if (h.cell != c) continue;
      cell["healthy"] = h.healthy;
      cell["ejections"] = h.ejections;
      cell["ejected_for_ms"] = h.ejected_for.count();
    }
    cells.push_back(std::move(cell));
  }
  j["cells"] = std::move(cells);
  return j.dump(2) + "\n";
}

}  // namespace cellkit::live

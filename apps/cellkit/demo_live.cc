// `cellkit demo --live`: the seed's story delivered as real HTTP orders through a router to
// cell processes. The plan (placement, orders) and the telling (tally) are the simulator
// demo's own; only the deliveries come from the wire.
#include "demo_live.h"

#include <thread>

#include <fmt/format.h>

#include "cellkit/live/local_fleet.h"
#include "live_support.h"

namespace cellkit::cli {
namespace {

using namespace std::chrono_literals;

// The story's fleet and shards as the mapping the router serves.
MappingDocument demo_document(const DemoResult& plan) {
  MappingDocument doc;
  doc.strategy = "random";
  doc.seed = plan.options.seed;
  for (const DemoCell& c : plan.cells) {
    Cell cell;
    cell.id = c.id;
    cell.name = c.name;
    [[maybe_unused]] Status s = doc.fleet.add(cell);
  }
  for (const DemoTenant& t : plan.tenants) {
    doc.tenants.push_back(Tenant{
        .id = t.id, .name = t.name, .shard_size = static_cast<std::uint32_t>(t.cells.size())});
    doc.mapping.assign(t.id, t.cells);
  }
  return doc;
}

// The seed's router: one attempt, no quarantine, and a cell that died stays out (no
// restarts, no health checks bringing it back) for the whole story.
live::LocalFleetOptions demo_fleet_options(const std::string& dir) {
  live::LocalFleetOptions o;
  o.binary = self_path();
  o.dir = dir;
  o.crash_on_bags = kPoisonBags;
  o.restart_cells = false;
  o.router_flags = {"--threads",          "1",   "--max-attempts",    "1",
                    "--quarantine-after", "0",   "--health-interval", "0ms",
                    "--ejection-time",    "24h", "--ejection-max",    "24h"};
  return o;
}

// A crash the router reported must be a dead process: waits (at most 5 s) for a cell's
// process to end and returns that cell. The router's reply names no cell for a crash, or
// names the same one.
Result<CellId> dead_cell(live::LocalFleet& fleet) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const live::SupervisorEvent& e : fleet.supervisor().poll()) {
      for (const Cell& c : fleet.document().fleet.cells())
        if (c.name == e.name) return c.id;
    }
    std::this_thread::sleep_for(5ms);
  }
  return failed_precondition("the router said a cell crashed, but no cell process ended");
}

Status deliver(live::LocalFleet& fleet, DemoResult& plan) {
  for (DemoRequest& r : plan.requests) {
    Result<live::OrderReply> reply = live::send_order(fleet.router(), plan.tenant(r.tenant).name,
                                                      r.bags, fleet.document().fleet, 10s);
    if (!reply.is_ok()) return reply.status();
    r.delivery = reply->delivery;
    if (r.delivery.disposition != Disposition::kCellCrashed) continue;
    Result<CellId> dead = dead_cell(fleet);
    if (!dead.is_ok()) return dead.status();
    if (reply->cell_named && reply->delivery.cell != *dead) {
      return failed_precondition(fmt::format("the router said {} crashed, but {} died",
                                             plan.cell(reply->delivery.cell).name,
                                             plan.cell(*dead).name));
    }
    r.delivery.cell = *dead;
  }
  return Status::ok();
}

}  // namespace

Result<DemoResult> run_live_demo(const DemoOptions& options) {
  Result<DemoResult> plan = plan_demo(options);
  if (!plan.is_ok()) return plan.status();
  Result<TempDir> dir = TempDir::create("cellkit-demo");
  if (!dir.is_ok()) return dir.status();
  Result<std::unique_ptr<live::LocalFleet>> fleet =
      live::LocalFleet::start(demo_document(*plan), demo_fleet_options(dir->path()));
  if (!fleet.is_ok()) return fleet.status();
  Status delivered = deliver(**fleet, *plan);
  (*fleet)->stop(2s);
  if (!delivered.is_ok()) return delivered;
  tally_demo(*plan);
  return plan;
}

}  // namespace cellkit::cli

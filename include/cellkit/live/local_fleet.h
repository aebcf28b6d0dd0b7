// A whole fleet on this machine: one `cellkit cell` process per cell of a mapping and a
// `cellkit router` in front of them, under one Supervisor. `cellkit up` and `cellkit demo
// --live` run on it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cellkit/core/router.h"
#include "cellkit/io/mapping_file.h"
#include "cellkit/live/supervisor.h"

namespace cellkit::live {

struct LocalFleetOptions {
  std::string binary;                          // the cellkit CLI (runs `cell` and `router`)
  std::string dir;                             // an existing directory for mapping.json
  std::optional<std::uint32_t> crash_on_bags;  // every cell's --crash-on-bags
  bool restart_cells = true;                   // restart crashed cells after recovery_time
  Millis recovery_time{5000};
  std::uint16_t router_port = 0;          // 0 picks a free one
  std::vector<std::string> router_flags;  // more flags for `cellkit router`
};

class LocalFleet {
 public:
  // Starts a cell per cell of `doc` (same names, on free loopback ports), writes `doc`
  // with their endpoints to <dir>/mapping.json, and starts the router on it with an admin
  // listener. Fails naming the part that did not come up, and leaves nothing running.
  static Result<std::unique_ptr<LocalFleet>> start(MappingDocument doc,
                                                   const LocalFleetOptions& options);

  const Endpoint& router() const { return router_; }
  const std::string& admin() const { return admin_; }  // "HOST:PORT"; empty if none
  const std::string& mapping_path() const { return mapping_path_; }
  // The mapping the router serves (cells carry their endpoints).
  const MappingDocument& document() const { return doc_; }
  Supervisor& supervisor() { return supervisor_; }
  static constexpr const char* kRouterName = "router";

  // Stops the router, then the cells (SIGTERM, `grace` each, then SIGKILL).
  void stop(Millis grace) { supervisor_.stop_all(grace); }

 private:
  LocalFleet() = default;
  Status start_cells(const LocalFleetOptions& options);
  Status start_router(const LocalFleetOptions& options);

  Supervisor supervisor_;
  MappingDocument doc_;
  Endpoint router_;
  std::string admin_;
  std::string mapping_path_;
};

// Starts a `cellkit cell` per cell of `fleet` under `supervisor` (same names, free loopback
// ports, restarted per `options`) and records each one's endpoint in `fleet`.
Status start_cell_processes(Supervisor& supervisor, Fleet& fleet, const LocalFleetOptions& options);

// What a router answered to one order, as the core's Delivery.
struct OrderReply {
  Delivery delivery;
  bool cell_named = false;  // the reply named the cell (X-Cell); delivery.cell is it
};

// Sends one order ({"bags": N} as `tenant`) through a router and reads the reply: 200 →
// served by the cell named in X-Cell; X-Cellkit-Outcome cell_crashed → crashed (in the cell
// named by X-Cell, when the reply names one); no_healthy_cell → no healthy cell;
// unknown_tenant → unknown tenant. The routing version comes from
// X-Cellkit-Routing-Version. Any other reply or a failed call is an error naming it.
Result<OrderReply> send_order(const Endpoint& router, std::string_view tenant, std::uint32_t bags,
                              const Fleet& fleet, Millis timeout);

}  // namespace cellkit::live

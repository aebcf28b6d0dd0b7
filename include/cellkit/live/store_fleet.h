// A fleet on this machine run the way many machines run it: a store (a directory, or a
// private etcd), `cellkit control` over it, the cells registered and the tenants onboarded
// through its API, and several `cellkit router`s following the store. `cellkit up --routers N
// --store file|etcd` runs on it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cellkit/io/mapping_file.h"
#include "cellkit/live/local_etcd.h"
#include "cellkit/live/local_fleet.h"

namespace cellkit::live {

struct StoreFleetOptions {
  LocalFleetOptions local;             // binary, dir, cells' crash and restart, router_flags
  bool etcd = false;                   // a private etcd; false: the file store in dir/store
  std::uint32_t routers = 2;           // routers following the store
  std::vector<std::string> placement;  // flags for `cellkit control` (--strategy, --seed, ...)
};

struct FleetRouter {
  std::string name;   // "router-0", ...
  Endpoint endpoint;  // client traffic
  std::string admin;  // "HOST:PORT"
};

class StoreFleet {
 public:
  // Starts, in order: etcd (when asked), the control plane, a cell per cell of `doc` (each
  // registered with its endpoint), `doc`'s tenants onboarded in one batch (placed by the
  // control plane), then the routers (etcd: --etcd; file: --control), and waits until each
  // serves the published version (at most 15 s). Fails naming the part that did not come up,
  // and leaves nothing running.
  static Result<std::unique_ptr<StoreFleet>> start(MappingDocument doc,
                                                   const StoreFleetOptions& options);
  ~StoreFleet();

  const std::vector<FleetRouter>& routers() const { return routers_; }
  const Endpoint& control() const { return control_; }
  const std::string& store_spec() const { return store_spec_; }
  std::optional<pid_t> etcd_pid() const;
  std::string etcd_url() const { return etcd_ ? etcd_->url() : std::string(); }
  // Cells with their endpoints, and the tenants as asked (the control plane placed them).
  const MappingDocument& document() const { return doc_; }
  std::uint64_t version() const { return version_; }  // the version routers serve at start
  Supervisor& supervisor() { return supervisor_; }
  static constexpr const char* kControlName = "control";

  // Stops the routers, the control plane and the cells (SIGTERM, `grace` each, then
  // SIGKILL), then etcd.
  void stop(Millis grace);

 private:
  StoreFleet() = default;
  Status start_store(const StoreFleetOptions& options);
  Status start_control(const StoreFleetOptions& options);
  Status register_fleet();
  Status start_routers(const StoreFleetOptions& options);
  Status await_routers();

  std::unique_ptr<LocalEtcd> etcd_;  // outlives the supervisor's children
  Supervisor supervisor_;
  MappingDocument doc_;
  std::string store_spec_;
  Endpoint control_;
  std::vector<FleetRouter> routers_;
  std::uint64_t version_ = 0;
};

}  // namespace cellkit::live

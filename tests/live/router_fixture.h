// A fleet for router tests: real `cellkit cell` processes on loopback, a mapping with their
// endpoints in a temporary directory, and a `cellkit router` in front of them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "live/harness.h"

namespace cellkit::live::test {

struct TenantSpec {
  std::string name;
  std::vector<int> cells;  // indexes into the fleet's cells, preference order
};

class RouterFleet {
 public:
  // Starts `cells` cells named cell-0.. (each with `cell_args`) in a fresh temporary dir.
  explicit RouterFleet(int cells, std::vector<std::string> cell_args = {"--crash-on-bags", "5"});
  ~RouterFleet();

  // Writes the mapping (version 2, with endpoints and routing_version) and returns its path.
  std::string write_mapping(const std::vector<TenantSpec>& tenants, std::uint64_t version = 1,
                            const std::string& file = "mapping.json");
  // Starts the router with --snapshot (when given), an admin listener and fast health
  // settings, plus `extra` arguments; reads "listening on" and "admin on".
  void start_router(const std::string& snapshot, std::vector<std::string> extra = {});
  // Restarts cell i on the port it had (after a kill).
  void restart_cell(int i);

  Server& cell(int i) { return cells_[static_cast<std::size_t>(i)]; }
  ChildProcess& router() { return router_->process; }
  const Endpoint& router_endpoint() const { return router_->endpoint; }
  const Endpoint& admin() const { return admin_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::string state_dir() const { return (dir_ / "state").string(); }
  void stop_router() { router_.reset(); }

 private:
  std::filesystem::path dir_;
  std::vector<std::string> cell_args_;
  std::vector<Server> cells_;
  std::optional<Server> router_;
  Endpoint admin_;
};

}  // namespace cellkit::live::test

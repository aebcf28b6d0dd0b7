// StoreFleet: store, control plane, cells registered through the API, tenants onboarded,
// routers following the store.
#include "cellkit/live/store_fleet.h"

#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cellkit/base/cut.h"
#include "cellkit/live/http_client.h"
#include "live/control_api_call.h"

namespace cellkit::live {

using nlohmann::json;

Result<json> call_api(const Endpoint& control, std::string_view method, std::string_view target,
                      std::string body) {
  const HttpUrl url{.host = control.host, .port = control.port};
  Result<HttpResponse> r = http_call(url, method, target, std::move(body), Millis(10000));
  if (!r.is_ok()) return r.status();
  json answer = json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  if (r->status != 200 || !answer.is_object()) {
    return failed_precondition(fmt::format("control plane: {} {} answered {}: {}", method, target,
                                           r->status, cut(r->body, kQuotedBodyBytes)));
  }
  return answer;
}

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

StoreFleet::~StoreFleet() {
  stop(Millis(2000));
}

std::optional<pid_t> StoreFleet::etcd_pid() const {
  if (!etcd_ || !etcd_->running()) return std::nullopt;
  return etcd_->pid();
}

void StoreFleet::stop(Millis grace) {
  supervisor_.stop_all(grace);
  if (etcd_) etcd_->kill();
}

Status StoreFleet::start_store(const StoreFleetOptions& options) {
  if (!options.etcd) {
    store_spec_ = "file:" + (std::filesystem::path(options.local.dir) / "store").string();
    return Status::ok();
  }
  etcd_ = std::make_unique<LocalEtcd>(options.local.dir);
  if (Status s = etcd_->start(); !s.is_ok()) return s;
  store_spec_ = "etcd:" + etcd_->url();
  return Status::ok();
}

Status StoreFleet::start_control(const StoreFleetOptions& options) {
  ProcessSpec spec{.name = kControlName,
                   .argv = {options.local.binary, "control", "--store", store_spec_},
                   .restart = true,
                   .recovery_time = Millis(1000)};
  spec.argv.insert(spec.argv.end(), options.placement.begin(), options.placement.end());
  Result<Endpoint> ep = supervisor_.start(std::move(spec));
  if (!ep.is_ok()) return ep.status();
  control_ = *ep;
  return Status::ok();
}

// Every cell with its endpoint, then every tenant in one batch (one placement, one version).
Status StoreFleet::register_fleet() {
  for (const Cell& c : doc_.fleet.cells()) {
    const json body = {{"name", c.name}, {"endpoint", c.endpoint}};
    if (Result<json> r = call_api(control_, "POST", "/v1/cells", body.dump()); !r.is_ok())
      return r.status();
  }
  json tenants = json::array();
  for (const Tenant& t : doc_.tenants)
    tenants.push_back({{"name", t.name}, {"shard_size", t.shard_size}});
  Result<json> r = call_api(control_, "POST", "/v1/tenants", json{{"tenants", tenants}}.dump());
  if (!r.is_ok()) return r.status();
  version_ = (*r)["version"].get<std::uint64_t>();
  return Status::ok();
}

Status StoreFleet::start_routers(const StoreFleetOptions& options) {
  for (std::uint32_t i = 0; i < options.routers; ++i) {
    const std::string name = fmt::format("router-{}", i);
    const std::string state = (std::filesystem::path(options.local.dir) / name).string();
    ProcessSpec spec{.name = name,
                     .argv = {options.local.binary, "router", "--admin", "127.0.0.1:0",
                              "--state-dir", state, "--router-id", name}};
    if (etcd_) {
      spec.argv.insert(spec.argv.end(), {"--etcd", etcd_->url()});
    } else {
      spec.argv.insert(spec.argv.end(), {"--control", "http://" + to_string(control_)});
    }
    spec.argv.insert(spec.argv.end(), options.local.router_flags.begin(),
                     options.local.router_flags.end());
    Result<Endpoint> ep = supervisor_.start(std::move(spec));
    if (!ep.is_ok()) return ep.status();
    // The router's second line names its admin listener: "admin on HOST:PORT".
    Result<std::string> line = supervisor_.read_line(name, Millis(5000));
    constexpr std::string_view kAdmin = "admin on ";
    if (!line.is_ok() || !line->starts_with(kAdmin)) {
      return failed_precondition(fmt::format("{} did not name its admin listener", name));
    }
    routers_.push_back({.name = name, .endpoint = *ep, .admin = line->substr(kAdmin.size())});
  }
  return Status::ok();
}

// Until every router serves the version published by register_fleet (or a later one).
Status StoreFleet::await_routers() {
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  for (const FleetRouter& r : routers_) {
    Result<Endpoint> admin = parse_endpoint(r.admin);
    if (!admin.is_ok()) return admin.status();
    const HttpUrl url{.host = admin->host, .port = admin->port};
    for (;;) {
      Result<HttpResponse> ready = http_call(url, "GET", "/admin/ready", "", Millis(2000));
      if (ready.is_ok() && ready->status == 200) {
        const json j = json::parse(ready->body, nullptr, false);
        if (j.is_object() && j["version"].get<std::uint64_t>() >= version_) break;
      }
      if (Clock::now() >= deadline) {
        return failed_precondition(
            fmt::format("{} did not serve version {} within 15 s", r.name, version_));
      }
      std::this_thread::sleep_for(Millis(50));
    }
  }
  return Status::ok();
}

Result<std::unique_ptr<StoreFleet>> StoreFleet::start(MappingDocument doc,
                                                      const StoreFleetOptions& options) {
  std::unique_ptr<StoreFleet> fleet(new StoreFleet());
  fleet->doc_ = std::move(doc);
  Status s = fleet->start_store(options);
  if (s.is_ok()) s = fleet->start_control(options);
  if (s.is_ok()) s = start_cell_processes(fleet->supervisor_, fleet->doc_.fleet, options.local);
  if (s.is_ok()) s = fleet->register_fleet();
  if (s.is_ok()) s = fleet->start_routers(options);
  if (s.is_ok()) s = fleet->await_routers();
  if (!s.is_ok()) {
    fleet->stop(Millis(2000));
    return s;
  }
  return fleet;
}

}  // namespace cellkit::live

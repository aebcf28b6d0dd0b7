// Everything `cellkit router` can be told, with the defaults it runs with.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "cellkit/base/host_port.h"
#include "cellkit/base/status.h"
#include "cellkit/core/router_policy.h"

namespace cellkit::live {

using Millis = std::chrono::milliseconds;

// Where the tenant's name is read from in a request.
struct TenantSource {
  enum class Kind : std::uint8_t { kHeader, kPath, kHost };
  Kind kind = Kind::kHeader;
  std::string header = "X-Tenant";  // kHeader only

  bool operator==(const TenantSource&) const = default;
};
// "header:NAME", "header" (X-Tenant), "path" (/t/<tenant>/...) or "host" (first label).
Result<TenantSource> parse_tenant_source(std::string_view text);
std::string to_string(const TenantSource& source);

struct RouterOptions {
  std::string listen = "127.0.0.1:8080";  // client traffic; port 0 picks a free one
  std::string admin;                      // admin listener; empty: none
  std::string snapshot_file;              // --snapshot
  std::string state_dir;                  // --state-dir
  std::string access_log;                 // --access-log FILE, "-" = stdout; empty: off
  unsigned threads = 1;
  TenantSource tenant_from;
  RouterPolicy policy;  // failover, attempt budget, quarantine
  // Following a store (at most one of control_url and etcd_url; neither: snapshots come
  // only from --snapshot and PUT /admin/snapshot).
  std::string control_url;        // --control http://HOST:PORT (the control plane's long-poll)
  std::string etcd_url;           // --etcd http://HOST:PORT (StoreFollower on etcd)
  std::string fleet = "default";  // --fleet: the fleet's keys in etcd
  std::string router_id;          // its ACK/NACK record; empty: <hostname>-<listen port>
  Millis stale_after{10000};      // X-Cellkit-Stale once the store is unreachable this long

  // Client side.
  std::uint32_t max_header_bytes = 16 * 1024;  // request line + headers; over → 431
  std::uint64_t max_body_bytes = 1024 * 1024;  // over → 413
  // Admin side: the body of PUT /admin/snapshot (at least 1); over → 413, whether its length
  // is announced or a chunked body crosses it.
  std::uint64_t max_snapshot_bytes = std::uint64_t{512} << 20;
  Millis header_timeout{5000};  // whole request head; cut after
  Millis body_timeout{10000};
  Millis idle_timeout{60000};             // keep-alive between requests
  std::uint32_t max_connections = 10000;  // per thread; beyond, new ones are closed
  // Upstream side.
  Millis connect_timeout{1000};
  // From sending to the response's head (→ 504), then for each piece of its body (→ cut).
  Millis upstream_timeout{15000};
  std::uint32_t pool_idle = 64;   // idle keep-alive connections per cell and thread
  std::uint32_t pool_max = 1024;  // open connections per cell and thread
  // Health.
  std::uint32_t eject_after_5xx = 5;  // consecutive 5xx answers; 0: never
  Millis ejection_base{30000};        // first ejection; the n-th lasts n times it
  Millis ejection_max{300000};
  Millis health_interval{5000};  // active GET /healthz per cell; 0: off
  Millis health_timeout{1000};
  std::uint32_t healthy_after = 2;    // consecutive passes to return an ejected cell
  std::uint32_t unhealthy_after = 2;  // consecutive failures to eject a healthy cell
  // Shutdown.
  Millis drain_timeout{10000};

  // Names the first bad field and what it may be.
  Status validate() const;
  Status validate_store() const;  // the store-following fields only
};

// Splits "host:port" (the port may be 0 here: pick one). Errors name the text.
Result<HostPort> parse_listen_address(std::string_view text);

}  // namespace cellkit::live

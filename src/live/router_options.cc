// Parsing and validation of the router's options.
#include "cellkit/live/router_options.h"

#include "cellkit/base/cut.h"

#include <fmt/format.h>

#include "cellkit/live/http_client.h"

namespace cellkit::live {

Result<TenantSource> parse_tenant_source(std::string_view text) {
  if (text == "path") return TenantSource{.kind = TenantSource::Kind::kPath, .header = {}};
  if (text == "host") return TenantSource{.kind = TenantSource::Kind::kHost, .header = {}};
  if (text == "header") return TenantSource{};
  if (text.starts_with("header:") && text.size() > 7) {
    const std::string_view name = text.substr(7);
    const bool token = std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (token)
      return TenantSource{.kind = TenantSource::Kind::kHeader, .header = std::string(name)};
  }
  return invalid_argument(fmt::format(
      "tenant source '{}' is not one of header:NAME (a header name of letters, digits, '-' and "
      "'_'), path or host",
      cut(text)));
}

std::string to_string(const TenantSource& source) {
  switch (source.kind) {
    case TenantSource::Kind::kHeader:
      return "header:" + source.header;
    case TenantSource::Kind::kPath:
      return "path";
    case TenantSource::Kind::kHost:
      return "host";
  }
  return "header";
}

Result<HostPort> parse_listen_address(std::string_view text) {
  if (std::optional<HostPort> address = split_host_port(text)) return *std::move(address);
  return invalid_argument(fmt::format(
      "address '{}' is not HOST:PORT (for example 127.0.0.1:8080; port 0 picks a free one)",
      cut(text)));
}

Status RouterOptions::validate() const {
  if (threads < 1 || threads > 256) {
    return invalid_argument(fmt::format("threads must be 1 to 256, got {}", threads));
  }
  if (Result<HostPort> a = parse_listen_address(listen); !a.is_ok()) return a.status();
  if (!admin.empty()) {
    if (Result<HostPort> a = parse_listen_address(admin); !a.is_ok()) return a.status();
  }
  if (max_header_bytes < 256) {
    return invalid_argument(
        fmt::format("max header bytes must be at least 256, got {}", max_header_bytes));
  }
  if (max_snapshot_bytes < 1) {
    return invalid_argument("max snapshot bytes must be at least 1, got 0");
  }
  if (pool_max < 1 || pool_idle > pool_max) {
    return invalid_argument(fmt::format(
        "pool sizes must satisfy 1 <= pool max and pool idle <= pool max, got idle {} max {}",
        pool_idle, pool_max));
  }
  if (healthy_after < 1 || unhealthy_after < 1) {
    return invalid_argument("healthy after and unhealthy after must be at least 1");
  }
  for (auto [name, value] : {std::pair{"header timeout", header_timeout},
                             {"body timeout", body_timeout},
                             {"idle timeout", idle_timeout},
                             {"connect timeout", connect_timeout},
                             {"upstream timeout", upstream_timeout},
                             {"health timeout", health_timeout},
                             {"ejection base", ejection_base}}) {
    if (value.count() <= 0) {
      return invalid_argument(fmt::format("{} must be positive, got {} ms", name, value.count()));
    }
  }
  if (Status s = validate_store(); !s.is_ok()) return s;
  return policy.validate();
}

Status RouterOptions::validate_store() const {
  if (!control_url.empty() && !etcd_url.empty()) {
    return invalid_argument(
        "--control and --etcd are two ways to follow one store: give one of them");
  }
  for (const auto& [flag, url] : {std::pair{"--control", &control_url}, {"--etcd", &etcd_url}}) {
    if (url->empty()) continue;
    if (Result<HttpUrl> u = parse_http_url(*url); !u.is_ok()) {
      return invalid_argument(fmt::format("{}: {}", flag, u.status().message()));
    }
  }
  if (fleet != "default" && etcd_url.empty()) {
    return invalid_argument(
        fmt::format("--fleet '{}' needs --etcd (the fleet's keys in etcd)", cut(fleet)));
  }
  if (stale_after.count() <= 0) {
    return invalid_argument(
        fmt::format("stale after must be positive, got {} ms", stale_after.count()));
  }
  return Status::ok();
}

}  // namespace cellkit::live

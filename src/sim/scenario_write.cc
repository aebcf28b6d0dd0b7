// Scenario → YAML scenario file: every field, in the reader's order, read back exactly.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cellkit/sim/scenario_file.h"

namespace cellkit::sim {
namespace {

// Words a YAML reader takes for null, not text (yaml-cpp: the node is no scalar).
bool null_word(std::string_view s) {
  return s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// Text that YAML reads back as itself without quotes, in block and flow context alike:
// letters, digits and a few marks that start no YAML construct, no leading or trailing
// space, and no ": ", " #", ",", brackets or braces (none of those bytes is allowed).
bool plain_safe(std::string_view s) {
  if (s.empty() || null_word(s) || s.front() == ' ' || s.back() == ' ') return false;
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '/' || c == '-' || c == ' ';
  };
  for (char c : s) {
    if (!allowed(c)) return false;
  }
  return s.front() != '-' && s.front() != '.';
}

// A YAML double-quoted scalar: quotes, backslashes and control bytes escaped; other bytes
// (UTF-8 included) as they are.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string text(std::string_view s) {
  return plain_safe(s) ? std::string(s) : quoted(s);
}

// The shortest decimal that reads back as the same double (std::from_chars).
std::string number(double v) {
  return fmt::format("{}", v);
}

std::string_view boolean(bool b) {
  return b ? "true" : "false";
}

// "[a, b, c]" of items already written.
std::string flow_list(const std::vector<std::string>& items) {
  return fmt::format("[{}]", fmt::join(items, ", "));
}

template <class Id, class Raw>
std::string id_list(const std::vector<Id>& ids, Raw raw_of) {
  std::vector<std::string> items;
  for (const Id& id : ids)
    items.push_back(std::to_string(raw_of(id)));
  return flow_list(items);
}

// Appends lines with two spaces of indentation per level.
class Writer {
 public:
  void line(int level, std::string_view key, std::string_view value) {
    out_ += fmt::format("{:{}}{}: {}\n", "", 2 * level, key, value);
  }
  void open(int level, std::string_view key) {
    out_ += fmt::format("{:{}}{}:\n", "", 2 * level, key);
  }
  void item(int level, std::string_view value) {
    out_ += fmt::format("{:{}}- {}\n", "", 2 * level, value);
  }
  std::string take() && { return std::move(out_); }

 private:
  std::string out_;
};

void write_names(Writer& w, int level, std::string_view key,
                 const std::vector<std::string>& names) {
  if (names.empty()) return;
  w.open(level, key);
  for (const std::string& name : names)
    w.item(level + 1, text(name));
}

std::string service(const ServiceTime& s) {
  return fmt::format("{{distribution: {}, mean: {}, sigma: {}}}", to_string(s.kind),
                     format_scenario_duration(s.mean), number(s.sigma));
}

void write_cells(Writer& w, const Scenario& s) {
  const CellsSpec& c = s.cells;
  const bool from_mapping = !s.tenants.mapping.empty();
  w.open(0, "cells");
  if (!from_mapping) {
    w.line(1, "count", std::to_string(c.count));
    write_names(w, 1, "names", c.names);
    w.line(1, "zones", std::to_string(c.zones));
  }
  w.line(1, "servers", std::to_string(c.servers));
  w.line(1, "queue_limit", std::to_string(c.queue_limit));
  w.line(1, "service", service(c.service));
  w.line(1, "restart_after", format_scenario_duration(c.restart_after));
  w.line(1, "mtbf", format_scenario_duration(c.mtbf));
  w.line(1, "mttr", format_scenario_duration(c.mttr));
}

void write_shards(Writer& w, const std::vector<Shard>& shards) {
  if (shards.empty()) return;
  w.open(1, "shards");
  for (const Shard& shard : shards)
    w.item(2, id_list(shard, [](CellId c) { return raw(c); }));
}

void write_tenants(Writer& w, const TenantsSpec& t) {
  w.open(0, "tenants");
  if (!t.mapping.empty()) w.line(1, "mapping", text(t.mapping));
  const bool from_mapping = !t.mapping.empty();
  if (!from_mapping) {
    w.line(1, "count", std::to_string(t.count));
    w.line(1, "shard_size", std::to_string(t.shard_size));
  }
  w.line(1, "weights", t.weights == Weights::kZipf ? "zipf" : "uniform");
  w.line(1, "zipf_exponent", number(t.zipf_exponent));
  if (from_mapping) return;
  w.line(1, "placement", t.placement ? to_string(*t.placement) : "explicit");
  w.line(1, "zone_aware", boolean(t.zone_aware));
  w.line(1, "max_overlap", std::to_string(t.max_overlap));
  write_shards(w, t.shards);
}

void write_router(Writer& w, const RouterSpec& r) {
  w.open(0, "router");
  w.line(1, "routing", to_string(r.policy.routing));
  w.line(1, "failover", boolean(r.policy.failover));
  w.line(1, "max_attempts", std::to_string(r.policy.max_attempts));
  w.line(1, "retry_after_crash", boolean(r.policy.retry_after_crash));
  w.line(1, "replace_dead_cells", boolean(r.policy.replace_dead_cells));
  w.line(1, "quarantine_after", std::to_string(r.policy.quarantine_after));
  w.line(1, "quarantine_for", format_scenario_duration(r.policy.quarantine_for));
  w.line(1, "health_check_interval", format_scenario_duration(r.health_check_interval));
  w.line(1, "persist_snapshot", boolean(r.persist_snapshot));
}

// A list of flow mappings under faults (each item already written); nothing when empty.
void write_items(Writer& w, int level, std::string_view key,
                 const std::vector<std::string>& items) {
  if (items.empty()) return;
  w.open(level, key);
  for (const std::string& item : items)
    w.item(level + 1, item);
}

template <class T, class Format>
std::vector<std::string> each(const std::vector<T>& values, Format format) {
  std::vector<std::string> out;
  for (const T& v : values)
    out.push_back(format(v));
  return out;
}

bool no_faults(const FaultsSpec& f) {
  return f.poison.empty() && f.cell_crashes.empty() && f.zone_outages.empty() &&
         f.control_plane_outages.empty() && f.router_restarts.empty();
}

void write_faults(Writer& w, const FaultsSpec& f) {
  if (no_faults(f)) return;
  w.open(0, "faults");
  write_items(w, 1, "poison", each(f.poison, [](const PoisonTenant& p) {
                return fmt::format("{{tenant: {}, probability: {}, limit: {}}}", p.tenant,
                                   number(p.probability), p.limit);
              }));
  write_items(w, 1, "cell_crashes", each(f.cell_crashes, [](const CellCrash& c) {
                return fmt::format("{{at: {}, cell: {}, duration: {}}}",
                                   format_scenario_duration(c.at), c.cell,
                                   format_scenario_duration(c.duration));
              }));
  write_items(w, 1, "zone_outages", each(f.zone_outages, [](const ZoneOutage& z) {
                return fmt::format("{{at: {}, zone: {}, duration: {}}}",
                                   format_scenario_duration(z.at), z.zone,
                                   format_scenario_duration(z.duration));
              }));
  write_items(w, 1, "control_plane_outages", each(f.control_plane_outages, [](const Window& o) {
                return fmt::format("{{at: {}, duration: {}}}", format_scenario_duration(o.at),
                                   format_scenario_duration(o.duration));
              }));
  if (!f.router_restarts.empty()) {
    w.line(1, "router_restarts", flow_list(each(f.router_restarts, format_scenario_duration)));
  }
}

void write_deployments(Writer& w, const std::vector<Deployment>& deployments) {
  if (deployments.empty()) return;
  w.open(0, "deployments");
  for (const Deployment& d : deployments) {
    w.item(1, fmt::format("at: {}", format_scenario_duration(d.at)));
    w.line(2, "waves", flow_list(each(d.waves, [](const std::vector<std::uint32_t>& wave) {
             return id_list(wave, [](std::uint32_t c) { return c; });
           })));
    w.line(2, "bake", format_scenario_duration(d.bake));
    w.line(2, "bad", boolean(d.bad));
    w.line(2, "error_probability", number(d.error_probability));
    w.line(2, "crash_probability", number(d.crash_probability));
    w.line(2, "alarm_error_rate", number(d.alarm_error_rate));
  }
}

void write_growth(Writer& w, const GrowthSpec& g) {
  w.open(0, "growth");
  write_items(w, 1, "onboarding", each(g.onboarding, [](const Onboarding& o) {
                return fmt::format("{{at: {}, count: {}}}", format_scenario_duration(o.at),
                                   o.count);
              }));
  write_items(w, 1, "scale_out", each(g.scale_out, [](const ScaleOut& o) {
                return fmt::format("{{at: {}, cells: {}}}", format_scenario_duration(o.at),
                                   o.cells);
              }));
  w.open(1, "auto_scale");
  w.line(2, "utilization_above", number(g.auto_scale.utilization_above));
  w.line(2, "add", std::to_string(g.auto_scale.add));
  w.line(2, "max_cells", std::to_string(g.auto_scale.max_cells));
  w.line(2, "cooldown", format_scenario_duration(g.auto_scale.cooldown));
  w.line(1, "rebalance", boolean(g.rebalance));
}

// The first field a scenario file cannot say, or ok.
Status writable(const Scenario& s) {
  const auto refuse = [](std::string_view field) {
    return invalid_argument(fmt::format(
        "{} cannot be written to a scenario file (it comes from a tenants.mapping or a program)",
        field));
  };
  if (!s.workload.script.empty()) return refuse("workload.script");
  if (!s.tenants.mapping.empty()) return Status::ok();
  if (!s.cells.zone_of.empty()) return refuse("cells.zone_of");
  if (!s.cells.capacity.empty()) return refuse("cells.capacity");
  if (!s.cells.zone_names.empty()) return refuse("cells.zone_names");
  if (!s.tenants.names.empty()) return refuse("tenants.names");
  return Status::ok();
}

}  // namespace

std::string format_scenario_duration(Duration d) {
  static constexpr std::pair<std::int64_t, const char*> kUnits[] = {
      {3'600'000'000, "h"}, {60'000'000, "m"}, {1'000'000, "s"}, {1'000, "ms"}};
  if (d == Duration::zero()) return "0s";
  for (const auto& [us, unit] : kUnits) {
    if (d.count() % us == 0) return fmt::format("{}{}", d.count() / us, unit);
  }
  return fmt::format("{}us", d.count());
}

Result<std::string> write_scenario(const Scenario& s) {
  if (Status st = writable(s); !st.is_ok()) return st;
  Writer w;
  w.line(0, "name", text(s.name));
  w.line(0, "description", text(s.description));
  w.line(0, "seed", std::to_string(s.seed));
  w.line(0, "until", format_scenario_duration(s.until));
  w.line(0, "interval", format_scenario_duration(s.interval));
  write_cells(w, s);
  write_tenants(w, s.tenants);
  w.open(0, "workload");
  w.line(1, "rate", number(s.workload.rate));
  w.line(1, "timeout", format_scenario_duration(s.workload.timeout));
  write_router(w, s.router);
  w.open(0, "control_plane");
  w.line(1, "publish_interval", format_scenario_duration(s.control_plane.publish_interval));
  write_faults(w, s.faults);
  write_deployments(w, s.deployments);
  write_growth(w, s.growth);
  return std::move(w).take();
}

}  // namespace cellkit::sim

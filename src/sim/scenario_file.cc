// YAML scenario parsing with located, key-naming errors.
#include "cellkit/sim/scenario_file.h"

#include "cellkit/base/cut.h"
#include "cellkit/base/limits.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "cellkit/io/file.h"
#include "sim/scenario_mapping.h"

namespace cellkit::sim {
namespace {

// The end of parse_duration's message for a duration past kMaxDuration, so that a reader
// can tell "too long" from "not a duration".
constexpr std::string_view kTooLong = "is longer than the longest duration allowed, 100000h";
static_assert(kMaxDurationHours == 100'000, "kTooLong names the limit");

// Reads one mapping's fields; remembers the first error. Every read names the key's full
// path ("cells.servers") and its position in the file.
class Fields {
 public:
  Fields(const YAML::Node& node, std::string path, std::string_view source, Status& error)
      : node_(node), path_(std::move(path)), source_(source), error_(error) {}

  bool is_map(const char* what) {
    if (node_.IsMap()) return no_repeated_key();
    fail(node_, fmt::format("{}: expected a mapping of {}", label(), what));
    return false;
  }
  // The child node under `key` (marking the key as known); null when absent.
  YAML::Node get(const std::string& key) {
    known_.insert(key);
    const YAML::Node& node = node_;  // const: looking up must not add the key
    return node[key];
  }
  void u32(const std::string& key, std::uint32_t& out) { integer(key, out); }
  void u64(const std::string& key, std::uint64_t& out) { integer(key, out); }
  void number(const std::string& key, double& out);
  void boolean(const std::string& key, bool& out);
  void duration(const std::string& key, Duration& out);
  void text(const std::string& key, std::string& out);
  void choice(const std::string& key, std::string& out, std::span<const std::string_view> allowed);
  // Reports the first key that no read asked for.
  void reject_unknown();
  void fail(const YAML::Node& at, const std::string& message);
  std::string key_path(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  std::string_view source() const { return source_; }
  Status& error() { return error_; }

 private:
  template <class T>
  void integer(const std::string& key, T& out);
  // YAML lookups take a key's first value: a key given twice is refused, not half read.
  bool no_repeated_key();
  // yaml-cpp's Node assignment rebinds the referenced node, so values travel in optionals.
  std::optional<YAML::Node> scalar(const std::string& key, const char* expected);
  std::string label() const { return path_.empty() ? "document" : path_; }

  YAML::Node node_;
  std::string path_;
  std::string_view source_;
  Status& error_;
  std::set<std::string> known_;
};

void Fields::fail(const YAML::Node& at, const std::string& message) {
  if (!error_.is_ok()) return;
  const YAML::Mark m = at.Mark();
  error_ =
      invalid_argument(fmt::format("{}:{}:{}: {}", source_, m.line + 1, m.column + 1, message));
}

bool Fields::no_repeated_key() {
  std::map<std::string, std::size_t> first_line;
  for (const auto& entry : node_) {
    if (!entry.first.IsScalar()) continue;  // a complex key is no field: reject_unknown says so
    const std::size_t line = static_cast<std::size_t>(entry.first.Mark().line) + 1;
    const auto [first, inserted] = first_line.emplace(entry.first.Scalar(), line);
    if (inserted) continue;
    fail(entry.first, fmt::format("{} is given twice (first on line {})",
                                  key_path(cut(entry.first.Scalar())), first->second));
    return false;
  }
  return true;
}

std::optional<YAML::Node> Fields::scalar(const std::string& key, const char* expected) {
  YAML::Node value = get(key);
  if (!value || !error_.is_ok()) return std::nullopt;
  if (value.IsScalar()) return value;
  fail(value, fmt::format("{}: expected {}", key_path(key), expected));
  return std::nullopt;
}

template <class T>
void Fields::integer(const std::string& key, T& out) {
  const std::optional<YAML::Node> v = scalar(key, "a whole number >= 0");
  if (!v) return;
  const std::string& s = v->Scalar();
  T parsed{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
  if (ec != std::errc{} || end != s.data() + s.size()) {
    return fail(*v,
                fmt::format("{}: expected a whole number >= 0, got '{}'", key_path(key), cut(s)));
  }
  out = parsed;
}

void Fields::number(const std::string& key, double& out) {
  const std::optional<YAML::Node> v = scalar(key, "a number");
  if (!v) return;
  const std::string& s = v->Scalar();
  double parsed = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(parsed)) {
    return fail(*v, fmt::format("{}: expected a number, got '{}'", key_path(key), cut(s)));
  }
  out = parsed;
}

void Fields::boolean(const std::string& key, bool& out) {
  const std::optional<YAML::Node> v = scalar(key, "true or false");
  if (!v) return;
  const std::string& s = v->Scalar();
  if (s != "true" && s != "false") {
    return fail(*v, fmt::format("{}: expected true or false, got '{}'", key_path(key), cut(s)));
  }
  out = s == "true";
}

void Fields::duration(const std::string& key, Duration& out) {
  const std::optional<YAML::Node> v = scalar(key, "a duration such as 500ms, 30s, 10m or 2h");
  if (!v) return;
  Result<Duration> d = parse_duration(v->Scalar());
  if (!d.is_ok() && d.status().message().ends_with(kTooLong)) {
    return fail(*v, fmt::format("{}: {}", key_path(key), d.status().message()));
  }
  if (!d.is_ok()) {
    return fail(*v, fmt::format("{}: expected a duration such as 500ms, 30s, 10m or 2h, got '{}'",
                                key_path(key), cut(v->Scalar())));
  }
  out = *d;
}

void Fields::text(const std::string& key, std::string& out) {
  if (const std::optional<YAML::Node> v = scalar(key, "text")) out = v->Scalar();
}

void Fields::choice(const std::string& key, std::string& out,
                    std::span<const std::string_view> allowed) {
  const std::optional<YAML::Node> v = scalar(key, "text");
  if (!v) return;
  for (std::string_view a : allowed) {
    if (v->Scalar() == a) {
      out = v->Scalar();
      return;
    }
  }
  fail(*v, fmt::format("{}: '{}' is not allowed; allowed: {}", key_path(key), cut(v->Scalar()),
                       fmt::join(allowed, ", ")));
}

void Fields::reject_unknown() {
  if (!error_.is_ok() || !node_.IsMap()) return;
  for (const auto& entry : node_) {
    const std::string key = entry.first.Scalar();
    if (known_.count(key) > 0) continue;
    return fail(entry.first, fmt::format("unknown key '{}'; allowed: {}", key_path(cut(key)),
                                         fmt::join(known_, ", ")));
  }
}

// Reads a section with `read`, then rejects keys it did not ask for.
void section(Fields& parent, const std::string& key, const std::function<void(Fields&)>& read) {
  YAML::Node node = parent.get(key);
  if (!node || !parent.error().is_ok()) return;
  Fields f(node, parent.key_path(key), parent.source(), parent.error());
  if (!f.is_map("fields")) return;
  read(f);
  f.reject_unknown();
}

// Reads a list whose items are mappings, each with `read`.
void list(Fields& parent, const std::string& key, const std::function<void(Fields&)>& read) {
  YAML::Node node = parent.get(key);
  if (!node || !parent.error().is_ok()) return;
  if (!node.IsSequence())
    return parent.fail(node, fmt::format("{}: expected a list", parent.key_path(key)));
  for (std::size_t i = 0; i < node.size(); ++i) {
    Fields f(node[i], fmt::format("{}[{}]", parent.key_path(key), i), parent.source(),
             parent.error());
    if (!f.is_map("fields")) return;
    read(f);
    f.reject_unknown();
  }
}

void read_service(Fields& f, ServiceTime& s) {
  std::string kind(to_string(s.kind));
  static constexpr std::string_view kKinds[] = {"exponential", "constant", "lognormal"};
  f.choice("distribution", kind, kKinds);
  s.kind = parse_service_kind(kind).value_or(ServiceKind::kExponential);
  f.duration("mean", s.mean);
  f.number("sigma", s.sigma);
}

// A list of names under `key` (cells.names).
void read_names(Fields& f, const std::string& key, std::vector<std::string>& out) {
  YAML::Node node = f.get(key);
  if (!node || !f.error().is_ok()) return;
  if (!node.IsSequence()) return f.fail(node, f.key_path(key) + ": expected a list of names");
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (!node[i].IsScalar() || node[i].Scalar().empty()) {
      return f.fail(node[i], fmt::format("{}[{}]: expected a name", f.key_path(key), i));
    }
    out.push_back(node[i].Scalar());
  }
}

void read_cells(Fields& f, CellsSpec& c) {
  f.u32("count", c.count);
  read_names(f, "names", c.names);
  f.u32("zones", c.zones);
  f.u32("servers", c.servers);
  f.u32("queue_limit", c.queue_limit);
  section(f, "service", [&](Fields& s) { read_service(s, c.service); });
  f.duration("restart_after", c.restart_after);
  f.duration("mtbf", c.mtbf);
  f.duration("mttr", c.mttr);
}

// A cell of a shard: its id (a whole number) or its name (cells.names, else cell-<id>).
std::optional<CellId> shard_cell(const std::string& s, const CellsSpec& cells) {
  std::uint32_t id = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (!s.empty() && ec == std::errc{} && end == s.data() + s.size()) return CellId{id};
  for (std::uint32_t i = 0; i < cells.count; ++i) {
    if (cell_name(cells, i) == s) return CellId{i};
  }
  return std::nullopt;
}

void read_shards(Fields& f, const CellsSpec& cells, std::vector<Shard>& shards) {
  YAML::Node node = f.get("shards");
  if (!node || !f.error().is_ok()) return;
  const std::string where = f.key_path("shards");
  if (!node.IsSequence()) return f.fail(node, where + ": expected a list of lists of cells");
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (!node[i].IsSequence()) {
      return f.fail(node[i], fmt::format("{}[{}]: expected a list of cells", where, i));
    }
    Shard shard;
    for (const YAML::Node& cell : node[i]) {
      const std::optional<CellId> id =
          cell.IsScalar() ? shard_cell(cell.Scalar(), cells) : std::nullopt;
      if (!id) {
        return f.fail(cell, fmt::format("{}[{}]: expected a cell id (a whole number) or the "
                                        "name of a cell ({}..{})",
                                        where, i, cut(cell_name(cells, 0)),
                                        cut(cell_name(cells, cells.count - 1))));
      }
      shard.push_back(*id);
    }
    shards.push_back(std::move(shard));
  }
}

// max_overlap defaults to default_max_overlap(k) (strategies.h), so `placement: shuffle`
// works with every other default. A given value must be less than k for the placements that
// use it, located like every error.
void read_max_overlap(Fields& f, TenantsSpec& t) {
  const YAML::Node given = f.get("max_overlap");
  if (!given) {
    t.max_overlap = default_max_overlap(t.shard_size);
    return;
  }
  f.u32("max_overlap", t.max_overlap);
  if (f.error().is_ok() && t.shard_size >= 1 &&
      !overlap_fits(placement_options(t, 0), t.shard_size)) {
    f.fail(given, fmt::format("{}: {} must be less than shard_size ({}) for placement {} "
                              "(at most {}; default min(2, shard_size - 1))",
                              f.key_path("max_overlap"), t.max_overlap, t.shard_size,
                              to_string(*t.placement), t.shard_size - 1));
  }
}

void read_tenants(Fields& f, const CellsSpec& cells, TenantsSpec& t) {
  f.text("mapping", t.mapping);
  f.u32("count", t.count);
  f.u32("shard_size", t.shard_size);
  std::string weights = t.weights == Weights::kZipf ? "zipf" : "uniform";
  static constexpr std::string_view kWeights[] = {"uniform", "zipf"};
  f.choice("weights", weights, kWeights);
  t.weights = weights == "zipf" ? Weights::kZipf : Weights::kUniform;
  f.number("zipf_exponent", t.zipf_exponent);
  std::vector<std::string_view> placements(strategy_names().begin(), strategy_names().end());
  placements.push_back("explicit");
  std::string placement(t.placement ? to_string(*t.placement) : "explicit");
  f.choice("placement", placement, placements);
  t.placement = parse_strategy(placement);  // "explicit" is none of them
  f.boolean("zone_aware", t.zone_aware);
  read_max_overlap(f, t);
  read_shards(f, cells, t.shards);
  if (!t.shards.empty() && t.placement != kExplicitShards && f.error().is_ok()) {
    f.fail(f.get("shards"), fmt::format("{}: given, but tenants.placement is '{}'; shards are "
                                        "used only with placement: explicit",
                                        f.key_path("shards"), to_string(*t.placement)));
  }
}

void read_router(Fields& f, RouterSpec& r) {
  std::string routing(to_string(r.policy.routing));
  static constexpr std::string_view kRouting[] = {"first-healthy", "spread"};
  f.choice("routing", routing, kRouting);
  r.policy.routing = parse_routing_mode(routing).value_or(RoutingMode::kFirstHealthy);
  f.boolean("failover", r.policy.failover);
  f.u32("max_attempts", r.policy.max_attempts);
  f.boolean("retry_after_crash", r.policy.retry_after_crash);
  f.boolean("replace_dead_cells", r.policy.replace_dead_cells);
  f.u32("quarantine_after", r.policy.quarantine_after);
  f.duration("quarantine_for", r.policy.quarantine_for);
  f.duration("health_check_interval", r.health_check_interval);
  f.boolean("persist_snapshot", r.persist_snapshot);
}

void read_router_restarts(Fields& f, std::vector<Duration>& out) {
  YAML::Node node = f.get("router_restarts");
  if (!node || !f.error().is_ok()) return;
  if (!node.IsSequence()) return f.fail(node, "faults.router_restarts: expected a list of times");
  for (const YAML::Node& item : node) {
    Result<Duration> d =
        item.IsScalar() ? parse_duration(item.Scalar()) : Result<Duration>(invalid_argument(""));
    if (!d.is_ok()) {
      return f.fail(item, "faults.router_restarts: expected a time such as 5m");
    }
    out.push_back(*d);
  }
}

void read_faults(Fields& f, FaultsSpec& x) {
  list(f, "poison", [&](Fields& p) {
    PoisonTenant& t = x.poison.emplace_back();
    p.u32("tenant", t.tenant);
    p.number("probability", t.probability);
    p.u64("limit", t.limit);
  });
  list(f, "cell_crashes", [&](Fields& c) {
    CellCrash& crash = x.cell_crashes.emplace_back();
    c.duration("at", crash.at);
    c.u32("cell", crash.cell);
    c.duration("duration", crash.duration);
  });
  list(f, "zone_outages", [&](Fields& z) {
    ZoneOutage& o = x.zone_outages.emplace_back();
    z.duration("at", o.at);
    z.u32("zone", o.zone);
    z.duration("duration", o.duration);
  });
  list(f, "control_plane_outages", [&](Fields& w) {
    Window& o = x.control_plane_outages.emplace_back();
    w.duration("at", o.at);
    w.duration("duration", o.duration);
  });
  read_router_restarts(f, x.router_restarts);
}

void read_waves(Fields& f, std::vector<std::vector<std::uint32_t>>& waves) {
  YAML::Node node = f.get("waves");
  if (!node || !f.error().is_ok()) return;
  const std::string where = f.key_path("waves");
  if (!node.IsSequence()) return f.fail(node, where + ": expected a list of lists of cell ids");
  std::map<std::uint32_t, std::size_t> wave_of;  // each cell is deployed once: its wave
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (!node[i].IsSequence()) {
      return f.fail(node[i], fmt::format("{}[{}]: expected a list of cell ids", where, i));
    }
    std::vector<std::uint32_t>& wave = waves.emplace_back();
    for (const YAML::Node& cell : node[i]) {
      std::uint32_t id = 0;
      const std::string s = cell.IsScalar() ? cell.Scalar() : std::string{};
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
      if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) {
        return f.fail(cell, fmt::format("{}[{}]: expected a cell id (a whole number)", where, i));
      }
      if (const auto [first, inserted] = wave_of.emplace(id, i); !inserted) {
        return f.fail(cell, fmt::format("{}[{}]: cell {} is deployed twice (first in {}[{}])",
                                        where, i, id, where, first->second));
      }
      wave.push_back(id);
    }
  }
}

void read_deployment(Fields& f, Deployment& d) {
  f.duration("at", d.at);
  read_waves(f, d.waves);
  f.duration("bake", d.bake);
  f.boolean("bad", d.bad);
  f.number("error_probability", d.error_probability);
  f.number("crash_probability", d.crash_probability);
  f.number("alarm_error_rate", d.alarm_error_rate);
}

void read_growth(Fields& f, GrowthSpec& g) {
  list(f, "onboarding", [&](Fields& o) {
    Onboarding& x = g.onboarding.emplace_back();
    o.duration("at", x.at);
    o.u32("count", x.count);
  });
  list(f, "scale_out", [&](Fields& o) {
    ScaleOut& x = g.scale_out.emplace_back();
    o.duration("at", x.at);
    o.u32("cells", x.cells);
  });
  section(f, "auto_scale", [&](Fields& a) {
    a.number("utilization_above", g.auto_scale.utilization_above);
    a.u32("add", g.auto_scale.add);
    a.u32("max_cells", g.auto_scale.max_cells);
    a.duration("cooldown", g.auto_scale.cooldown);
  });
  f.boolean("rebalance", g.rebalance);
}

void read_scenario(Fields& f, Scenario& s) {
  f.text("name", s.name);
  f.text("description", s.description);
  f.u64("seed", s.seed);
  f.duration("until", s.until);
  f.duration("interval", s.interval);
  section(f, "cells", [&](Fields& c) { read_cells(c, s.cells); });
  section(f, "tenants", [&](Fields& t) { read_tenants(t, s.cells, s.tenants); });
  section(f, "workload", [&](Fields& w) {
    w.number("rate", s.workload.rate);
    w.duration("timeout", s.workload.timeout);
  });
  section(f, "router", [&](Fields& r) { read_router(r, s.router); });
  section(f, "control_plane",
          [&](Fields& c) { c.duration("publish_interval", s.control_plane.publish_interval); });
  section(f, "faults", [&](Fields& x) { read_faults(x, s.faults); });
  list(f, "deployments", [&](Fields& d) { read_deployment(d, s.deployments.emplace_back()); });
  section(f, "growth", [&](Fields& g) { read_growth(g, s.growth); });
}

Result<YAML::Node> load_yaml(std::string_view text, std::string_view source) {
  // yaml-cpp reports syntax errors by exception; they stop here, as a Status.
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    return invalid_argument(fmt::format("{}:{}:{}: not valid YAML: nested deeper than {} levels",
                                        source, e.mark.line + 1, e.mark.column + 1, e.depth()));
  } catch (const YAML::Exception& e) {
    return invalid_argument(fmt::format("{}:{}:{}: not valid YAML: {}", source, e.mark.line + 1,
                                        e.mark.column + 1, e.msg));
  }
}

// The first key of `keys` given under `section`, located: a scenario with tenants.mapping
// takes these from the mapping.
void refuse_beside_mapping(Fields& f, const YAML::Node& section, const std::string& name,
                           std::span<const std::string_view> keys, const YAML::Node& mapping) {
  if (!section || !section.IsMap()) return;
  for (std::string_view key : keys) {
    const YAML::Node given = section[std::string(key)];
    if (!given) continue;
    return f.fail(given, fmt::format("{}.{}: given beside tenants.mapping (line {}), which "
                                     "gives the {}; remove one of them",
                                     name, key, mapping.Mark().line + 1, name));
  }
}

// tenants.mapping: the fleet and the tenants with their shards come from a mapping file
// (JSON or CSV), found next to the scenario file.
void import_mapping(Fields& f, Scenario& s) {
  const YAML::Node tenants = f.get("tenants");
  const YAML::Node mapping = tenants["mapping"];
  refuse_beside_mapping(f, f.get("cells"), "cells", kCellsKeysFromMapping, mapping);
  refuse_beside_mapping(f, tenants, "tenants", kTenantsKeysFromMapping, mapping);
  if (!f.error().is_ok()) return;
  const std::string path = mapping_path(f.source(), s.tenants.mapping);
  Result<MappingDocument> doc = read_mapping_file(path);
  Status applied = doc.is_ok() ? apply_mapping(*doc, path, s) : doc.status();
  if (!applied.is_ok()) f.fail(mapping, "tenants.mapping: " + applied.message());
}

}  // namespace

// A sum of number-unit parts: "90s", "1.5h", "3m5s". Units are us, ms, s, m and h.
Result<Duration> parse_duration(std::string_view text) {
  const auto bad = [&] {
    return invalid_argument(fmt::format("'{}' is not a duration", cut(text)));
  };
  double total = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  if (p == end) return bad();
  while (p != end) {
    double value = 0;
    auto [after, ec] = std::from_chars(p, end, value);
    if (ec != std::errc{} || after == p || !(value >= 0) || !std::isfinite(value)) return bad();
    const char* unit_end = after;
    while (unit_end != end && std::isalpha(static_cast<unsigned char>(*unit_end)))
      ++unit_end;
    const std::string_view unit(after, static_cast<std::size_t>(unit_end - after));
    double scale = 0;
    if (unit == "us") scale = 1;
    if (unit == "ms") scale = 1e3;
    if (unit == "s") scale = 1e6;
    if (unit == "m") scale = 60e6;
    if (unit == "h") scale = 3600e6;
    if (scale == 0) return bad();
    total += value * scale;
    p = unit_end;
  }
  if (total > static_cast<double>(kMaxDuration.count())) {
    return invalid_argument(fmt::format("'{}' {}", cut(text), kTooLong));
  }
  return Duration(std::llround(total));
}

Result<Scenario> parse_scenario(std::string_view text, std::string_view source) {
  Result<YAML::Node> root = load_yaml(text, source);
  if (!root.is_ok()) return root.status();
  Status error;
  Scenario scenario;
  Fields f(*root, "", source, error);
  if (!f.is_map("scenario fields (name, cells, tenants, ...)")) return error;
  read_scenario(f, scenario);
  f.reject_unknown();
  if (error.is_ok() && !scenario.tenants.mapping.empty()) import_mapping(f, scenario);
  if (!error.is_ok()) return error;
  if (Status s = scenario.validate(); !s.is_ok()) {
    return invalid_argument(fmt::format("{}: {}", source, s.message()));
  }
  return scenario;
}

Result<Scenario> load_scenario(const std::string& path) {
  Result<std::string> text = read_file(path);
  if (!text.is_ok()) return text.status();
  return parse_scenario(*text, path);
}

}  // namespace cellkit::sim

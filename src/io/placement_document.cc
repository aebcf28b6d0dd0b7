// Mapping documents ↔ Placement values, and plan files.
#include "cellkit/io/placement_document.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cellkit {
namespace {

std::string cell_name(const Placement& p, const Fleet& target, CellId id) {
  if (const Cell* c = target.find_cell(id)) return c->name;
  if (const Cell* c = p.fleet.find_cell(id)) return c->name;
  return fmt::format("cell-{}", raw(id));
}

std::string tenant_name(const Placement& p, TenantId id) {
  auto it = std::lower_bound(p.tenants.begin(), p.tenants.end(), id,
                             [](const Tenant& t, TenantId key) { return t.id < key; });
  return (it != p.tenants.end() && it->id == id) ? it->name : fmt::format("tenant-{}", raw(id));
}

std::string json_string(std::string_view text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// CSV fields are quoted when they hold a comma, quote or line break (RFC 4180).
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

Result<Placement> placement_from(const MappingDocument& doc) {
  // A mapping that names no strategy we know (a CSV import, another tool's) grows as random.
  PlacementOptions options{.strategy = parse_strategy(doc.strategy).value_or(Strategy::kRandom),
                           .seed = doc.seed};
  if (limits_overlap(options)) {
    if (!doc.max_overlap) {
      return invalid_argument(fmt::format(
          "a {} mapping must record 'max_overlap', the overlap limit it was placed under",
          to_string(options.strategy)));
    }
    options.max_overlap = *doc.max_overlap;
  }
  options.zone_aware = doc.zone_aware;
  if (Status s = validate(options); !s.is_ok()) return s;
  Placement p{
      .fleet = doc.fleet, .tenants = doc.tenants, .mapping = doc.mapping, .options = options};
  if (Status s = check_placement(p); !s.is_ok()) return s;
  return p;
}

MappingDocument document_from(const Placement& p, std::vector<std::string> zone_names) {
  return {.fleet = p.fleet,
          .zone_names = std::move(zone_names),
          .tenants = p.tenants,
          .mapping = p.mapping,
          .strategy = std::string(to_string(p.options.strategy)),
          .seed = p.options.seed,
          .max_overlap = limits_overlap(p.options)
                             ? std::optional<std::uint32_t>(p.options.max_overlap)
                             : std::nullopt,
          .zone_aware = p.options.zone_aware,
          .fill = placement_fill(p)};
}

std::string write_plan_json(const RebalancePlan& plan, const Placement& p, const Fleet& target) {
  std::string out = "{\n  \"format\": \"cellkit.plan\",\n  \"version\": 1,\n  \"moves\": [\n";
  for (std::size_t i = 0; i < plan.moves.size(); ++i) {
    const Move& m = plan.moves[i];
    out += fmt::format(
        "    {{\"step\": {}, \"tenant\": {}, \"from\": {}, \"to\": {}}}{}\n", i + 1,
        json_string(tenant_name(p, m.tenant)), json_string(cell_name(p, target, m.from)),
        json_string(cell_name(p, target, m.to)), i + 1 < plan.moves.size() ? "," : "");
  }
  return out + "  ]\n}\n";
}

std::string write_plan_csv(const RebalancePlan& plan, const Placement& p, const Fleet& target) {
  std::string out = "step,tenant,from,to\n";
  for (std::size_t i = 0; i < plan.moves.size(); ++i) {
    const Move& m = plan.moves[i];
    out +=
        fmt::format("{},{},{},{}\n", i + 1, csv_field(tenant_name(p, m.tenant)),
                    csv_field(cell_name(p, target, m.from)), csv_field(cell_name(p, target, m.to)));
  }
  return out;
}

}  // namespace cellkit

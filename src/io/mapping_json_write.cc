// Writing the versioned JSON mapping format (docs/mapping-format.md), so that reading it back
// gives the same document.
#include <algorithm>

#include <fmt/format.h>

#include "cellkit/io/mapping_file.h"
#include "io/mapping_json.h"

namespace cellkit {
namespace {

using io::json_string;
using io::kFormat;
using io::kVersion;

std::string zone_text(const MappingDocument& doc, ZoneId zone) {
  if (raw(zone) < doc.zone_names.size()) return json_string(doc.zone_names[raw(zone)]);
  return std::to_string(raw(zone));
}

void write_cells(const MappingDocument& doc, std::string& out) {
  const auto cells = doc.fleet.cells();
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const Cell& c = cells[i];
    out += fmt::format(
        "    {{\"id\": {}, \"name\": {}, \"zone\": {}, \"capacity\": {}, \"state\": \"{}\", "
        "\"healthy\": {}{}}}{}\n",
        raw(c.id), json_string(c.name), zone_text(doc, c.zone), c.capacity, to_string(c.state),
        c.healthy, c.endpoint.empty() ? "" : ", \"endpoint\": " + json_string(c.endpoint),
        i + 1 < cells.size() ? "," : "");
  }
}

std::string cell_name(const MappingDocument& doc, CellId id) {
  const Cell* c = doc.fleet.find_cell(id);
  return json_string(c != nullptr ? c->name : fmt::format("cell-{}", raw(id)));
}

void write_tenant(const MappingDocument& doc, const Tenant& t, std::string& out) {
  const Shard* shard = doc.mapping.find_shard(t.id);
  out += fmt::format("    {{\"id\": {}, \"name\": {}", raw(t.id), json_string(t.name));
  if (t.weight != 1) out += fmt::format(", \"weight\": {}", t.weight);
  const std::size_t size = shard == nullptr ? 0 : shard->size();
  if (t.shard_size != size) out += fmt::format(", \"shard_size\": {}", t.shard_size);
  out += ", \"cells\": [";
  for (std::size_t i = 0; i < size; ++i) {
    out += (i > 0 ? ", " : "") + cell_name(doc, (*shard)[i]);
  }
  out += "]}";
}

bool uses_version_2(const MappingDocument& doc) {
  const auto cells = doc.fleet.cells();
  return doc.routing_version.has_value() || doc.allow_empty || doc.fill.has_value() ||
         std::any_of(cells.begin(), cells.end(), [](const Cell& c) { return !c.endpoint.empty(); });
}

}  // namespace

std::string write_mapping_json(const MappingDocument& doc) {
  std::string out = fmt::format("{{\n  \"format\": \"{}\",\n  \"version\": {},\n", kFormat,
                                uses_version_2(doc) ? kVersion : 1);
  if (doc.routing_version) out += fmt::format("  \"routing_version\": {},\n", *doc.routing_version);
  if (doc.allow_empty) out += "  \"allow_empty\": true,\n";
  out += fmt::format("  \"strategy\": {},\n  \"seed\": {},\n", json_string(doc.strategy), doc.seed);
  if (doc.max_overlap) out += fmt::format("  \"max_overlap\": {},\n", *doc.max_overlap);
  if (doc.fill) {
    out += fmt::format("  \"fill\": {{\"placed\": {}, \"bound\": {}}},\n", doc.fill->placed,
                       doc.fill->bound);
  }
  out += fmt::format("  \"zone_aware\": {},\n", doc.zone_aware);
  out += "  \"zones\": [";
  for (std::size_t i = 0; i < doc.zone_names.size(); ++i) {
    out += (i > 0 ? ", " : "") + json_string(doc.zone_names[i]);
  }
  out += "],\n  \"cells\": [\n";
  write_cells(doc, out);
  out += "  ],\n  \"tenants\": [\n";
  for (std::size_t i = 0; i < doc.tenants.size(); ++i) {
    write_tenant(doc, doc.tenants[i], out);
    out += i + 1 < doc.tenants.size() ? ",\n" : "\n";
  }
  out += "  ]\n}\n";
  return out;
}

}  // namespace cellkit

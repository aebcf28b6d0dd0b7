// Reading the versioned JSON mapping format (docs/mapping-format.md): the document, or straight
// to the flat routing snapshot a router serves.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cellkit/base/host_port.h"
#include "cellkit/core/routing_table.h"
#include "cellkit/io/mapping_file.h"
#include "cellkit/io/routing_snapshot.h"
#include "core/name_slots.h"
#include "io/json_source_map.h"
#include "io/mapping_json.h"
#include "io/tenant_rows.h"

namespace cellkit {
namespace {

using nlohmann::json;

using io::brief;
using io::check_keys;
using io::json_string;
using io::KeySet;
using io::kFormat;
using io::kVersion;
using io::read_string;
using io::read_uint;
using io::Reader;
using io::TenantCollector;
using io::TenantRows;
using io::Where;

// A mapping nests 4 deep (document, tenants, tenant, cells); docs/limits.md.
constexpr std::size_t kMaxJsonDepth = 64;

const KeySet kTopKeys = {"format",      "version",         "strategy",    "seed",
                         "max_overlap", "zone_aware",      "zones",       "cells",
                         "tenants",     "routing_version", "allow_empty", "fill"};
const KeySet kCellKeys = {"id", "name", "zone", "capacity", "state", "healthy", "endpoint"};
// The offset where the text first nests deeper than kMaxJsonDepth, or nothing. Counted
// before parsing: nlohmann's DOM (and anything that walks it) recurses once per level.
std::optional<std::size_t> too_deep(std::string_view text) {
  io::JsonNesting nesting;
  for (std::size_t i = 0; i < text.size(); ++i) {
    nesting.take(text[i]);
    if (nesting.depth > kMaxJsonDepth) return i;
  }
  return std::nullopt;
}

Result<CellState> state_from(std::string_view text) {
  for (CellState s : {CellState::kActive, CellState::kDraining, CellState::kDisabled}) {
    if (to_string(s) == text) return s;
  }
  return invalid_argument("bad state");
}

// Parses the document into `doc`, step by step; every step names where it failed.
class DocumentParser {
 public:
  DocumentParser(const json& root, const Reader& reader, TenantRows& rows)
      : root_(root), reader_(reader), rows_(rows) {}

  // On success the document holds all but its tenants and mapping, and every row is
  // checked: its ids set and its cells resolved.
  Result<MappingDocument> run() {
    const Where top{reader_, {}, 0};
    if (!root_.is_object()) return top.plain("a mapping file must be a JSON object");
    if (Status s = check_keys(root_, kTopKeys, top); !s.is_ok()) return s;
    if (Status s = header(top); !s.is_ok()) return s;
    if (Status s = zones(top); !s.is_ok()) return s;
    if (Status s = cells(top); !s.is_ok()) return s;
    if (Status s = tenants(top); !s.is_ok()) return s;
    return std::move(doc_);
  }

 private:
  Status header(const Where& top) {
    std::string format;
    if (Status s = read_string(root_, "format", true, top, &format); !s.is_ok()) return s;
    if (format != kFormat) {
      return top.error("format", fmt::format("must be \"{}\", got \"{}\"", kFormat, format));
    }
    auto version = root_.find("version");
    if (version == root_.end()) return top.plain("'version' is missing");
    if (*version != 1 && *version != kVersion) {
      return top.error("version",
                       fmt::format("{} is not supported; this cellkit reads versions 1 and {}",
                                   brief(*version), kVersion));
    }
    if (Status s = routing(top); !s.is_ok()) return s;
    if (Status s = read_string(root_, "strategy", false, top, &doc_.strategy); !s.is_ok()) return s;
    if (Status s =
            read_uint(root_, "seed", std::numeric_limits<std::uint64_t>::max(), top, &doc_.seed);
        !s.is_ok()) {
      return s;
    }
    if (auto z = root_.find("zone_aware"); z != root_.end()) {
      if (!z->is_boolean()) return top.error("zone_aware", "must be true or false");
      doc_.zone_aware = z->get<bool>();
    }
    if (root_.contains("max_overlap")) {
      std::uint32_t m = 0;
      if (Status s =
              read_uint(root_, "max_overlap", std::numeric_limits<std::uint32_t>::max(), top, &m);
          !s.is_ok()) {
        return s;
      }
      doc_.max_overlap = m;
    }
    return fill(top);
  }

  // Informational (recomputed on every write, never checked against the tenants), but a
  // present one must be well formed: {"placed": P, "bound": B} with 1 <= B and P <= B.
  Status fill(const Where& top) {
    auto it = root_.find("fill");
    if (it == root_.end()) return Status::ok();
    const std::string_view shape = "must be {\"placed\": P, \"bound\": B} with P <= B and B >= 1";
    if (!it->is_object() || it->size() != 2) return top.error("fill", shape);
    PlacementFill f;
    for (auto [key, out] : {std::pair{"placed", &f.placed}, std::pair{"bound", &f.bound}}) {
      auto v = it->find(key);
      if (v == it->end() || !v->is_number_unsigned()) return top.error("fill", shape);
      *out = v->get<std::uint64_t>();
    }
    if (f.bound == 0 || f.placed > f.bound) return top.error("fill", shape);
    doc_.fill = f;
    return Status::ok();
  }

  Status routing(const Where& top) {
    if (root_.contains("routing_version")) {
      std::uint64_t v = 0;
      if (Status s = read_uint(root_, "routing_version", std::numeric_limits<std::uint64_t>::max(),
                               top, &v);
          !s.is_ok()) {
        return s;
      }
      if (v == 0) return top.error("routing_version", "must be at least 1");
      doc_.routing_version = v;
    }
    if (auto e = root_.find("allow_empty"); e != root_.end()) {
      if (!e->is_boolean()) return top.error("allow_empty", "must be true or false");
      doc_.allow_empty = e->get<bool>();
    }
    return Status::ok();
  }

  Status zones(const Where& top) {
    auto it = root_.find("zones");
    if (it == root_.end()) return Status::ok();
    if (!it->is_array()) return top.error("zones", "must be an array of zone names");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& z = (*it)[i];
      if (!z.is_string()) return reader_.element_error("zones", i, "a zone name must be a string");
      std::string name = z.get<std::string>();
      if (zone_ids_.contains(name)) {
        return reader_.element_error("zones", i,
                                     fmt::format("zone '{}' is listed twice", cut(name)));
      }
      if (i > kMaxZoneId) {
        return reader_.element_error(
            "zones", i, fmt::format("too many zones (at most {})", std::uint32_t{kMaxZoneId} + 1));
      }
      zone_ids_.emplace(name, ZoneId{static_cast<std::uint16_t>(i)});
      doc_.zone_names.push_back(std::move(name));
    }
    return Status::ok();
  }

  Status cells(const Where& top) {
    auto it = root_.find("cells");
    if (it == root_.end()) return top.plain("'cells' is missing");
    if (!it->is_array()) return top.error("cells", "must be an array of cells");
    std::uint64_t next_id = 0;
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (Status s = cell((*it)[i], Where{reader_, "cells", i}, next_id); !s.is_ok()) return s;
    }
    return Status::ok();
  }

  Status cell(const json& object, const Where& where, std::uint64_t& next_id) {
    if (!object.is_object()) return where.plain("a cell must be an object");
    if (Status s = check_keys(object, kCellKeys, where); !s.is_ok()) return s;
    if (!object.contains("id") && next_id > kMaxCellId) {
      return where.plain(fmt::format(
          "a cell without 'id' gets the previous id + 1 ({}), past the largest cell id {}", next_id,
          kMaxCellId));
    }
    Cell c;
    std::uint64_t id = next_id;
    std::string state = "active";
    for (Status s : {read_uint(object, "id", kMaxCellId, where, &id),
                     read_string(object, "name", true, where, &c.name),
                     read_uint(object, "capacity", std::numeric_limits<std::uint32_t>::max(), where,
                               &c.capacity),
                     read_string(object, "state", false, where, &state), zone_of(object, where, &c),
                     read_string(object, "endpoint", false, where, &c.endpoint)}) {
      if (!s.is_ok()) return s;
    }
    if (!c.endpoint.empty() && !is_host_port(c.endpoint)) {
      return where.error("endpoint", fmt::format("must be \"host:port\" (port 1 to {}), got {}",
                                                 kMaxPort, json_string(cut(c.endpoint))));
    }
    if (c.name.find('\0') != std::string::npos) {
      return where.error("name", "holds a NUL byte (\\u0000); names are text");
    }
    if (Result<CellState> st = state_from(state); st.is_ok()) {
      c.state = *st;
    } else {
      return where.error("state",
                         fmt::format("must be active, draining or disabled, got \"{}\"", state));
    }
    if (auto h = object.find("healthy"); h != object.end()) {
      if (!h->is_boolean()) return where.error("healthy", "must be true or false");
      c.healthy = h->get<bool>();
    }
    c.id = CellId{static_cast<std::uint32_t>(id)};
    next_id = id + 1;
    cell_ids_.emplace(c.name, c.id);
    if (Status s = doc_.fleet.add(std::move(c)); !s.is_ok()) return where.plain(s.message());
    return Status::ok();
  }

  Status zone_of(const json& object, const Where& where, Cell* c) {
    auto it = object.find("zone");
    if (it == object.end()) return Status::ok();
    if (it->is_string()) {
      auto z = zone_ids_.find(it->get<std::string>());
      if (z == zone_ids_.end()) {
        return where.error("zone",
                           fmt::format("names unknown zone {}; list it in 'zones'", brief(*it)));
      }
      c->zone = z->second;
      return Status::ok();
    }
    const std::uint64_t max =
        doc_.zone_names.empty() ? std::uint64_t{kMaxZoneId} : doc_.zone_names.size() - 1;
    return read_uint(object, "zone", max, where, &c->zone);
  }

  Status tenants(const Where& top) {
    auto it = root_.find("tenants");
    if (it == root_.end()) return top.plain("'tenants' is missing");
    if (!it->is_array()) return top.error("tenants", "must be an array of tenants");
    std::uint64_t next_id = 0;
    std::vector<std::uint32_t> slots = detail::name_slots(rows_.size());
    const RowName name_of{rows_};
    detail::NameFiller names(slots, static_cast<std::uint32_t>(rows_.size()), name_of);
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      if (Status s = tenant(i, next_id, names); !s.is_ok()) return s;
    }
    return rows_.problem ? rows_.problem->second : Status::ok();
  }

  // Row i's tenant name, for the duplicate-name check.
  struct RowName {
    const TenantRows& rows;
    std::string_view operator()(std::uint32_t row) const { return rows.names.name(row); }
  };

  // Checks row i; `names` adds its name (rows are added in order, each once).
  Status tenant(std::size_t i, std::uint64_t& next_id, detail::NameFiller<RowName>& names) {
    const Where where{reader_, "tenants", i};
    if (Status s = resolve_shard(i, where); !s.is_ok()) return s;
    const bool written = rows_.id_written[i];
    if (!written && next_id > kMaxTenantId) {
      return where.plain(fmt::format(
          "a tenant without 'id' gets the previous id + 1 ({}), past the largest tenant id {}",
          next_id, kMaxTenantId));
    }
    const std::uint64_t id = written ? raw(rows_.shards.ids[i]) : next_id;
    if (id < next_id && i > 0) {
      return where.error("id", fmt::format("{} must be greater than the previous tenant's id {}",
                                           id, next_id - 1));
    }
    if (const auto first = names.add_next()) {
      return where.plain(fmt::format("tenant '{}' is listed twice (first at tenants[{}])",
                                     cut(rows_.names.name(i)), *first));
    }
    rows_.names.ids[i] = rows_.shards.ids[i] = TenantId{static_cast<std::uint32_t>(id)};
    next_id = id + 1;
    return Status::ok();
  }

  // Turns row i's cell numbers into the cells they name, in place.
  Status resolve_shard(std::size_t i, const Where& where) {
    std::vector<CellId>& cells = rows_.shards.cells;
    const std::size_t begin = rows_.shards.start[i];
    for (std::size_t j = begin; j < rows_.shards.start[i + 1]; ++j) {
      const std::string& name = rows_.cell_names[raw(cells[j])];
      const std::optional<CellId> c = cell_named(raw(cells[j]));
      if (!c)
        return where.error("cells", fmt::format("names unknown cell {}", json_string(cut(name))));
      if (std::find(cells.begin() + begin, cells.begin() + j, *c) != cells.begin() + j) {
        return where.error("cells", fmt::format("repeats cell {}", json_string(cut(name))));
      }
      cells[j] = *c;
    }
    return Status::ok();
  }

  // The cell that the rows' cell number `number` names: each distinct name is looked up
  // once, not once per tenant (a million tenants name a few cells two million times).
  std::optional<CellId> cell_named(std::uint32_t number) {
    if (resolved_.size() < rows_.cell_names.size()) {
      resolved_.clear();
      for (const std::string& name : rows_.cell_names) {
        const auto c = cell_ids_.find(name);
        resolved_.push_back(c == cell_ids_.end() ? std::nullopt : std::optional(c->second));
      }
    }
    return resolved_[number];
  }

  const json& root_;
  const Reader& reader_;
  TenantRows& rows_;
  MappingDocument doc_;
  std::unordered_map<std::string, ZoneId> zone_ids_;
  std::unordered_map<std::string, CellId> cell_ids_;
  std::vector<std::optional<CellId>> resolved_;  // by cell number of the rows
};

// nlohmann's message after its "line L, column C: " prefix.
std::string parse_error_text(const json::parse_error& e) {
  constexpr auto npos = std::string_view::npos;
  const std::string_view what = e.what();
  const auto column = what.find("column ");
  const auto colon = what.find(": ", column == npos ? 0 : column);
  const std::string_view text = colon == npos ? what : what.substr(colon + 2);
  // The token the parser last read (an unterminated string can run to the end of the
  // document) is cut like any bad value; what the parser expected is kept when it is short.
  constexpr std::string_view kLastRead = "last read: '";
  const auto at = text.find(kLastRead);
  if (at == npos) return std::string(text.substr(0, 512));
  const std::size_t from = at + kLastRead.size();
  std::size_t to = text.rfind("'; expected");
  if (to == npos || to < from) to = text.ends_with('\'') ? text.size() - 1 : text.size();
  std::string_view tail = text.substr(to);
  if (tail.size() > 160) tail = "'";
  return fmt::format("{}{}{}", text.substr(0, from), cut(text.substr(from, to - from)), tail);
}

// The error for a number no double holds (the parser gives no position): its key, its text
// (cut like any bad value) and where it is.
Status number_too_large(const Reader& reader, std::string_view text) {
  const std::optional<io::JsonNumber> n = io::first_overflowing_number(text);
  if (!n) return reader.error_at(0, "holds a number too large to read");
  const std::string what =
      n->key.empty() ? std::string("a number") : fmt::format("'{}'", cut(n->key));
  return reader.error_at(n->offset, fmt::format("{} is {}, too large for any number a mapping "
                                                "holds",
                                                what, cut(n->text)));
}

// A document without its tenants and mapping, and its checked tenant rows.
struct ParsedDocument {
  MappingDocument head;
  TenantRows rows;
};

// The one reader and checker of mapping JSON: parse_mapping_json and
// parse_routing_snapshot_json differ only in what they build from its rows.
Result<ParsedDocument> read_document(std::string_view text, std::string_view name, bool details) {
  const Reader reader(text, name);
  if (const std::optional<std::size_t> at = too_deep(text)) {
    return reader.error_at(
        *at, fmt::format("nested deeper than {} levels (arrays and objects)", kMaxJsonDepth));
  }
  TenantCollector collector(reader, details);
  json root;
  try {
    root = json::parse(text, std::ref(collector));
  } catch (const json::parse_error& e) {
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    const io::TextPosition p = io::position_of(text, offset);
    return invalid_argument(
        fmt::format("{}:{}:{}: invalid JSON: {}", name, p.line, p.column, parse_error_text(e)));
  } catch (const json::out_of_range&) {
    // The parser refuses a number beyond a double (1e400) without saying where.
    return number_too_large(reader, text);
  }
  Result<MappingDocument> head = DocumentParser(root, reader, collector.rows()).run();
  if (!head.is_ok()) return head.status();
  return ParsedDocument{std::move(head).value(), std::move(collector.rows())};
}

// The head has no tenants: it gives the version, cells, disabled cells and addresses.
FlatSnapshot flat_of(MappingDocument&& head, TenantRows&& rows) {
  FlatSnapshot flat = flatten(routing_snapshot_of(head));
  flat.shards = std::move(rows.shards);
  flat.tenant_names = std::move(rows.names);
  return flat;
}

}  // namespace

Result<MappingDocument> parse_mapping_json(std::string_view text, std::string_view name) {
  Result<ParsedDocument> parsed = read_document(text, name, true);
  if (!parsed.is_ok()) return parsed.status();
  MappingDocument doc = std::move(parsed->head);
  const TenantRows& rows = parsed->rows;
  doc.tenants.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::span<const CellId> shard = rows.shards.shard(i);
    const std::uint32_t size = static_cast<std::uint32_t>(shard.size());
    doc.tenants.push_back({.id = rows.names.ids[i],
                           .name = std::string(rows.names.name(i)),
                           .shard_size = rows.shard_sizes[i].value_or(size),
                           .weight = rows.weights[i]});
    doc.mapping.assign(rows.names.ids[i], Shard(shard.begin(), shard.end()));
  }
  return doc;
}

Result<FlatSnapshot> parse_routing_snapshot_json(std::string_view text, std::string_view name) {
  // The streaming reader takes the common documents without their DOM; it gives up on
  // anything else, and on every error, so that every message comes from the one reader.
  RoutingSnapshotJsonStream stream;
  if (stream.feed(text)) {
    if (std::optional<FlatSnapshot> flat = stream.finish()) return std::move(*flat);
  }
  Result<ParsedDocument> parsed = read_document(text, name, false);
  if (!parsed.is_ok()) return parsed.status();
  return flat_of(std::move(parsed->head), std::move(parsed->rows));
}

Result<FlatSnapshot> io::flat_snapshot_of(const json& head, const Reader& reader,
                                          TenantRows&& rows) {
  Result<MappingDocument> doc = DocumentParser(head, reader, rows).run();
  if (!doc.is_ok()) return doc.status();
  return flat_of(std::move(doc).value(), std::move(rows));
}

}  // namespace cellkit

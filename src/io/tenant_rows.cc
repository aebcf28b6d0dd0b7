// Reading the elements of "tenants" into flat rows.
#include "io/tenant_rows.h"

#include <limits>

#include "core/name_slots.h"

namespace cellkit::io {

using nlohmann::json;

namespace {

const KeySet kTenantKeys = {"id", "name", "shard_size", "weight", "cells"};

Status read_cell_names(const json& object, const Where& where, std::vector<std::string>* out) {
  auto it = object.find("cells");
  if (it == object.end()) return where.plain("'cells' is missing");
  if (!it->is_array() || it->empty()) {
    return where.error("cells", "must be a non-empty array of cell names");
  }
  for (const json& name : *it) {
    if (!name.is_string()) {
      return where.error("cells", fmt::format("must hold cell names, got {}", brief(name)));
    }
    out->push_back(name.get<std::string>());
  }
  return Status::ok();
}

}  // namespace

void TenantRows::add(TenantEntry&& e) {
  begin_row(e.tenant.name, e.shard_size, e.tenant.weight, e.id.has_value());
  for (const std::string& name : e.cells)
    add_cell(name);
  end_row(e.id.value_or(0));
}

void TenantRows::begin_row(std::string_view name, std::optional<std::uint32_t> shard_size,
                           std::uint32_t weight, bool id_is_written) {
  names.add(TenantId{}, name);
  id_written.push_back(id_is_written);
  if (details) {
    shard_sizes.push_back(shard_size);
    weights.push_back(weight);
  }
}

// A tenant names a few cells among few: a hash map of strings cost a sixth of reading a
// million-tenant document (its hash, a division and a node per lookup).
void TenantRows::add_cell(std::string_view name) {
  const auto next = static_cast<std::uint32_t>(cell_names.size());
  if (2 * (std::size_t{next} + 1) > cell_slots.size()) grow_cell_slots();
  const auto name_of = [&](std::uint32_t i) {
    return i == next ? name : std::string_view(cell_names[i]);
  };
  const std::optional<std::uint32_t> known = detail::add_name(cell_slots, next, name_of);
  if (!known) cell_names.emplace_back(name);
  shards.cells.push_back(CellId{known.value_or(next)});
}

// Room for twice as many names; rare, as each name is added once.
void TenantRows::grow_cell_slots() {
  cell_slots = detail::name_slots(2 * (cell_names.size() + 1));
  const auto name_of = [this](std::uint32_t i) { return std::string_view(cell_names[i]); };
  for (std::uint32_t i = 0; i < cell_names.size(); ++i)
    detail::add_name(cell_slots, i, name_of);
}

void TenantRows::end_row(std::uint32_t id) {
  shards.ids.push_back(TenantId{id});
  shards.start.push_back(static_cast<std::uint32_t>(shards.cells.size()));
}

Status read_tenant(const json& object, const Where& where, TenantEntry* e) {
  if (!object.is_object()) return where.plain("a tenant must be an object");
  if (Status s = check_keys(object, kTenantKeys, where); !s.is_ok()) return s;
  constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();
  std::uint32_t id = 0;
  std::uint32_t shard_size = 0;
  for (Status s : {read_uint(object, "id", kMax32, where, &id),
                   read_string(object, "name", true, where, &e->tenant.name),
                   read_uint(object, "weight", kMax32, where, &e->tenant.weight),
                   read_uint(object, "shard_size", kMax32, where, &shard_size),
                   read_cell_names(object, where, &e->cells)}) {
    if (!s.is_ok()) return s;
  }
  if (e->tenant.name.find('\0') != std::string::npos) {
    return where.error("name", "holds a NUL byte (\\u0000); names are text");
  }
  if (object.contains("id")) e->id = id;
  if (object.contains("shard_size")) e->shard_size = shard_size;
  return Status::ok();
}

bool TenantCollector::operator()(int depth, json::parse_event_t event, json& parsed) {
  using Event = json::parse_event_t;
  if (depth == 1) {
    if (event == Event::key) top_key_ = parsed.get<std::string>();
    if (event == Event::array_start && top_key_ == "tenants") {
      rows_ = TenantRows(details_);  // a repeated key: the last value wins, as in the DOM
      in_tenants_ = true;
    }
    if (event == Event::array_end) in_tenants_ = false;
    return true;
  }
  const bool element_done =
      event == Event::object_end || event == Event::array_end || event == Event::value;
  if (!in_tenants_ || depth != 2 || !element_done) return true;
  if (rows_.problem) return false;  // the first bad element is the one reported
  const std::size_t index = rows_.size();
  TenantEntry e;
  Status read = read_tenant(parsed, Where{reader_, "tenants", index}, &e);
  if (read.is_ok()) {
    rows_.add(std::move(e));
  } else {
    rows_.problem.emplace(index, std::move(read));
  }
  return false;
}

}  // namespace cellkit::io

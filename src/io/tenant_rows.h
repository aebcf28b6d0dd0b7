// The elements of a mapping document's "tenants" array as flat rows: how they are read (from
// nlohmann's parser callback, or by the streaming reader) before the document checks them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cellkit/core/routing_table.h"
#include "cellkit/io/mapping_file.h"
#include "io/json_fields.h"

namespace cellkit::io {

// One element of "tenants" as read during parsing, before cell names are resolved.
struct TenantEntry {
  std::optional<std::uint32_t> id;
  std::optional<std::uint32_t> shard_size;
  Tenant tenant;
  std::vector<std::string> cells;  // names, in shard order
};

// The elements of "tenants" read so far, in flat arrays (a name buffer, one array of cells),
// so a 1,000,000-tenant document costs tens of bytes per tenant, not a string and a vector
// of strings each. Row i is element i; rows stop at the first element that cannot be read,
// whose problem is kept (the elements before it are checked first, as the DOM reader did).
struct TenantRows {
  // Weights and shard sizes are kept only for a document (a routing snapshot has neither).
  explicit TenantRows(bool keep_details = true) : details(keep_details) {}

  bool details;
  NameList names;     // ids set when the row is checked
  ShardLists shards;  // ids: as written (see id_written); cells: CellId{number in cell_names}
                      // until the row is checked
  std::vector<bool> id_written;
  std::vector<std::optional<std::uint32_t>> shard_sizes;  // empty without details
  std::vector<std::uint32_t> weights;                     // empty without details
  std::vector<std::string> cell_names;                    // every cell name the rows use, once
  // Their index (core/name_slots.h: a name → its number, without a node per name), grown as
  // names come.
  std::vector<std::uint32_t> cell_slots;
  std::optional<std::pair<std::size_t, Status>> problem;  // element index, problem

  std::size_t size() const { return names.size(); }
  void add(TenantEntry&& e);
  // A row piece by piece: begin_row, add_cell for each cell in shard order, end_row.
  void begin_row(std::string_view name, std::optional<std::uint32_t> shard_size,
                 std::uint32_t weight, bool id_is_written);
  void add_cell(std::string_view name);
  void end_row(std::uint32_t id);

 private:
  void grow_cell_slots();
};

// Reads one element of "tenants" into *e; a located error names what is wrong with it.
Status read_tenant(const nlohmann::json& object, const Where& where, TenantEntry* e);

// A parser callback that turns each element of the top-level "tenants" array into a row of
// TenantRows and drops it from the DOM: a DOM of 1,000,000 tenants would take gigabytes.
class TenantCollector {
 public:
  TenantCollector(const Reader& reader, bool details)
      : reader_(reader), details_(details), rows_(details) {}

  bool operator()(int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed);

  TenantRows& rows() { return rows_; }

 private:
  const Reader& reader_;
  bool details_;
  std::string top_key_;
  bool in_tenants_ = false;
  TenantRows rows_;
};

// The document's other fields (`head`, whose "tenants" is an array; its elements are `rows`)
// checked as parse_routing_snapshot_json checks them, then the flat snapshot of both; a
// located error names `reader`'s text otherwise. Defined in mapping_json.cc.
Result<FlatSnapshot> flat_snapshot_of(const nlohmann::json& head, const Reader& reader,
                                      TenantRows&& rows);

}  // namespace cellkit::io

// The CSV mapping form, one tenant per line: `tenant,cell,cell,...`. Scans the whole buffer
// with memchr rather than reading lines through iostreams, so large files parse at memory
// speed; names are string_views into the buffer until a line is accepted.
#include <fmt/format.h>
#include <xxhash.h>
#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "cellkit/io/mapping_file.h"

namespace cellkit {
namespace {

constexpr std::size_t kMaxProblems = 100;

struct NameHash {
  std::size_t operator()(std::string_view s) const { return XXH3_64bits(s.data(), s.size()); }
};
template <class V>
using NameMap = std::unordered_map<std::string_view, V, NameHash>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// One line's fields, reusing storage between lines.
void split(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  for (;;) {
    const void* comma = std::memchr(line.data(), ',', line.size());
    if (comma == nullptr) {
      fields.push_back(trim(line));
      return;
    }
    const auto length = static_cast<std::size_t>(static_cast<const char*>(comma) - line.data());
    fields.push_back(trim(line.substr(0, length)));
    line.remove_prefix(length + 1);
  }
}

class CsvReader {
 public:
  CsvReader(std::string_view name, const ReadOptions& options, ReadReport& report)
      : name_(name), options_(options), report_(report) {
    if (options.fleet == nullptr) return;
    doc_.fleet = *options.fleet;
    for (const Cell& cell : options.fleet->cells())
      cells_.emplace(cell.name, cell.id);
  }

  Result<MappingDocument> read(std::string_view text) {
    std::uint64_t number = 0;
    while (!text.empty()) {
      const void* newline = std::memchr(text.data(), '\n', text.size());
      const std::size_t length =
          newline == nullptr
              ? text.size()
              : static_cast<std::size_t>(static_cast<const char*>(newline) - text.data());
      const std::string_view line = trim(text.substr(0, length));
      text.remove_prefix(std::min(text.size(), length + 1));
      ++number;
      if (line.empty() || line.front() == '#') continue;
      ++report_.lines;
      if (Status s = read_line(line, number); !s.is_ok()) {
        const std::string where = fmt::format("{}:{}: {}", name_, number, s.message());
        if (!options_.lenient) return invalid_argument(where);
        ++report_.skipped_lines;
        if (report_.problems.size() < kMaxProblems) report_.problems.push_back(where);
      }
    }
    doc_.strategy = "csv import";
    return std::move(doc_);
  }

 private:
  // Checks the whole line before changing anything, so a skipped line leaves no trace.
  Status read_line(std::string_view line, std::uint64_t number) {
    split(line, fields_);
    const std::string_view tenant = fields_[0];
    if (Status s = check_fields(tenant); !s.is_ok()) return s;
    for (std::size_t i = 1; i < fields_.size(); ++i) {
      for (std::size_t j = 1; j < i; ++j) {
        if (fields_[j] == fields_[i]) {
          return invalid_argument(
              fmt::format("tenant '{}' lists cell '{}' twice", tenant, fields_[i]));
        }
      }
    }
    const auto [it, inserted] = tenant_lines_.emplace(tenant, number);
    if (!inserted) {
      return invalid_argument(
          fmt::format("tenant '{}' is listed twice (first on line {})", tenant, it->second));
    }
    accept(tenant);
    return Status::ok();
  }

  Status check_fields(std::string_view tenant) const {
    if (tenant.empty()) return invalid_argument("malformed line: the tenant name is empty");
    if (fields_.size() == 1) {
      return invalid_argument(fmt::format(
          "tenant '{}' has no cells (an empty shard); expected tenant,cell,cell,...", tenant));
    }
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i].find('"') != std::string_view::npos) {
        return invalid_argument(
            fmt::format("malformed line: field {} has a quote; names may not be quoted", i + 1));
      }
      if (fields_[i].empty()) {
        return invalid_argument(fmt::format("malformed line: field {} is empty", i + 1));
      }
      if (i > 0 && options_.fleet != nullptr && !cells_.contains(fields_[i])) {
        return invalid_argument(
            fmt::format("tenant '{}' names cell '{}', which is not in the "
                        "fleet",
                        tenant, fields_[i]));
      }
    }
    return Status::ok();
  }

  void accept(std::string_view tenant) {
    const TenantId id{static_cast<std::uint32_t>(doc_.tenants.size())};
    Shard shard;
    shard.reserve(fields_.size() - 1);
    for (std::size_t i = 1; i < fields_.size(); ++i)
      shard.push_back(cell_id(fields_[i]));
    doc_.tenants.push_back({.id = id,
                            .name = std::string(tenant),
                            .shard_size = static_cast<std::uint32_t>(shard.size()),
                            .weight = 1});
    doc_.mapping.assign(id, std::move(shard));
  }

  // The cell's id; without a fleet, a new cell gets the next id on first use.
  CellId cell_id(std::string_view name) {
    const auto [it, inserted] = cells_.emplace(name, CellId{0});
    if (inserted) {
      it->second = CellId{static_cast<std::uint32_t>(doc_.fleet.size())};
      Status added = doc_.fleet.add({.id = it->second, .name = std::string(name)});
      (void)added;  // ids and names are fresh by construction
    }
    return it->second;
  }

  std::string_view name_;
  const ReadOptions& options_;
  ReadReport& report_;
  MappingDocument doc_;
  NameMap<CellId> cells_;
  NameMap<std::uint64_t> tenant_lines_;
  std::vector<std::string_view> fields_;
};

}  // namespace

Result<MappingDocument> parse_mapping_csv(std::string_view text, std::string_view name,
                                          const ReadOptions& options, ReadReport* report) {
  ReadReport local;
  CsvReader reader(name, options, report != nullptr ? *report : local);
  return reader.read(text);
}

std::string write_mapping_csv(const MappingDocument& doc) {
  std::string out;
  for (const Tenant& tenant : doc.tenants) {
    out += tenant.name;
    const Shard* shard = doc.mapping.find_shard(tenant.id);
    for (CellId c : shard != nullptr ? *shard : Shard{}) {
      out += ',';
      const Cell* cell = doc.fleet.find_cell(c);
      out += cell != nullptr ? cell->name : fmt::format("cell-{}", raw(c));
    }
    out += '\n';
  }
  return out;
}

}  // namespace cellkit

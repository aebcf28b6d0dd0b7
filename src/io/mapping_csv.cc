// The CSV mapping form, one tenant per line: `tenant,cell,cell,...`. Scans the whole buffer
// with memchr rather than reading lines through iostreams, so large files parse at memory
// speed; names are string_views into the buffer (or the given fleet) while reading.
#include <fmt/format.h>
#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include "cellkit/base/cut.h"
#include "cellkit/base/hash.h"
#include "cellkit/io/mapping_file.h"
#include "io/text_fields.h"

namespace cellkit {
namespace {

constexpr std::size_t kMaxProblems = 100;

// The first field after the tenant's that repeats an earlier cell field, or 0 when none.
// Pairs on short lines; on long ones (a line may list thousands of cells) a sort, so the
// check stays O(f log f) rather than O(f^2), with the same answer.
std::size_t first_repeated_cell(const std::vector<std::string_view>& fields) {
  constexpr std::size_t kPairwise = 32;
  if (fields.size() <= kPairwise) {
    for (std::size_t i = 2; i < fields.size(); ++i) {
      for (std::size_t j = 1; j < i; ++j) {
        if (fields[j] == fields[i]) return i;
      }
    }
    return 0;
  }
  std::vector<std::size_t> order(fields.size() - 1);
  std::iota(order.begin(), order.end(), std::size_t{1});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return fields[a] < fields[b]; });
  std::size_t first = 0;
  for (std::size_t k = 1; k < order.size(); ++k) {
    if (fields[order[k]] != fields[order[k - 1]]) continue;
    if (first == 0 || order[k] < first) first = order[k];
  }
  return first;
}

// Names → dense indices in insertion order: open addressing with 32 bits of each name's hash
// beside its index, so a probe rarely touches a name. Chosen over std::unordered_map, whose
// node per name costs an allocation and a cache miss per line at a million tenants.
class NameIndex {
 public:
  static constexpr std::uint32_t kAbsent = 0xFFFFFFFF;

  NameIndex() { rebuild(0); }
  void reserve(std::size_t expected) {
    names_.reserve(expected);
    rebuild(expected);
  }
  std::uint32_t find(std::string_view name) const {
    const std::uint64_t h = hash(name);
    for (std::size_t slot = h & mask();; slot = (slot + 1) & mask()) {
      const Slot& s = slots_[slot];
      if (s.index == kAbsent) return kAbsent;
      if (s.tag == static_cast<std::uint32_t>(h >> 32) && names_[s.index] == name) return s.index;
    }
  }
  // Requires that the name is absent; the view must outlive the index. Returns its index.
  std::uint32_t insert(std::string_view name) {
    names_.push_back(name);
    if (names_.size() * 2 > slots_.size())
      rebuild(names_.size());
    else
      place(static_cast<std::uint32_t>(names_.size() - 1));
    return static_cast<std::uint32_t>(names_.size() - 1);
  }
  // Starts loading the name's first slot: a large table is far bigger than the caches, so
  // asking one line ahead hides most of the memory latency of the next find.
  void prefetch(std::string_view name) const { __builtin_prefetch(&slots_[hash(name) & mask()]); }

 private:
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t index = kAbsent;
  };
  static std::uint64_t hash(std::string_view s) { return table_hash(s); }
  std::size_t mask() const { return slots_.size() - 1; }
  void rebuild(std::size_t expected) {
    std::size_t slots = 64;
    while (slots < expected * 2)
      slots *= 2;
    slots_.assign(slots, Slot{});
    for (std::uint32_t i = 0; i < names_.size(); ++i)
      place(i);
  }
  void place(std::uint32_t index) {
    const std::uint64_t h = hash(names_[index]);
    std::size_t slot = h & mask();
    while (slots_[slot].index != kAbsent)
      slot = (slot + 1) & mask();
    slots_[slot] = {static_cast<std::uint32_t>(h >> 32), index};
  }

  std::vector<std::string_view> names_;
  std::vector<Slot> slots_;
};

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

// The first field of the first line of `text` (the next line's tenant name).
std::string_view first_field(std::string_view text) {
  return trim(text.substr(0, text.find_first_of(",\n")));
}

class CsvReader {
 public:
  CsvReader(std::string_view name, const ReadOptions& options, ReadReport& report)
      : name_(name), options_(options), report_(report) {
    if (options.fleet == nullptr) return;
    doc_.fleet = *options.fleet;
    for (const Cell& cell : doc_.fleet.cells()) {
      cells_.insert(cell.name);
      cell_ids_.push_back(cell.id);
    }
  }

  Result<MappingDocument> read(std::string_view text) {
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    tenants_.reserve(lines);
    doc_.tenants.reserve(lines);
    tenant_lines_.reserve(lines);
    for (std::uint64_t number = 1; !text.empty(); ++number) {
      const std::size_t length = std::min(text.size(), text.find('\n'));
      const std::string_view line = trim(text.substr(0, length));
      text.remove_prefix(std::min(text.size(), length + 1));
      tenants_.prefetch(first_field(text));
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
    report_.tenant_lines = std::move(tenant_lines_);
    return std::move(doc_);
  }

 private:
  // Checks the whole line before changing anything, so a skipped line leaves no trace.
  Status read_line(std::string_view line, std::uint64_t number) {
    split(line, fields_);
    const std::string_view tenant = fields_[0];
    if (Status s = check_fields(tenant); !s.is_ok()) return s;
    if (const std::size_t i = first_repeated_cell(fields_); i != 0) {
      return invalid_argument(
          fmt::format("tenant '{}' lists cell '{}' twice", cut(tenant), cut(fields_[i])));
    }
    const std::uint32_t first = tenants_.find(tenant);
    if (first != NameIndex::kAbsent) {
      return invalid_argument(fmt::format("tenant '{}' is listed twice (first on line {})",
                                          cut(tenant), tenant_lines_[first]));
    }
    tenants_.insert(tenant);
    tenant_lines_.push_back(number);
    accept(tenant);
    return Status::ok();
  }

  Status check_fields(std::string_view tenant) const {
    if (tenant.empty()) return invalid_argument("malformed line: the tenant name is empty");
    if (fields_.size() == 1) {
      return invalid_argument(fmt::format(
          "tenant '{}' has no cells (an empty shard); expected tenant,cell,cell,...", cut(tenant)));
    }
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i].find('"') != std::string_view::npos) {
        return invalid_argument(
            fmt::format("malformed line: field {} has a quote; names may not be quoted", i + 1));
      }
      if (fields_[i].empty()) {
        return invalid_argument(fmt::format("malformed line: field {} is empty", i + 1));
      }
      if (i > 0 && options_.fleet != nullptr && cells_.find(fields_[i]) == NameIndex::kAbsent) {
        return invalid_argument(
            fmt::format("tenant '{}' names cell '{}', which is not in the "
                        "fleet",
                        cut(tenant), cut(fields_[i])));
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
    const std::uint32_t index = cells_.find(name);
    if (index != NameIndex::kAbsent) return cell_ids_[index];
    const CellId id{static_cast<std::uint32_t>(cell_ids_.size())};
    cells_.insert(name);
    cell_ids_.push_back(id);
    Status added = doc_.fleet.add({.id = id, .name = std::string(name)});
    (void)added;  // ids and names are fresh by construction
    return id;
  }

  std::string_view name_;
  const ReadOptions& options_;
  ReadReport& report_;
  MappingDocument doc_;
  NameIndex cells_;  // cell names → index into cell_ids_
  std::vector<CellId> cell_ids_;
  NameIndex tenants_;                        // accepted tenant names → tenant index
  std::vector<std::uint64_t> tenant_lines_;  // by tenant index: the line it was read from
  std::vector<std::string_view> fields_;
};

}  // namespace

Result<MappingDocument> parse_mapping_csv(std::string_view text, std::string_view name,
                                          const ReadOptions& options, ReadReport* report) {
  text = without_bom(text);
  if (const TextProblem p = text_problem(text); p.line != 0) {
    return invalid_argument(fmt::format("{}:{}: {}", name, p.line, p.what));
  }
  ReadReport local;
  CsvReader reader(name, options, report != nullptr ? *report : local);
  return reader.read(text);
}

namespace {

// The name with line breaks and tabs shown as escapes, so an error stays on one line.
std::string printable(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else
      out += c;
  }
  return out;
}

// Why the reader would not give this name back from a CSV field, or nothing when it would.
// The form has no quoting: a comma splits, a line break ends the line, a quote is refused,
// blanks at either end are trimmed, a carriage return is only a line ending (CRLF), bytes
// must be UTF-8 without NUL, and a line starting
// with '#' is a comment.
std::string_view not_carried(std::string_view name, bool starts_line) {
  if (name.empty()) return "it is empty";
  if (name.size() > kMaxLineBytes) return "it is longer than the 1 MiB a line may hold";
  if (name.find(',') != std::string_view::npos) return "it holds a comma";
  if (name.find('"') != std::string_view::npos) return "it holds a quote";
  if (name.find('\n') != std::string_view::npos) return "it holds a line break";
  if (name.find('\r') != std::string_view::npos) return "it holds a carriage return";
  if (name.find('\0') != std::string_view::npos) return "it holds a NUL byte";
  if (text_problem(name).line != 0) return "it is not UTF-8";
  if (name.front() == ' ' || name.front() == '\t') return "it starts with a blank";
  if (name.back() == ' ' || name.back() == '\t') {
    return "it ends with a blank";
  }
  if (starts_line && name.front() == '#') return "it starts with '#' (a comment line)";
  // A reader skips a byte order mark at the start of a file, so a first tenant named so
  // would read back without it.
  if (starts_line && name.starts_with(kByteOrderMark)) return "it starts with a byte order mark";
  return {};
}

Status csv_name_error(std::string_view what, std::string_view name, std::string_view why) {
  return invalid_argument(
      fmt::format("{} '{}' cannot be written as CSV: {}; CSV names cannot hold commas, quotes "
                  "or line breaks, nor start or end with a blank, nor (tenants) start with '#'",
                  what, printable(cut(name)), why));
}

}  // namespace

Result<std::string> write_mapping_csv(const MappingDocument& doc) {
  std::string out;
  for (const Tenant& tenant : doc.tenants) {
    if (std::string_view why = not_carried(tenant.name, true); !why.empty()) {
      return csv_name_error("tenant", tenant.name, why);
    }
    const Shard* shard = doc.mapping.find_shard(tenant.id);
    if (shard == nullptr || shard->empty()) {
      return invalid_argument(fmt::format("tenant '{}' cannot be written as CSV: it has no cells",
                                          printable(cut(tenant.name))));
    }
    const std::size_t line_start = out.size();
    out += tenant.name;
    for (CellId c : *shard) {
      out += ',';
      const Cell* cell = doc.fleet.find_cell(c);
      const std::string name = cell != nullptr ? cell->name : fmt::format("cell-{}", raw(c));
      if (std::string_view why = not_carried(name, false); !why.empty()) {
        return csv_name_error("cell", name, why);
      }
      out += name;
    }
    // A reader refuses a longer line (text_problem), so it is refused here, not written.
    if (out.size() - line_start > kMaxLineBytes) {
      return invalid_argument(fmt::format("tenant '{}' cannot be written as CSV: {}",
                                          printable(cut(tenant.name)),
                                          line_too_long(out.size() - line_start)));
    }
    out += '\n';
  }
  return out;
}

}  // namespace cellkit

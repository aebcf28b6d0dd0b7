// Tenant lists for `cellkit place --tenants-file`.
#include "cellkit/io/tenant_list.h"

#include "cellkit/base/cut.h"
#include "io/text_fields.h"

#include <charconv>
#include <limits>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

namespace cellkit {
namespace {

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

// "name,weight" or "name,weight,shard_size": a lone "name" is a tenant of that name, so a
// list's first tenant is never taken for a header.
bool is_header(const std::vector<std::string_view>& fields) {
  static constexpr std::string_view kHeader[] = {"name", "weight", "shard_size"};
  if (fields.size() < 2 || fields.size() > std::size(kHeader)) return false;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] != kHeader[i]) return false;
  }
  return true;
}

// A whole number in [1, 2^32 − 1], or nothing.
bool parse_positive(std::string_view text, std::uint32_t* out) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return false;
  if (value == 0 || value > std::numeric_limits<std::uint32_t>::max()) return false;
  *out = static_cast<std::uint32_t>(value);
  return true;
}

class ListParser {
 public:
  ListParser(std::string_view name, std::uint32_t shard_size, std::uint32_t first_id)
      : name_(name), shard_size_(shard_size), next_id_(first_id) {}

  Status line(std::string_view text, std::size_t number) {
    text = trim(text);
    if (text.empty() || text.front() == '#') return Status::ok();
    const std::vector<std::string_view> fields = split(text);
    if (number == 1 && is_header(fields)) return Status::ok();
    if (fields.size() > 3)
      return error(number, "expected name[,weight[,shard_size]], got 4+ fields");
    if (next_id_ > std::numeric_limits<std::uint32_t>::max()) {
      return error(number, fmt::format("this tenant would get id {}, past the largest tenant id {}",
                                       next_id_, std::numeric_limits<std::uint32_t>::max()));
    }
    Tenant t{.id = TenantId{static_cast<std::uint32_t>(next_id_)},
             .name = std::string(fields[0]),
             .shard_size = shard_size_};
    if (t.name.empty()) return error(number, "the tenant name is empty");
    // Only one byte order mark opens a file; another one (a file saved twice with one) would
    // hide in the name, invisible, and make a list that reads back different.
    if (t.name.starts_with(kByteOrderMark)) {
      return error(number,
                   "the tenant name starts with a byte order mark (U+FEFF); only one may "
                   "open the file");
    }
    if (fields.size() > 1 && !parse_positive(fields[1], &t.weight)) {
      return error(number, fmt::format("weight '{}' must be a whole number from 1 to {}",
                                       cut(fields[1]), std::numeric_limits<std::uint32_t>::max()));
    }
    if (fields.size() > 2 && !parse_positive(fields[2], &t.shard_size)) {
      return error(number, fmt::format("shard size '{}' must be a whole number from 1 to {}",
                                       cut(fields[2]), std::numeric_limits<std::uint32_t>::max()));
    }
    if (auto [first, inserted] = lines_.emplace(t.name, number); !inserted) {
      return error(number, fmt::format("tenant '{}' is listed twice (first on line {})",
                                       cut(t.name), first->second));
    }
    ++next_id_;
    tenants_.push_back(std::move(t));
    return Status::ok();
  }

  std::vector<Tenant> take() { return std::move(tenants_); }

 private:
  Status error(std::size_t number, std::string_view what) const {
    return invalid_argument(fmt::format("{}:{}: {}", name_, number, what));
  }

  std::string_view name_;
  std::uint32_t shard_size_;
  std::uint64_t next_id_;  // 64 bits: the id after the largest is an error, never 0
  std::vector<Tenant> tenants_;
  std::unordered_map<std::string, std::size_t> lines_;
};

}  // namespace

Result<std::vector<Tenant>> parse_tenant_list(std::string_view text, std::string_view name,
                                              std::uint32_t default_shard_size,
                                              std::uint32_t first_id) {
  text = without_bom(text);
  if (const TextProblem p = text_problem(text); p.line != 0) {
    return invalid_argument(fmt::format("{}:{}: {}", name, p.line, p.what));
  }
  ListParser parser(name, default_shard_size, first_id);
  std::size_t number = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (Status s = parser.line(text.substr(start, end - start), ++number); !s.is_ok()) return s;
    start = end + 1;
  }
  return parser.take();
}

}  // namespace cellkit

// Reading the fields of a mapping JSON document with located errors: what the document
// reader (mapping_json.cc) and the tenant reader (tenant_rows.cc) share.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cellkit/base/cut.h"
#include "cellkit/base/status.h"
#include "io/json_source_map.h"

namespace cellkit::io {

using KeySet = std::set<std::string, std::less<>>;

// A bad value as an error shows it: a scalar as written, cut (base/cut.h); an array or
// object by its kind and size, never whole (it may be megabytes, or nested deep).
std::string brief(const nlohmann::json& value);

// Turns a document position into messages "name:line:column: what". The source map is
// built on the first error only: a valid 100 MB file is not scanned twice.
class Reader {
 public:
  Reader(std::string_view text, std::string_view name) : text_(text), name_(name) {}

  Status error_at(std::size_t offset, std::string_view what) const;
  Status top_error(std::string_view key, std::string_view what) const;
  Status element_error(std::string_view key, std::size_t i, std::string_view what) const;

 private:
  const JsonSourceMap& map() const;

  std::string_view text_;
  std::string_view name_;
  mutable std::optional<JsonSourceMap> map_;
};

// A located error reporter for one object: the top level or one array element.
struct Where {
  const Reader& reader;
  std::string_view array;  // empty for the top level
  std::size_t index = 0;

  Status error(std::string_view key, std::string_view what) const;
  Status plain(std::string_view what) const;
};

// An error naming the first key of `object` not in `allowed`, and what is allowed.
Status check_keys(const nlohmann::json& object, const KeySet& allowed, const Where& where);

// Reads an optional whole number in [0, max] into *out (left alone when absent).
template <class T>
Status read_uint(const nlohmann::json& object, std::string_view key, std::uint64_t max,
                 const Where& where, T* out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::ok();
  if (!it->is_number_unsigned() || it->get<std::uint64_t>() > max) {
    return where.error(key,
                       fmt::format("must be a whole number from 0 to {}, got {}", max, brief(*it)));
  }
  *out = static_cast<T>(it->get<std::uint64_t>());
  return Status::ok();
}

// Reads string `key` into *out; absent: an error when required, else *out is left alone.
Status read_string(const nlohmann::json& object, std::string_view key, bool required,
                   const Where& where, std::string* out);

}  // namespace cellkit::io

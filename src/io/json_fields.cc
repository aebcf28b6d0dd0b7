// Located errors and field readers of mapping JSON.
#include "io/json_fields.h"

namespace cellkit::io {

using nlohmann::json;

std::string brief(const json& value) {
  if (value.is_array()) return fmt::format("an array of {} elements", value.size());
  if (value.is_object()) return fmt::format("an object of {} keys", value.size());
  return cut(value.dump(-1, ' ', false, json::error_handler_t::replace));
}

Status Reader::error_at(std::size_t offset, std::string_view what) const {
  const TextPosition p = position_of(text_, offset);
  return invalid_argument(fmt::format("{}:{}:{}: {}", name_, p.line, p.column, what));
}

Status Reader::top_error(std::string_view key, std::string_view what) const {
  return error_at(map().value(key), what);
}

Status Reader::element_error(std::string_view key, std::size_t i, std::string_view what) const {
  return error_at(map().element(key, i), fmt::format("{}[{}]: {}", key, i, what));
}

const JsonSourceMap& Reader::map() const {
  if (!map_) map_ = JsonSourceMap::scan(text_);
  return *map_;
}

Status Where::error(std::string_view key, std::string_view what) const {
  if (array.empty()) return reader.top_error(key, fmt::format("'{}' {}", key, what));
  return reader.element_error(array, index, fmt::format("'{}' {}", key, what));
}

Status Where::plain(std::string_view what) const {
  if (array.empty()) return reader.error_at(0, what);
  return reader.element_error(array, index, what);
}

namespace {

std::string allowed_list(const KeySet& keys) {
  std::string out;
  for (const std::string& k : keys)
    out += (out.empty() ? "" : ", ") + k;
  return out;
}

}  // namespace

Status check_keys(const json& object, const KeySet& allowed, const Where& where) {
  for (const auto& [key, value] : object.items()) {
    if (!allowed.contains(key)) {
      return where.plain(
          fmt::format("unknown key '{}'; allowed keys: {}", cut(key), allowed_list(allowed)));
    }
  }
  return Status::ok();
}

Status read_string(const json& object, std::string_view key, bool required, const Where& where,
                   std::string* out) {
  auto it = object.find(key);
  if (it == object.end()) {
    return required ? where.plain(fmt::format("'{}' is missing", key)) : Status::ok();
  }
  if (!it->is_string())
    return where.error(key, fmt::format("must be a string, got {}", brief(*it)));
  *out = it->get<std::string>();
  return Status::ok();
}

}  // namespace cellkit::io

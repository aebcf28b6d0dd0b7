// What the mapping JSON reader and writer share: the format's name and version, and how a
// string is written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cellkit::io {

inline constexpr std::string_view kFormat = "cellkit.mapping";
// Version 2 adds cell endpoints, routing_version, allow_empty and fill; a document that uses
// none of them is written as version 1, so older cellkits still read it.
inline constexpr std::uint64_t kVersion = 2;

// The text as a JSON string. Invalid UTF-8 is written as U+FFFD rather than thrown: writing
// never fails.
inline std::string json_string(std::string_view text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cellkit::io

// Small text helpers shared by the line-oriented readers (CSV mappings, tenant lists).
#pragma once

#include <string_view>

namespace cellkit {

// The field without blanks (space, tab) at either end or a carriage return at its end, so
// CRLF files and "a, b" read like "a,b".
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace cellkit

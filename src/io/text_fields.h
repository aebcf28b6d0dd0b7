// Small text helpers shared by the line-oriented readers (CSV mappings, tenant lists).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cellkit/base/limits.h"

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

// The text without a leading UTF-8 byte-order mark (as spreadsheets write), so it never
// becomes part of the first name.
inline constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
inline std::string_view without_bom(std::string_view text) {
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  return text;
}

// The length of the valid UTF-8 sequence at the start of `s`, or 0 when it is not one.
inline std::size_t utf8_length(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = byte(0);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || n > s.size()) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
  std::uint32_t code = n == 1 ? c : c & (0x7F >> n);
  for (std::size_t i = 1; i < n; ++i)
    code = (code << 6) | (byte(i) & 0x3F);
  if (code < min[n] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return n;
}

// What a line-oriented file must not hold, with the 1-based line where it first does: a NUL
// byte, a carriage return not followed by a line feed (CR-only line endings would read as
// one huge line), bytes that are not UTF-8, or a line longer than kMaxLineBytes. Empty when
// the text is clean.
struct TextProblem {
  std::size_t line = 0;
  std::string what;
};
inline std::string line_too_long(std::size_t bytes) {
  return "the line is " + std::to_string(bytes) + " bytes long, more than the " +
         std::to_string(kMaxLineBytes) + " bytes (1 MiB) a line may hold";
}
inline TextProblem text_problem(std::string_view text) {
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\n') {
      if (i - line_start > kMaxLineBytes) return {line, line_too_long(i - line_start)};
      ++line;
      line_start = i + 1;
    }
    if (c == '\0') return {line, "holds a NUL byte"};
    if (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
      return {line,
              "holds a carriage return not followed by a line feed; lines must end with "
              "LF or CRLF"};
    }
    if (static_cast<unsigned char>(c) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(text.substr(i));
    if (n == 0) return {line, "holds bytes that are not UTF-8"};
    i += n;
  }
  if (text.size() - line_start > kMaxLineBytes) {
    return {line, line_too_long(text.size() - line_start)};
  }
  return {};
}

}  // namespace cellkit

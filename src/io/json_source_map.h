// Where things are in a JSON text: line/column of byte offsets and of top-level keys and
// array elements, so errors found after parsing can still name a line.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cellkit::io {

struct TextPosition {
  std::size_t line = 1;    // 1-based
  std::size_t column = 1;  // 1-based, in bytes
};

// The line and column of a byte offset (an offset past the end maps to the last position).
TextPosition position_of(std::string_view text, std::size_t offset);

// Byte offsets of the values of the top-level object's keys, and of the elements of its
// top-level arrays. Found by a structural scan that tolerates any valid JSON; on invalid
// JSON the result is partial (callers report the parser's own position then).
struct JsonSourceMap {
  std::map<std::string, std::size_t, std::less<>> values;
  std::map<std::string, std::vector<std::size_t>, std::less<>> elements;

  static JsonSourceMap scan(std::string_view text);
  // Offset of the value of top-level `key`, or of element `index` of array `key`; 0 if unknown.
  std::size_t value(std::string_view key) const;
  std::size_t element(std::string_view key, std::size_t index) const;
};

// How deep a scan of JSON text is in arrays and objects, and whether it is inside a string
// (after a backslash): fed one byte at a time, so a scan can resume on the next piece of
// the text. Closing brackets past the top level are ignored (the parser reports them).
struct JsonNesting {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;

  void take(char c) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
};

// A number too large for a double (such as 1e400), which a JSON parser can only turn into
// infinity or refuse without saying where.
struct JsonNumber {
  std::size_t offset = 0;  // where it starts
  std::string_view text;   // as written
  std::string key;         // the key it is the value of; empty for an array element
};
// The first such number in the text, or nothing.
std::optional<JsonNumber> first_overflowing_number(std::string_view text);

}  // namespace cellkit::io

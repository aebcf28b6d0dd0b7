// A structural scan of JSON text that records where top-level values and elements start.
#include "io/json_source_map.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

namespace cellkit::io {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The scan's state: nesting depth, the key being read at depth 1, and what comes next.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  JsonSourceMap run() {
    for (i_ = 0; i_ < text_.size(); ++i_) {
      const char c = text_[i_];
      if (in_string_) {
        read_string_char(c);
      } else if (!is_space(c)) {
        read_token(c);
      }
    }
    return std::move(map_);
  }

 private:
  void read_string_char(char c) {
    if (escaped_) {
      escaped_ = false;
    } else if (c == '\\') {
      escaped_ = true;
    } else if (c == '"') {
      in_string_ = false;
      if (depth_ == 1)
        last_string_ = std::string(text_.substr(string_start_ + 1, i_ - string_start_ - 1));
    }
  }

  void read_token(char c) {
    if (c == '}' || c == ']') {
      if (depth_ == 2) array_key_.clear();
      --depth_;
      awaiting_element_ = false;
      return;
    }
    record_start();
    if (c == '"') {
      in_string_ = true;
      string_start_ = i_;
    } else if (c == '{' || c == '[') {
      if (depth_ == 1 && c == '[') {
        array_key_ = key_;
        map_.elements[array_key_];
        awaiting_element_ = true;
      }
      ++depth_;
    } else if (c == ':' && depth_ == 1) {
      key_ = last_string_;
      awaiting_value_ = true;
    } else if (c == ',' && depth_ == 2 && !array_key_.empty()) {
      awaiting_element_ = true;
    }
  }

  // Called on the first character of a token: records it when a value or element starts here.
  void record_start() {
    if (depth_ == 1 && awaiting_value_ && text_[i_] != ':') {
      map_.values.emplace(key_, i_);
      awaiting_value_ = false;
    }
    if (depth_ == 2 && awaiting_element_ && !array_key_.empty()) {
      map_.elements[array_key_].push_back(i_);
      awaiting_element_ = false;
    }
  }

  std::string_view text_;
  std::size_t i_ = 0;
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  std::size_t string_start_ = 0;
  std::string last_string_;
  std::string key_;
  std::string array_key_;
  bool awaiting_value_ = false;
  bool awaiting_element_ = false;
  JsonSourceMap map_;
};

}  // namespace

TextPosition position_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition p;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

namespace {

bool starts_number(char c) {
  return c == '-' || (c >= '0' && c <= '9');
}
bool in_number(char c) {
  return starts_number(c) || c == '+' || c == '.' || c == 'e' || c == 'E';
}
bool overflows(std::string_view number) {
  const std::string copy(number);  // strtod needs the terminating NUL
  return std::isinf(std::strtod(copy.c_str(), nullptr));
}

}  // namespace

std::optional<JsonNumber> first_overflowing_number(std::string_view text) {
  std::string_view last_string;
  char before = '\0';  // the last character outside strings that is not a blank
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t start = ++i;
      for (bool escaped = false; i < text.size() && (escaped || text[i] != '"'); ++i)
        escaped = !escaped && text[i] == '\\';
      last_string = text.substr(start, i - start);
      before = '"';
      continue;
    }
    if (is_space(c)) continue;
    if (starts_number(c) && before != '"' && !in_number(before)) {
      std::size_t end = i;
      while (end < text.size() && in_number(text[end]))
        ++end;
      const std::string_view number = text.substr(i, end - i);
      if (overflows(number)) {
        return JsonNumber{
            .offset = i, .text = number, .key = before == ':' ? std::string(last_string) : ""};
      }
      i = end - 1;
      before = text[i];
      continue;
    }
    before = c;
  }
  return std::nullopt;
}

JsonSourceMap JsonSourceMap::scan(std::string_view text) {
  return Scanner(text).run();
}

std::size_t JsonSourceMap::value(std::string_view key) const {
  auto it = values.find(key);
  return it == values.end() ? 0 : it->second;
}

std::size_t JsonSourceMap::element(std::string_view key, std::size_t index) const {
  auto it = elements.find(key);
  if (it == elements.end() || index >= it->second.size()) return value(key);
  return it->second[index];
}

}  // namespace cellkit::io

// Cutting a user's string, or a reply body, for an error message.
#include "cellkit/base/cut.h"

namespace cellkit {
namespace {

bool continues(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;  // 10xxxxxx
}

// Where to cut `text` (longer than `at`) at or before byte `at` so that the kept text does
// not end inside a UTF-8 sequence: back over at most three continuation bytes, the most a
// character has; more than that is not UTF-8, and is cut where asked.
std::size_t boundary(std::string_view text, std::size_t at) {
  for (std::size_t back = 0; back <= 3 && back <= at; ++back) {
    if (!continues(text[at - back])) return at - back;
  }
  return at;
}

}  // namespace

std::string cut(std::string_view text) {
  constexpr std::size_t kShown = 40;
  if (text.size() <= kShown) return std::string(text);
  return std::string(text.substr(0, boundary(text, kShown))) + "...";
}

std::string cut(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  const std::size_t shown = boundary(text, max);
  return std::string(text.substr(0, shown)) + "... (" + std::to_string(text.size() - shown) +
         " more bytes)";
}

}  // namespace cellkit

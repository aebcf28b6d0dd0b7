// Cutting a user's string for an error message.
#include "cellkit/base/cut.h"

namespace cellkit {

std::string cut(std::string_view text) {
  constexpr std::size_t kShown = 40;
  if (text.size() <= kShown) return std::string(text);
  std::size_t shown = kShown;
  // Back over continuation bytes (10xxxxxx) so the cut text stays UTF-8 when the input was.
  while (shown > 0 && (static_cast<unsigned char>(text[shown]) & 0xC0) == 0x80)
    --shown;
  return std::string(text.substr(0, shown)) + "...";
}

}  // namespace cellkit

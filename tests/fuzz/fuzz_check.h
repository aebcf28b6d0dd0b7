// What every fuzz target checks: a property that fails loudly (abort) when broken, so
// libFuzzer records the input and the replay test in plain ctest fails on it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "cellkit/base/status.h"

namespace cellkit::fuzz {

// Aborts with `what` when `condition` is false (kept in release builds, unlike assert).
inline void require(bool condition, std::string_view what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz property broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

// A refused input must say where: the message starts with "<source>:".
inline void require_located(const Status& s, std::string_view source) {
  require(!s.message().empty() && s.message().rfind(source, 0) == 0,
          "an error that does not start with the input's name");
  require(s.message().size() < 4096, "an error message longer than 4 KiB");
}

}  // namespace cellkit::fuzz

// Checks every option value's text before CLI11 converts it, so nothing is accepted silently.
#pragma once

#include <CLI/CLI.hpp>

namespace cellkit::cli {

// Walks every option of `app` and its subcommands (call after registering them): a whole
// number option (CLI11 type UINT) takes only decimal digits up to 2^64 − 1 (no sign, no "0x",
// no blank, not empty); a text option takes no empty value ('-o ""' is refused, not ignored).
void check_option_values(CLI::App& app);

}  // namespace cellkit::cli

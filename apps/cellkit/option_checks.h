// Checks every option value's text before CLI11 converts it, so nothing is accepted silently.
#pragma once

#include <span>
#include <string>

#include <CLI/CLI.hpp>

#include "cellkit/core/strategies.h"

namespace cellkit::cli {

// Walks every option of `app` and its subcommands (call after registering them): a whole
// number option (CLI11 type UINT) takes only decimal digits up to 2^64 − 1 (no sign, no "0x",
// no blank, not empty); every other option that takes a value (text, URL, number) takes no
// empty value ('-o ""', '--control ""', '--fail-rate ""' are refused, not ignored or read as 0).
void check_option_values(CLI::App& app);

// CLI11's own parse errors ("The following argument was not expected: ...") quote arguments
// whole: `message` with every long argument of `args` (argv after the program's name), and
// the value of a long "--name=value", cut as every error cuts what a user gave (base/cut.h).
std::string cut_arguments(std::string message, std::span<char* const> args);

// Adds --strategy, parsed into `out` (whose value is the default shown). A name outside
// `allowed` is refused as CLI11's IsMember refuses it ("best not in {random,shuffle}"); the
// list shows in --help after TEXT only when `list_in_help`.
CLI::Option* add_strategy_option(CLI::App* cmd, Strategy& out, std::span<const Strategy> allowed,
                                 const std::string& help, bool list_in_help = true);

}  // namespace cellkit::cli

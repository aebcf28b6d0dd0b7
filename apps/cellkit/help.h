// How every command presents itself: its one-line summary, long description and exit codes,
// help text wrapped at 100 columns, and the messages that point a lost user somewhere useful.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace cellkit::cli {

// Help lines never run past this column.
inline constexpr std::size_t kHelpWidth = 100;

// One exit code a command may return and what it means for that command.
struct ExitCodeDoc {
  int code = 0;
  std::string meaning;
};

// What `cellkit --help` and `cellkit NAME --help` say about one command. The summary is one
// line (it is listed in the top-level help, so keep it under ~80 characters); the description
// is the long text of `cellkit NAME --help`. Text is reflowed to kHelpWidth: a single line
// break joins lines, an empty line starts a paragraph, and a line starting with a space is
// kept on its own line (for lists).
struct CommandHelp {
  std::string name;
  std::string summary;
  std::string description;
  std::vector<ExitCodeDoc> exit_codes;  // listed under "Exit codes:" in the command's help
};

// The meanings every command shares (docs/cli.md has the table); a command adds its own
// words after them when it means something more specific.
ExitCodeDoc exit_ok();
ExitCodeDoc exit_bad_file(std::string_view what = {});
ExitCodeDoc exit_bad_option();
ExitCodeDoc exit_partial(std::string_view what);

// Sets up the top-level app: the formatter that wraps help text and lists one summary per
// command, the "start with `cellkit demo`" line and the footer. Call before adding commands.
void setup_top_level_help(CLI::App& app);

// Adds a subcommand with its help; the summary goes to the top-level list.
CLI::App* add_command(CLI::App& app, CommandHelp help);

// "unknown command 'analyse'; did you mean 'analyze'?" when `word` is close to a command
// name, else "unknown command 'x'"; empty when `word` is a command of `app`.
std::string unknown_command_message(const CLI::App& app, std::string_view word);

// `text` with each paragraph greedily wrapped to `width` columns, every line after the first
// indented by `indent` spaces (see CommandHelp for how line breaks are read).
std::string wrap_text(std::string_view text, std::size_t width, std::size_t indent);

}  // namespace cellkit::cli

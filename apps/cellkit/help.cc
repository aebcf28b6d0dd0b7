// Help text of every command: one-line summaries at the top, wrapping, exit codes, and the
// messages for an unknown command.
#include "help.h"

#include "cellkit/base/cut.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>

namespace cellkit::cli {
namespace {

// Option names end before this column and descriptions start at it (CLI11's default).
constexpr std::size_t kOptionColumn = 30;
// Command names in the top-level list end before this column.
constexpr std::size_t kCommandColumn = 14;

// Paragraphs of help text: a single line break joins lines, an empty line is kept, a line
// starting with a space starts a paragraph of its own.
std::vector<std::string> paragraphs(std::string_view text) {
  std::vector<std::string> out;
  bool joinable = false;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (line.empty()) {
      out.emplace_back();
      joinable = false;
    } else if (joinable && line.front() != ' ') {
      out.back() += ' ';
      out.back() += line;
    } else {
      out.emplace_back(line);
      joinable = true;
    }
  }
  return out;
}

// One paragraph greedily filled to `width` columns; lines after the first start at `indent`
// (plus the paragraph's own leading spaces).
std::string fill(const std::string& paragraph, std::size_t width, std::size_t indent) {
  const std::size_t lead = paragraph.find_first_not_of(' ');
  if (lead == std::string::npos) return {};
  const std::size_t room = width > indent + lead + 20 ? width - indent - lead : 20;
  std::string out(lead, ' ');
  std::size_t used = 0;
  std::istringstream words(paragraph.substr(lead));
  for (std::string word; words >> word;) {
    if (used > 0 && used + 1 + word.size() > room) {
      out += '\n' + std::string(indent + lead, ' ');
      used = 0;
    } else if (used > 0) {
      out += ' ';
      ++used;
    }
    out += word;
    used += word.size();
  }
  return out;
}

std::string exit_codes_text(const std::vector<ExitCodeDoc>& codes);

// The formatter every command shares: wraps at kHelpWidth and lists summaries.
class HelpFormatter : public CLI::Formatter {
 public:
  void add_summary(const std::string& name, std::string summary) {
    summaries_[name] = std::move(summary);
  }

  std::string make_description(const CLI::App* app) const override {
    const std::string& d = app->get_description();
    return d.empty() ? std::string() : wrap_text(d, kHelpWidth, 0) + "\n\n";
  }

  // One list of every command, whatever group it was added with.
  std::string make_subcommands(const CLI::App* app, CLI::AppFormatMode mode) const override {
    std::string out;
    for (const CLI::App* sub : app->get_subcommands({})) {
      if (sub->get_name().empty()) continue;
      out += mode == CLI::AppFormatMode::All ? sub->help(sub->get_name(), CLI::AppFormatMode::Sub)
                                             : make_subcommand(sub);
    }
    return out.empty() ? out : "\nCommands:\n" + out;
  }

  // The summary given to add_command, else the first sentence of the description.
  std::string make_subcommand(const CLI::App* sub) const override {
    auto it = summaries_.find(sub->get_name());
    const std::string summary =
        it != summaries_.end() ? it->second : first_sentence(sub->get_description());
    return left_column("  " + sub->get_name(), kCommandColumn) +
           wrap_text(summary, kHelpWidth, kCommandColumn) + "\n";
  }

  // The name column holds the type and default only; what an option excludes goes into its
  // description, so the column stays narrow and every line fits in kHelpWidth.
  std::string make_option_opts(const CLI::Option* opt) const override {
    if (!opt->get_option_text().empty()) return " " + opt->get_option_text();
    std::string out;
    if (opt->get_type_size() == 0) return out;
    if (!opt->get_type_name().empty()) out += " " + get_label(opt->get_type_name());
    if (!opt->get_default_str().empty()) out += "=" + opt->get_default_str();
    if (opt->get_expected_max() == CLI::detail::expected_max_vector_size) out += " ...";
    if (opt->get_required()) out += " " + get_label("REQUIRED");
    return out;
  }

  std::string make_option_desc(const CLI::Option* opt) const override {
    std::string desc = opt->get_description();
    std::string excluded;
    for (const CLI::Option* other : opt->get_excludes())
      excluded += (excluded.empty() ? "" : ", ") + other->get_name();
    if (!excluded.empty()) desc += " (not with " + excluded + ")";
    return desc;
  }

  // A command added without add_command's exit codes still lists the shared ones (and does
  // not repeat the top-level footer it inherits).
  std::string make_footer(const CLI::App* app) const override {
    std::string footer = app->get_footer();
    const CLI::App* parent = app->get_parent();
    if (parent != nullptr && footer.find("Exit codes") == std::string::npos) {
      if (footer == parent->get_footer()) footer.clear();
      footer += (footer.empty() ? "" : "\n\n") +
                exit_codes_text({exit_ok(), exit_bad_file(), exit_bad_option()});
    }
    return footer.empty() ? footer : footer + "\n";
  }

  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    const std::string left = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
    return left_column(left, kOptionColumn) +
           wrap_text(make_option_desc(opt), kHelpWidth, kOptionColumn) + "\n";
  }

 private:
  // Without its full stop, like every summary given to add_command.
  static std::string first_sentence(std::string text) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::size_t end = text.find(". ");
    if (end == std::string::npos) end = text.ends_with('.') ? text.size() - 1 : text.size();
    return text.substr(0, end);
  }

  static std::string left_column(const std::string& text, std::size_t column) {
    if (text.size() >= column) return text + "\n" + std::string(column, ' ');
    return text + std::string(column - text.size(), ' ');
  }

  std::map<std::string, std::string> summaries_;
};

std::string exit_codes_text(const std::vector<ExitCodeDoc>& codes) {
  std::string out = "Exit codes (docs/cli.md):";
  for (const ExitCodeDoc& c : codes) {
    out += fmt::format("\n  {:<4}", c.code) + wrap_text(c.meaning, kHelpWidth, 6);
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t next =
          std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diagonal = row[j];
      row[j] = next;
    }
  }
  return row[b.size()];
}

}  // namespace

ExitCodeDoc exit_ok() {
  return {0, "success"};
}

ExitCodeDoc exit_bad_file(std::string_view what) {
  return {1, what.empty() ? "bad input file: missing, unreadable or invalid (the message says "
                            "where), or an output that cannot be written"
                          : std::string(what)};
}

ExitCodeDoc exit_bad_option() {
  return {2, "bad option: unknown, missing, out of range or conflicting with another"};
}

ExitCodeDoc exit_partial(std::string_view what) {
  return {3, std::string(what)};
}

std::string wrap_text(std::string_view text, std::size_t width, std::size_t indent) {
  std::string out;
  bool first = true;
  for (const std::string& p : paragraphs(text)) {
    if (!first) out += '\n' + (p.empty() ? std::string() : std::string(indent, ' '));
    out += fill(p, width, indent);
    first = false;
  }
  return out;
}

void setup_top_level_help(CLI::App& app) {
  auto formatter = std::make_shared<HelpFormatter>();
  formatter->label("SUBCOMMAND", "COMMAND");
  app.formatter(formatter);
  app.footer(wrap_text(
      "Run 'cellkit COMMAND --help' for a command's options, examples and exit codes (0 "
      "success, 1 bad input file, 2 bad option, 3 partial result; docs/cli.md). Every "
      "command prints the same output for the same input and seed. Documentation: docs/ in "
      "the source tree.",
      kHelpWidth, 0));
}

CLI::App* add_command(CLI::App& app, CommandHelp help) {
  if (auto f = std::dynamic_pointer_cast<HelpFormatter>(app.get_formatter())) {
    f->add_summary(help.name, help.summary);
  }
  CLI::App* cmd = app.add_subcommand(help.name, help.description);
  if (!help.exit_codes.empty()) cmd->footer(exit_codes_text(help.exit_codes));
  return cmd;
}

std::string unknown_command_message(const CLI::App& app, std::string_view word) {
  std::string best;
  std::size_t best_distance = 3;  // suggest only names at most 2 edits away, or prefixes
  for (const CLI::App* sub : app.get_subcommands({})) {
    const std::string& name = sub->get_name();
    if (name == word) return {};
    const std::size_t d =
        word.size() >= 3 && name.starts_with(word) ? 1 : edit_distance(word, name);
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  if (best.empty()) {
    return fmt::format("unknown command '{}' (run 'cellkit --help' for the list)", cut(word));
  }
  return fmt::format("unknown command '{}'; did you mean '{}'?", cut(word), best);
}

}  // namespace cellkit::cli

// Whole-number and non-empty checks attached to every option by its CLI11 type.
#include "option_checks.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cellkit/base/cut.h"

namespace cellkit::cli {
namespace {

// CLI11 would read "-1" as 2^64 − 1 and "0x10" as 16; the empty text as 0.
std::string whole_number_problem(const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty()) return "an empty value is not allowed: give a whole number";
  if (text.find_first_not_of("0123456789") != std::string::npos) {
    return "'" + cut(text) + "' is not a whole number (decimal digits only, no sign)";
  }
  if (error != std::errc() || end != text.data() + text.size()) {
    return "'" + cut(text) + "' is too large (at most 18446744073709551615)";
  }
  return {};
}

std::string empty_text_problem(const std::string& text) {
  return text.empty() ? "an empty value is not allowed" : std::string();
}

void check_options(CLI::App& app) {
  static const CLI::Validator whole_number(whole_number_problem, "", "whole number");
  static const CLI::Validator non_empty(empty_text_problem, "", "non-empty");
  for (CLI::Option* option : app.get_options()) {
    if (option->get_expected_max() == 0) continue;  // a flag
    // Any other type (TEXT, URL, FLOAT, INT) refuses the empty text: CLI11 would read it as
    // 0 ('--fail-rate ""') or keep it ('--control ""' followed nothing, silently).
    if (option->get_type_name() == "UINT")
      option->check(whole_number);
    else
      option->check(non_empty);
  }
  for (CLI::App* sub : app.get_subcommands({}))
    check_options(*sub);
}

// Replaces every occurrence of `text` in `message` by cut(text).
void cut_in(std::string& message, std::string_view text) {
  const std::string shown = cut(text);
  if (shown.size() >= text.size()) return;
  for (std::size_t at = message.find(text); at != std::string::npos;
       at = message.find(text, at + shown.size())) {
    message.replace(at, text.size(), shown);
  }
}

}  // namespace

std::string cut_arguments(std::string message, std::span<char* const> args) {
  for (const char* arg : args) {
    const std::string_view text(arg);
    cut_in(message, text);
    if (const std::size_t eq = text.find('='); text.starts_with("--") && eq != text.npos) {
      cut_in(message, text.substr(eq + 1));
    }
  }
  return message;
}

void check_option_values(CLI::App& app) {
  check_options(app);
}

CLI::Option* add_strategy_option(CLI::App* cmd, Strategy& out, std::span<const Strategy> allowed,
                                 const std::string& help, bool list_in_help) {
  std::vector<std::string_view> names;
  for (Strategy s : allowed)
    names.push_back(to_string(s));
  const std::string set = fmt::format("{{{}}}", fmt::join(names, ","));
  const std::vector<Strategy> members(allowed.begin(), allowed.end());
  CLI::Validator member(
      [members, set](const std::string& text) {
        const std::optional<Strategy> s = parse_strategy(text);
        if (s && std::find(members.begin(), members.end(), *s) != members.end())
          return std::string();
        return cut(text) + " not in " + set;
      },
      list_in_help ? set : std::string());
  return cmd
      ->add_option_function<std::string>(
          "--strategy", [&out](const std::string& text) { out = *parse_strategy(text); }, help)
      ->check(member)
      ->default_str(std::string(to_string(out)));
}

}  // namespace cellkit::cli

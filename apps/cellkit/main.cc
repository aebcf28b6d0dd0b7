// cellkit's command-line entry point: parses the subcommand and reports errors.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "help.h"
#include "option_checks.h"

#ifndef CELLKIT_VERSION
#define CELLKIT_VERSION "unknown"
#endif

namespace {

int run(int argc, char** argv) {
  CLI::App app(
      "cellkit: place tenants on cells, analyze blast radius, and simulate cell-based "
      "architectures.\n\nNew here? Start with 'cellkit demo': the story of cells, tenants, a "
      "router and a tenant whose requests kill cells, in one screen.",
      "cellkit");
  app.set_version_flag("--version", "cellkit " CELLKIT_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  int exit_code = cellkit::cli::kExitOk;
  cellkit::cli::setup_top_level_help(app);
  // Listed in the order a newcomer meets them: the story, placing, changing, measuring,
  // simulating.
  cellkit::cli::add_demo_command(app, exit_code);
  cellkit::cli::add_place_command(app, exit_code);
  cellkit::cli::add_rebalance_command(app, exit_code);
  cellkit::cli::add_analyze_command(app, exit_code);
  cellkit::cli::add_math_command(app, exit_code);
  cellkit::cli::add_simulate_command(app, exit_code);
  cellkit::cli::add_sweep_command(app, exit_code);
  cellkit::cli::add_diagram_command(app, exit_code);
  cellkit::cli::add_cell_command(app, exit_code);
  cellkit::cli::add_control_command(app, exit_code);
  cellkit::cli::add_router_command(app, exit_code);
  cellkit::cli::add_snapshot_command(app, exit_code);
  cellkit::cli::add_up_command(app, exit_code);
  cellkit::cli::check_option_values(app);
  if (argc == 1) {
    std::cerr << "cellkit: give a command; new here? start with 'cellkit demo' (all commands: "
                 "'cellkit --help')\n";
    return cellkit::cli::kExitUsage;
  }
  if (argv[1][0] != '-') {
    if (std::string unknown = cellkit::cli::unknown_command_message(app, argv[1]);
        !unknown.empty()) {
      std::cerr << "cellkit: " << unknown << "\n";
      return cellkit::cli::kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // The command being parsed, if any, has the help that explains its options.
    const std::vector<CLI::App*> parsed = app.get_subcommands();
    const std::string command =
        parsed.empty() ? "cellkit" : "cellkit " + parsed.front()->get_name();
    std::cerr << command << ": "
              << cellkit::cli::cut_arguments(
                     e.what(), std::span<char* const>(argv + 1, static_cast<std::size_t>(argc - 1)))
              << " (see '" << command << " --help')\n";
    return cellkit::cli::kExitUsage;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "cellkit: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "cellkit: internal error\n";
  }
  return cellkit::cli::kExitFailure;
}

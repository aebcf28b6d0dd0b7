// cellkit's command-line entry point: parses the subcommand and reports errors.
#include <exception>
#include <iostream>

#include "commands.h"

#ifndef CELLKIT_VERSION
#define CELLKIT_VERSION "unknown"
#endif

namespace {

int run(int argc, char** argv) {
  CLI::App app(
      "cellkit: place tenants on cells, analyze blast radius, and simulate cell-based "
      "architectures.",
      "cellkit");
  app.set_version_flag("--version", "cellkit " CELLKIT_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  int exit_code = cellkit::cli::kExitOk;
  app.footer(
      "Run 'cellkit <command> --help' for a command's options. Every command prints the same\n"
      "output for the same input and seed. Documentation: docs/ in the source tree.");
  // Listed in the order a newcomer meets them: the story, placing, changing, measuring,
  // simulating.
  cellkit::cli::add_demo_command(app, exit_code);
  cellkit::cli::add_place_command(app, exit_code);
  cellkit::cli::add_rebalance_command(app, exit_code);
  cellkit::cli::add_analyze_command(app, exit_code);
  cellkit::cli::add_math_command(app, exit_code);
  cellkit::cli::add_simulate_command(app, exit_code);
  cellkit::cli::add_diagram_command(app, exit_code);
  cellkit::cli::add_cell_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "cellkit: " << e.what() << " (see 'cellkit --help')\n";
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

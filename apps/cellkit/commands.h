// The CLI's subcommands: each file adds one to the app and reports through exit_code.
#pragma once

#include <CLI/CLI.hpp>

namespace cellkit::cli {

// Exit codes shared by every subcommand (the table is in docs/cli.md; each command's --help
// lists the ones it returns).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed (bad input file, ...)
inline constexpr int kExitUsage = 2;    // an option was wrong
inline constexpr int kExitPartial = 3;  // a partial result (place refused some tenants)

// Registers `cellkit demo`. When it runs, it sets *exit_code.
void add_demo_command(CLI::App& app, int& exit_code);
// Registers `cellkit simulate`.
void add_simulate_command(CLI::App& app, int& exit_code);
// Registers `cellkit math`.
void add_math_command(CLI::App& app, int& exit_code);
// Registers `cellkit analyze`.
void add_analyze_command(CLI::App& app, int& exit_code);
// Registers `cellkit place` (tenants onto cells with a named strategy).
void add_place_command(CLI::App& app, int& exit_code);
// Registers `cellkit rebalance` (a migration plan for a changed fleet).
void add_rebalance_command(CLI::App& app, int& exit_code);
// Registers `cellkit sweep` and `cellkit sweep merge`.
void add_sweep_command(CLI::App& app, int& exit_code);
// Registers `cellkit snapshot` (a mapping as a binary routing snapshot).
void add_snapshot_command(CLI::App& app, int& exit_code);
// Registers `cellkit router` (the live HTTP cell router).
void add_router_command(CLI::App& app, int& exit_code);
// Registers `cellkit diagram` (a mapping's fleet as Mermaid or SVG).
void add_diagram_command(CLI::App& app, int& exit_code);
// Registers `cellkit control` (the control plane as an HTTP/JSON service over a store).
void add_control_command(CLI::App& app, int& exit_code);

// Registers `cellkit cell` (one chip-shop cell as an HTTP server).
void add_cell_command(CLI::App& app, int& exit_code);

// Registers `cellkit up` (a local fleet: cells and a router, supervised).
void add_up_command(CLI::App& app, int& exit_code);

}  // namespace cellkit::cli

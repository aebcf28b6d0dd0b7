// `cellkit demo`: the seed's story.
#include <iostream>
#include <memory>

#include "cellkit/report/demo_report.h"
#include "cellkit/sim/seed_demo.h"
#include "commands.h"
#include "demo_live.h"
#include "help.h"

namespace cellkit::cli {
namespace {

struct DemoArgs {
  DemoOptions options;
  std::string format = "text";
  bool verbose = false;
  bool live = false;
};

int run(const DemoArgs& args) {
  Result<DemoResult> result = args.live ? run_live_demo(args.options) : run_demo(args.options);
  if (!result.is_ok()) {
    std::cerr << "cellkit demo: " << result.status().message() << "\n";
    return result.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  std::cout << (args.format == "json" ? render_demo_json(*result)
                                      : render_demo_text(*result, args.verbose));
  return kExitOk;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DemoArgs>();
  DemoOptions& o = args->options;
  o.names = {.cells = "--cells",
             .tenants = "--tenants",
             .cells_per_tenant = "--cells-per-tenant",
             .requests = "--requests",
             .unlucky_tenant = "--unlucky-tenant"};
  CLI::App* cmd = add_command(
      app,
      {.name = "demo",
       .summary = "Start here: cells, tenants, a router and a tenant whose orders kill cells",
       .description = "Run the seed's story: cells, tenants with k cells each, a router, and an "
                      "unlucky tenant whose orders of 5 bags of chips kill the cell that handles "
                      "them. Same options and seed give byte-identical output.",
       .exit_codes = {exit_ok(), exit_bad_option()}});
  cmd->add_option("--seed", o.seed, "Seed for placement and traffic")->capture_default_str();
  cmd->add_option("--cells", o.cells, "Cells in the fleet (>= 1)")->capture_default_str();
  cmd->add_option("--tenants", o.tenants, "Tenants (>= 1)")->capture_default_str();
  cmd->add_option("--cells-per-tenant", o.cells_per_tenant,
                  "Cells assigned to each tenant, chosen at random (1..cells)")
      ->capture_default_str();
  cmd->add_option("--requests", o.requests, "Requests, each from a tenant chosen at random")
      ->capture_default_str();
  cmd->add_option("--unlucky-tenant", o.unlucky_tenant,
                  "Index of the tenant whose orders of 5 bags kill cells (0..tenants-1)")
      ->capture_default_str();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_flag("-v,--verbose", args->verbose, "List every request, not only notable events");
  cmd->add_flag("--live", args->live,
                "Tell the story over a real local fleet: a `cellkit cell` process per cell and a\n"
                "`cellkit router`; every order is an HTTP request, every dead cell a dead\n"
                "process. Same placement, orders and output as without it (docs/live.md)");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace cellkit::cli

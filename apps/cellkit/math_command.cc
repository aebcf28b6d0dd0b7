// `cellkit math`: the closed-form calculator for random shuffle sharding.
#include <iostream>
#include <memory>

#include "cellkit/analysis/closed_form.h"
#include "cellkit/report/math_report.h"
#include "commands.h"
#include "help.h"

namespace cellkit::cli {
namespace {

struct MathArgs {
  MathOptions options;
  std::uint32_t max_overlap = 0;
  bool has_max_overlap = false;
  std::string format = "text";
};

int run(MathArgs args) {
  if (args.has_max_overlap) args.options.max_overlap = args.max_overlap;
  Result<MathResult> result = compute_math(args.options);
  if (!result.is_ok()) {
    std::cerr << "cellkit math: " << result.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << (args.format == "json" ? render_math_json(*result) : render_math_text(*result));
  return kExitOk;
}

}  // namespace

void add_math_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<MathArgs>();
  MathOptions& o = args->options;
  o.names = {.cells = "--cells",
             .shard_size = "--shard-size",
             .zones = "--zones",
             .max_overlap = "--max-overlap"};
  CLI::App* cmd = add_command(
      app,
      {.name = "math",
       .summary = "Closed forms of random shuffle sharding: distinct shards, overlaps, containment",
       .description =
           "Closed-form blast radius of random shuffle sharding: N cells, shards of k cells.\n"
           "Prints the number of distinct shards C(N,k) exactly, how many cells two random\n"
           "shards share (hypergeometric; per zone with --zones), expected pairs over an overlap\n"
           "limit, the capacity bound C(N,m+1)/C(k,m+1), and the chance a random other tenant is\n"
           "fully inside a poisoned shard, beside plain (disjoint) sharding.",
       .exit_codes = {exit_ok(), exit_bad_option()}});
  cmd->add_option("--cells", o.cells, "Cells N (>= 1)")->required();
  cmd->add_option("--shard-size", o.shard_size, "Cells per tenant k (1..N)")->required();
  cmd->add_option("--zones", o.zones,
                  "Zones z: N/z cells each, k/z cells of every shard in each zone "
                  "(z divides N and k; 0 = no zones)")
      ->capture_default_str();
  cmd->add_option("--tenants", o.tenants,
                  "Tenants T, for expected pair counts and per-cell load (0 = omit)")
      ->capture_default_str();
  cmd->add_option("--max-overlap", args->max_overlap,
                  "Overlap limit m (0..k-1): chance and expected pairs over it, capacity bound "
                  "(default: no limit)");
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([args, cmd, &exit_code] {
    args->has_max_overlap = cmd->count("--max-overlap") > 0;
    exit_code = run(*args);
  });
}

}  // namespace cellkit::cli

// `cellkit cell`: one chip-shop cell as a real HTTP server on loopback.
#include <iostream>
#include <memory>

#include "cellkit/live/cell_server.h"
#include "cellkit/sim/scenario_file.h"
#include "commands.h"

namespace cellkit::cli {
namespace {

struct CellArgs {
  live::CellOptions options;
  std::uint32_t crash_on_bags = 0;
  std::string service_time = "0ms";
  std::uint32_t cut_on_bags = 0;
  std::string body_pace = "0ms";
};

// Parses a duration option into `out`; false (after saying why) when it is not one.
bool read_duration(const std::string& text, std::string_view option, std::string_view examples,
                   Duration& out) {
  Result<Duration> d = sim::parse_duration(text);
  if (!d.is_ok()) {
    std::cerr << "cellkit cell: " << option << ": " << d.status().message() << " (use e.g. "
              << examples << ")\n";
    return false;
  }
  out = *d;
  return true;
}

int run(CellArgs& args) {
  if (!read_duration(args.service_time, "--service-time", "2ms, 500us",
                     args.options.service_time) ||
      !read_duration(args.body_pace, "--body-pace", "100ms, 1s", args.options.body_pace)) {
    return kExitUsage;
  }
  if (args.cut_on_bags != 0) args.options.cut_on_bags = args.cut_on_bags;
  if (args.crash_on_bags != 0) args.options.crash_on_bags = args.crash_on_bags;
  if (Status s = args.options.validate(); !s.is_ok()) {
    std::cerr << "cellkit cell: " << s.message() << "\n";
    return kExitUsage;
  }
  if (Status s = live::run_cell(args.options, std::cout); !s.is_ok()) {
    std::cerr << "cellkit cell: " << s.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_cell_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CellArgs>();
  live::CellOptions& o = args->options;
  CLI::App* cmd = app.add_subcommand(
      "cell",
      "Run one cell of the seed's chip shop as an HTTP server (live mode). Its first line\n"
      "on stdout is 'listening on HOST:PORT'.");
  cmd->footer(
      "It answers GET /healthz, and POST /orders with a JSON body {\"bags\": N} from the\n"
      "tenant named in the X-Tenant header: 200 and a JSON receipt naming the cell. Every\n"
      "response carries X-Cell: <name>. SIGTERM or Ctrl-C stops it. --body-bytes,\n"
      "--body-pace, --chunked and --cut-on-bags shape receipts for streaming tests.\n"
      "Example: cellkit cell --listen 127.0.0.1:0 --name cell-3 --crash-on-bags 5");
  cmd->add_option("--listen", o.listen,
                  "Address to listen on (IPv4 HOST:PORT; port 0 picks a free one)")
      ->capture_default_str();
  cmd->add_option("--name", o.name, "Cell name, echoed in receipts and the X-Cell header")
      ->capture_default_str();
  cmd->add_option("--crash-on-bags", args->crash_on_bags,
                  "An order of exactly this many bags kills the process mid-request (no\n"
                  "response, connection reset), as the seed's poison order; 0 = never")
      ->capture_default_str();
  cmd->add_option("--service-time", args->service_time,
                  "Time each order takes before its receipt (us, ms, s)")
      ->capture_default_str();
  cmd->add_option("--fail-rate", o.fail_rate,
                  "Probability (0..1) that an order is answered 500 instead")
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "Seed for the --fail-rate draws")->capture_default_str();
  cmd->add_option("--body-bytes", o.body_bytes,
                  "Pad each receipt to this many bytes (a \"pad\" field; 0 = no padding)")
      ->capture_default_str();
  cmd->add_option("--body-pace", args->body_pace,
                  "Send receipts in pieces of 64 KiB this far apart (0 = all at once)")
      ->capture_default_str();
  cmd->add_flag("--chunked", o.chunked, "Send receipts with Transfer-Encoding: chunked");
  cmd->add_option("--cut-on-bags", args->cut_on_bags,
                  "An order of exactly this many bags gets its head and half its receipt,\n"
                  "then the process dies (the connection closes mid-body); 0 = never")
      ->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace cellkit::cli

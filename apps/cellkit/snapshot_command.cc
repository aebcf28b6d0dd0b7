// `cellkit snapshot`: a mapping (or a snapshot) as a binary routing snapshot (CKSNAP02), the
// form a router loads fastest.
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cellkit/core/routing_table.h"
#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/snapshot_file.h"
#include "commands.h"
#include "help.h"

namespace cellkit::cli {
namespace {

struct SnapshotArgs {
  std::string input;
  std::string output;
  std::uint64_t routing_version = 0;  // 0: the input's own
};

int run(const SnapshotArgs& args) {
  Result<RoutingSnapshot> snapshot = live::load_snapshot_file(args.input);
  if (!snapshot.is_ok()) {
    std::cerr << "cellkit snapshot: " << snapshot.status().message() << "\n";
    return kExitFailure;
  }
  if (args.routing_version > 0) snapshot->version = args.routing_version;
  // Validated whole, as a router would: a file that no router would take is not written.
  Result<RoutingTable> table = RoutingTable::build(*snapshot);
  if (!table.is_ok()) {
    std::cerr << "cellkit snapshot: " << args.input << ": " << table.status().message() << "\n";
    return kExitFailure;
  }
  const std::vector<std::byte> bytes = encode_snapshot(*snapshot);
  if (Status s = live::save_snapshot_bytes(args.output, bytes); !s.is_ok()) {
    std::cerr << "cellkit snapshot: " << s.message() << "\n";
    return kExitFailure;
  }
  std::cout << fmt::format("{}: routing version {}, {} tenants, {} cells, {} bytes (CKSNAP02)\n",
                           args.output, table->version(), table->tenant_count(),
                           table->cells().size(), bytes.size());
  return kExitOk;
}

}  // namespace

void add_snapshot_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SnapshotArgs>();
  CLI::App* cmd = add_command(
      app, {.name = "snapshot",
            .summary = "Write a mapping as a binary routing snapshot for cellkit router",
            .description =
                "Read a mapping JSON document (or a snapshot) and write it as a binary routing\n"
                "snapshot (CKSNAP02, docs/mapping-format.md): what `cellkit router --snapshot`\n"
                "and PUT /admin/snapshot take fastest, and what a router persists in its\n"
                "--state-dir. The snapshot is validated whole first, as a router would; an\n"
                "invalid one is not written. The file is written atomically (temporary file,\n"
                "fsync, rename). The same input always gives the same bytes.",
            .exit_codes = {exit_ok(),
                           exit_bad_file("bad or invalid input, or the output cannot be written"),
                           exit_bad_option()}});
  cmd->add_option("input", args->input, "Mapping JSON (with cell endpoints) or snapshot file")
      ->required();
  cmd->add_option("-o,--output", args->output, "The snapshot file to write")->required();
  cmd->add_option("--routing-version", args->routing_version,
                  "Serve as this routing version instead of the input's own (at least 1)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{UINT64_MAX}));
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace cellkit::cli

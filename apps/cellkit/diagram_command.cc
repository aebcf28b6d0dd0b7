// `cellkit diagram`: the fleet of a mapping file as a Mermaid flowchart or an SVG picture.
#include <iostream>
#include <memory>

#include "cellkit/io/mapping_file.h"
#include "cellkit/report/diagram.h"
#include "commands.h"
#include "help.h"

namespace cellkit::cli {
namespace {

struct DiagramArgs {
  std::string path;
  std::string format = "mermaid";
  std::string output;
  std::size_t max_cells = DiagramLimits{}.cells;
  std::size_t max_tenants = DiagramLimits{}.tenants;
};

int run(const DiagramArgs& args) {
  Result<MappingDocument> doc = read_mapping_file(args.path);
  if (!doc.is_ok()) {
    std::cerr << "cellkit diagram: " << doc.status().message() << "\n";
    return kExitFailure;
  }
  const FleetDiagram diagram = diagram_of(doc->fleet, doc->mapping, doc->tenants, doc->zone_names);
  const DiagramLimits limits{.cells = args.max_cells, .tenants = args.max_tenants};
  const std::string text = args.format == "svg" ? render_diagram_svg(diagram, limits, true)
                                                : render_diagram_mermaid(diagram, limits);
  if (args.output.empty() || args.output == "-") {
    std::cout << text;
    return kExitOk;
  }
  if (Status s = write_file_atomically(args.output, text); !s.is_ok()) {
    std::cerr << "cellkit diagram: " << s.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_diagram_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DiagramArgs>();
  CLI::App* cmd = add_command(
      app,
      {.name = "diagram",
       .summary = "Draw a mapping's fleet as a Mermaid flowchart or an SVG picture",
       .description =
           "Draw the fleet of a mapping file (JSON or CSV): control plane, router, cells grouped "
           "by\n"
           "zone and coloured by health, and each tenant's cells. Beyond --max-cells cells, cells\n"
           "are drawn as their zones; beyond --max-tenants tenants, tenants with the same cells\n"
           "(or zones) are drawn as one group, the largest groups first. The output says so.\n"
           "Mermaid text stays under Mermaid's 50,000-character limit.",
       .exit_codes = {exit_ok(), exit_bad_file("bad mapping file, or the output cannot be written"),
                      exit_bad_option()}});
  cmd->add_option("mapping", args->path, "Mapping file: .json (cellkit's format) or .csv")
      ->required();
  cmd->add_option("--format", args->format,
                  "mermaid (a flowchart for Markdown) or svg (a picture; no script needed)")
      ->check(CLI::IsMember({"mermaid", "svg"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", args->output, "Write to this file instead of stdout");
  cmd->add_option("--max-cells", args->max_cells, "Most cells drawn one by one")
      ->check(CLI::Range(std::size_t{1}, std::size_t{200}))
      ->capture_default_str();
  cmd->add_option("--max-tenants", args->max_tenants, "Most tenant nodes drawn")
      ->check(CLI::Range(std::size_t{2}, std::size_t{300}))
      ->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace cellkit::cli

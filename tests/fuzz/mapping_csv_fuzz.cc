// Fuzz target: CSV mappings. Either an error naming file and line, or a document whose CSV
// export reads back to the same tenants, shards and cell names.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cellkit/io/mapping_file.h"
#include "fuzz/fuzz_check.h"

namespace {

// The cell names of each tenant's shard, in order: what the CSV form carries.
std::vector<std::vector<std::string>> shard_names(const cellkit::MappingDocument& doc) {
  std::vector<std::vector<std::string>> out;
  for (const cellkit::Tenant& t : doc.tenants) {
    std::vector<std::string>& names = out.emplace_back();
    names.push_back(t.name);
    for (cellkit::CellId c : *doc.mapping.find_shard(t.id))
      names.push_back(doc.fleet.cell(c).name);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cellkit;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Result<MappingDocument> doc = parse_mapping_csv(text, "fuzz.csv");
  if (!doc.is_ok()) {
    fuzz::require_located(doc.status(), "fuzz.csv:");
    return 0;
  }
  ReadReport report;
  (void)parse_mapping_csv(text, "fuzz.csv", {.lenient = true}, &report);
  const Result<std::string> written = write_mapping_csv(*doc);
  if (!written.is_ok()) return 0;  // a name the CSV form cannot carry back: refused by name
  const Result<MappingDocument> again = parse_mapping_csv(*written, "again.csv");
  fuzz::require(again.is_ok(), "a parsed CSV mapping that does not read back");
  fuzz::require(shard_names(*again) == shard_names(*doc),
                "a CSV mapping that reads back different");
  return 0;
}

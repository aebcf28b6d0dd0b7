// Fuzz target: mapping JSON. Either a located error, or a document that writes back and
// reads again to the same value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cellkit/io/mapping_file.h"
#include "cellkit/io/placement_document.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cellkit;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Result<MappingDocument> doc = parse_mapping_json(text, "fuzz.json");
  if (!doc.is_ok()) {
    fuzz::require_located(doc.status(), "fuzz.json:");
    return 0;
  }
  const std::string written = write_mapping_json(*doc);
  const Result<MappingDocument> again = parse_mapping_json(written, "again.json");
  fuzz::require(again.is_ok(), "a parsed mapping that does not read back");
  fuzz::require(*again == *doc, "a mapping that reads back different");
  (void)placement_from(*doc);  // validates or refuses; must not crash
  return 0;
}

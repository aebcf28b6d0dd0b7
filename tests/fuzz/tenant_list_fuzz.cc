// Fuzz target: tenant lists. Either an error naming file and line, or tenants that, written
// back as name,weight,shard_size lines, read again the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cellkit/io/tenant_list.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cellkit;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Result<std::vector<Tenant>> tenants = parse_tenant_list(text, "fuzz.txt", 3, 7);
  if (!tenants.is_ok()) {
    fuzz::require_located(tenants.status(), "fuzz.txt:");
    return 0;
  }
  std::string written;
  for (const Tenant& t : *tenants) {
    written += t.name + "," + std::to_string(t.weight) + "," + std::to_string(t.shard_size) + "\n";
  }
  const Result<std::vector<Tenant>> again = parse_tenant_list(written, "again.txt", 3, 7);
  fuzz::require(again.is_ok(), "a parsed tenant list that does not read back");
  fuzz::require(*again == *tenants, "a tenant list that reads back different");
  return 0;
}

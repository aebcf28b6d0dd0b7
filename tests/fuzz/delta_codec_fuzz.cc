// Fuzz target: the routing-delta codec. Either kDataLoss, or a delta that encodes back to the
// same bytes and that apply_delta applies to a small table or refuses, without crashing.
#include <cstddef>
#include <cstdint>
#include <span>

#include "cellkit/core/delta_codec.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cellkit;
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  const Result<RoutingDelta> delta = decode_delta(bytes);
  if (!delta.is_ok()) {
    fuzz::require(delta.status().code() == StatusCode::kDataLoss, "an error other than data loss");
    return 0;
  }
  fuzz::require(encode_delta(*delta) == std::vector<std::byte>(bytes.begin(), bytes.end()),
                "a delta that does not encode back to its bytes");
  FlatSnapshot base{.version = delta->parent, .cells = {CellId{0}, CellId{1}}};
  base.shards.add(TenantId{0}, std::vector{CellId{0}, CellId{1}});
  const Result<FlatSnapshot> applied = apply_delta(base, *delta);
  if (applied.is_ok()) (void)RoutingTable::build(FlatSnapshot(*applied));
  return 0;
}

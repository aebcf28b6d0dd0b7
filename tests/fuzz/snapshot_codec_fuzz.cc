// Fuzz target: the routing-snapshot codec. Either kDataLoss, or a snapshot that encodes back
// to the same bytes and that RoutingTable::build validates or refuses without crashing.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "cellkit/core/snapshot_codec.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cellkit;
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  const Result<RoutingSnapshot> snapshot = decode_snapshot(bytes);
  if (!snapshot.is_ok()) {
    fuzz::require(snapshot.status().code() == StatusCode::kDataLoss,
                  "an error other than data loss");
    return 0;
  }
  const std::vector<std::byte> encoded = encode_snapshot(*snapshot);
  const Result<RoutingSnapshot> again = decode_snapshot(encoded);
  fuzz::require(again.is_ok() && *again == *snapshot, "a snapshot that does not decode back");
  (void)RoutingTable::build(*snapshot);
  return 0;
}

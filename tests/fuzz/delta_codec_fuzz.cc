// Fuzz target: the routing-delta codec. Either kDataLoss, or a delta that encodes back to the
// same bytes and that apply_delta applies to a small table or refuses, without crashing.
// A mutated body almost never matches its checksum, so unless the first checksum byte is
// odd the checksum is written over with the body's own: the decoder and apply_delta are
// reached, and the checksum's own check is still fuzzed.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "cellkit/base/hash.h"
#include "cellkit/core/delta_codec.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cellkit;
  std::vector<std::byte> input(reinterpret_cast<const std::byte*>(data),
                               reinterpret_cast<const std::byte*>(data) + size);
  if (size >= 16 && (data[size - 8] & 1) == 0) {
    const std::uint64_t sum = hash64(std::span<const std::byte>(input).first(size - 8));
    for (std::size_t i = 0; i < 8; ++i)
      input[size - 8 + i] = static_cast<std::byte>(sum >> (8 * i));
  }
  const std::span<const std::byte> bytes(input);
  const Result<RoutingDelta> delta = decode_delta(bytes);
  if (!delta.is_ok()) {
    fuzz::require(delta.status().code() == StatusCode::kDataLoss, "an error other than data loss");
    return 0;
  }
  fuzz::require(encode_delta(*delta) == input, "a delta that does not encode back to its bytes");
  FlatSnapshot base{.version = delta->parent, .cells = {CellId{0}, CellId{1}}};
  base.shards.add(TenantId{0}, std::vector{CellId{0}, CellId{1}});
  const Result<FlatSnapshot> applied = apply_delta(base, *delta);
  if (applied.is_ok()) (void)RoutingTable::build(FlatSnapshot(*applied));
  return 0;
}

// Fuzz target: the body of PUT /admin/snapshot (or a --snapshot file) going through the
// router's one offer path, SnapshotHolder::offer_bytes (no state directory: nothing is
// written). Either a refusal whose reason names where it failed, or an accepted snapshot
// that serves its version, validates, round-trips through the codec (what a router with a
// state directory persists and restores), and is then refused as not newer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/snapshot_file.h"
#include "cellkit/live/snapshot_holder.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cellkit;
  using namespace cellkit::live;
  constexpr std::string_view kSource = "PUT /admin/snapshot";
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  SnapshotHolder holder;
  const OfferResult r = holder.offer_bytes(bytes, kSource);
  fuzz::require(r.accepted() == r.reason.empty(), "a verdict and a reason that disagree");
  fuzz::require(r.reason.size() < 4096, "a refusal longer than 4 KiB");
  if (!r.accepted()) {
    fuzz::require(r.verdict == OfferVerdict::kInvalid || r.verdict == OfferVerdict::kNotNewer,
                  "a refusal other than invalid or not newer (nothing is persisted)");
    fuzz::require(r.reason.starts_with(kSource) || r.reason.starts_with("version "),
                  "a refusal that names neither the request nor the version");
    fuzz::require(!holder.ready() && holder.rejected() == 1, "a refusal that changed the table");
    return 0;
  }
  const Result<RoutingSnapshot> snapshot = parse_snapshot(bytes, kSource);
  fuzz::require(snapshot.is_ok(), "an accepted snapshot that does not decode");
  fuzz::require(holder.ready() && holder.table()->version() == snapshot->version &&
                    r.serving == snapshot->version && r.offered == snapshot->version,
                "an accepted snapshot that does not serve its version");
  fuzz::require(RoutingTable::build(*snapshot).is_ok(), "an accepted snapshot that is invalid");
  const std::vector<std::byte> encoded = encode_snapshot(*snapshot);
  const Result<RoutingSnapshot> restored = decode_snapshot(encoded);
  fuzz::require(restored.is_ok() && *restored == *snapshot,
                "an accepted snapshot that does not round-trip through the codec");
  const std::shared_ptr<const RoutingTable> table = holder.table();
  for (const auto& [tenant, name] : snapshot->tenant_names) {
    fuzz::require(table->find_tenant(name) == tenant, "a tenant not found by its name");
  }
  const OfferResult again = holder.offer_bytes(bytes, kSource);
  fuzz::require(again.verdict == OfferVerdict::kNotNewer && holder.table() == table,
                "the same snapshot accepted twice");
  return 0;
}

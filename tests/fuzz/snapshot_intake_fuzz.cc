// Fuzz target: the body of PUT /admin/snapshot (or a --snapshot file) going through the
// router's one offer path, SnapshotHolder::offer_bytes (no state directory: nothing is
// written). Either a refusal whose reason names where it failed, or an accepted snapshot
// that serves its version, validates, round-trips through the codec (what a router with a
// state directory persists and restores), and is then refused as not newer. Then the
// mapping JSON reader a router applies, parse_routing_snapshot_json: a snapshot that
// round-trips through the codec, or a located error, and the same result as the document
// reader (parse_mapping_json) gives; the streaming reader and the body taken in pieces
// (SnapshotIntake) agree with it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cellkit/core/snapshot_codec.h"
#include "cellkit/io/mapping_file.h"
#include "cellkit/io/routing_snapshot.h"
#include "cellkit/live/snapshot_file.h"
#include "cellkit/live/snapshot_holder.h"
#include "cellkit/live/snapshot_intake.h"
#include "fuzz/fuzz_check.h"

namespace {

using namespace cellkit;
constexpr std::string_view kSource = "PUT /admin/snapshot";

// The piece size the input's length picks: 1 to 64 bytes, so splits land everywhere.
std::size_t piece_of(std::string_view bytes) {
  return bytes.size() % 64 + 1;
}

bool same(const Result<FlatSnapshot>& a, const Result<FlatSnapshot>& b) {
  if (a.is_ok() != b.is_ok()) return false;
  return a.is_ok() ? *a == *b : a.status().message() == b.status().message();
}

// The flat snapshot of the mapping JSON in `bytes`, checked against the document reader,
// the streaming reader, the codec and a body taken in pieces.
void check_mapping_reader(std::string_view bytes) {
  const Result<FlatSnapshot> flat = parse_routing_snapshot_json(bytes, kSource);
  Result<FlatSnapshot> through_document = [&]() -> Result<FlatSnapshot> {
    Result<MappingDocument> doc = parse_mapping_json(bytes, kSource);
    if (!doc.is_ok()) return doc.status();
    return flatten(routing_snapshot_of(*doc));
  }();
  fuzz::require(same(flat, through_document), "the flat reader and the document reader differ");
  RoutingSnapshotJsonStream stream;
  for (std::size_t at = 0; at < bytes.size(); at += piece_of(bytes))
    stream.feed(bytes.substr(at, piece_of(bytes)));
  if (const std::optional<FlatSnapshot> streamed = stream.finish()) {
    fuzz::require(flat.is_ok() && *streamed == *flat, "the streaming reader took another value");
  }
  live::SnapshotIntake intake{std::string(kSource)};
  for (std::size_t at = 0; at < bytes.size(); at += piece_of(bytes))
    intake.add(bytes.substr(at, piece_of(bytes)));
  fuzz::require(same(intake.finish(), live::parse_flat_snapshot(bytes, kSource)),
                "a body taken in pieces decoded otherwise than whole");
  if (!flat.is_ok()) {
    fuzz::require_located(flat.status(), kSource);
    return;
  }
  const Result<FlatSnapshot> restored = decode_flat_snapshot(encode_snapshot(*flat));
  fuzz::require(restored.is_ok() && *restored == *flat,
                "a mapping's snapshot that does not round-trip through the codec");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cellkit::live;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_mapping_reader(bytes);
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

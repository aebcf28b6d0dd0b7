// What both stores share: opening by spec, the pointer and report records, blob checks.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cellkit/base/cut.h"
#include "cellkit/core/delta_codec.h"
#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/sha256.h"
#include "stores.h"

namespace cellkit::live {
namespace {

using nlohmann::json;

// A publication file's name as the file store writes it: "<version>-<16 hex>.pub" (no path).
bool publication_name(std::string_view name) {
  const std::optional<std::uint64_t> version = blob_version(name);
  const std::size_t dash = name.find('-');
  if (!version || dash == std::string_view::npos || name.size() != dash + 1 + 16 + 4 ||
      !name.ends_with(".pub")) {
    return false;
  }
  return std::all_of(
      name.begin() + static_cast<std::ptrdiff_t>(dash) + 1, name.end() - 4,
      [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'); });
}

bool valid_fleet(std::string_view fleet) {
  if (fleet.empty() || fleet.size() > 64) return false;
  for (char c : fleet) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

json blob_json(const BlobRef& ref) {
  return {{"sha256", ref.sha256}, {"parts", ref.parts}, {"bytes", ref.bytes}};
}

// Reads a field of the expected JSON type or fails naming it.
template <class T>
Result<T> field(const json& object, std::string_view where, const char* name) {
  auto it = object.find(name);
  const bool ok = it != object.end() && (std::is_same_v<T, std::string>
                                             ? it->is_string()
                                             : it->is_number_unsigned() || it->is_number_integer());
  if (!ok)
    return data_loss(fmt::format("{}: field '{}' is missing or has the wrong type", where, name));
  return it->get<T>();
}

Result<BlobRef> parse_blob_fields(const json& object, const std::string& where) {
  Result<std::string> sha = field<std::string>(object, where, "sha256");
  Result<std::uint32_t> parts = field<std::uint32_t>(object, where, "parts");
  Result<std::uint64_t> bytes = field<std::uint64_t>(object, where, "bytes");
  if (!sha.is_ok()) return sha.status();
  if (!parts.is_ok()) return parts.status();
  if (!bytes.is_ok()) return bytes.status();
  return BlobRef{.sha256 = *sha, .parts = *parts, .bytes = *bytes};
}

Result<BlobRef> parse_blob(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_object()) {
    return data_loss(fmt::format("pointer: field '{}' is missing or not an object", name));
  }
  return parse_blob_fields(*it, fmt::format("pointer.{}", name));
}

json versioned_blob_json(std::uint64_t version, const BlobRef& ref) {
  json out = blob_json(ref);
  out["version"] = version;
  return out;
}

// Format 2's base and deltas into `p`: each delta one version after the one before, the
// last at the pointer's version.
Status parse_chain(const json& object, Pointer& p) {
  Result<BlobRef> base = parse_blob(object, "base");
  if (!base.is_ok()) return base.status();
  Result<std::uint64_t> base_version =
      field<std::uint64_t>(object.at("base"), "pointer.base", "version");
  if (!base_version.is_ok()) return base_version.status();
  p.snapshot = *base;
  p.base_version = *base_version;
  auto deltas = object.find("deltas");
  if (deltas == object.end() || !deltas->is_array() || deltas->empty()) {
    return data_loss("pointer: field 'deltas' is missing or not a non-empty array");
  }
  for (std::size_t i = 0; i < deltas->size(); ++i) {
    const std::string where = fmt::format("pointer.deltas[{}]", i);
    const json& d = (*deltas)[i];
    if (!d.is_object()) return data_loss(fmt::format("{} is not an object", where));
    Result<BlobRef> blob = parse_blob_fields(d, where);
    Result<std::uint64_t> version = field<std::uint64_t>(d, where, "version");
    if (!blob.is_ok()) return blob.status();
    if (!version.is_ok()) return version.status();
    if (*version != p.base_version + i + 1) {
      return data_loss(fmt::format("{}: version {} does not follow version {}", where, *version,
                                   p.base_version + i));
    }
    p.deltas.push_back({.version = *version, .blob = *blob});
  }
  if (p.deltas.back().version != p.version) {
    return data_loss(fmt::format("pointer: its deltas end at version {}, not at its version {}",
                                 p.deltas.back().version, p.version));
  }
  return Status::ok();
}

Result<json> parse_object(std::string_view text, std::string_view what) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return data_loss(fmt::format("{} is not a JSON object", what));
  }
  return parsed;
}

}  // namespace

Result<std::unique_ptr<Store>> open_store(std::string_view spec, const StoreOptions& options) {
  if (!valid_fleet(options.fleet)) {
    return invalid_argument(
        fmt::format("--fleet '{}' must be 1-64 characters of A-Z a-z 0-9 - _", cut(options.fleet)));
  }
  if (spec.starts_with("file:") && spec.size() > 5) {
    return make_file_store(std::filesystem::path(spec.substr(5)), options);
  }
  if (spec.starts_with("etcd:")) {
    Result<HttpUrl> url = parse_http_url(spec.substr(5));
    if (!url.is_ok()) return invalid_argument(fmt::format("--store: {}", url.status().message()));
    return make_etcd_store(std::move(url).value(), options);
  }
  return invalid_argument(
      fmt::format("--store '{}' must be file:DIR or etcd:http://HOST:PORT", cut(spec)));
}

std::string pointer_json(const Pointer& p) {
  json out = {{"version", p.version}, {"state", blob_json(p.state)}, {"writer", p.writer}};
  if (p.deltas.empty()) {
    out["snapshot"] = blob_json(p.snapshot);
  } else {
    json deltas = json::array();
    for (const DeltaRef& d : p.deltas)
      deltas.push_back(versioned_blob_json(d.version, d.blob));
    out["format"] = 2;
    out["base"] = versioned_blob_json(p.base_version, p.snapshot);
    out["deltas"] = std::move(deltas);
  }
  if (!p.publication.empty()) {
    out["format"] = 3;
    out["publication"] = p.publication;
  }
  return out.dump();
}

Result<Pointer> parse_pointer(std::string_view text) {
  Result<json> object = parse_object(text, "the routing pointer");
  if (!object.is_ok()) return object.status();
  Result<std::uint64_t> version = field<std::uint64_t>(*object, "pointer", "version");
  Result<std::string> writer = field<std::string>(*object, "pointer", "writer");
  if (!version.is_ok()) return version.status();
  if (!writer.is_ok()) return writer.status();
  Pointer p{.version = *version, .writer = *writer};
  const auto format = object->find("format");
  const bool chained = format != object->end() && (*format == 2 || object->contains("deltas"));
  if (format != object->end() && *format != 2 && *format != 3) {
    return data_loss(fmt::format(
        "pointer: format {} is not one this cellkit reads (1, 2 or 3): a newer cellkit wrote it",
        cut(format->dump())));
  }
  if (format != object->end() && *format == 3) {
    Result<std::string> publication = field<std::string>(*object, "pointer", "publication");
    if (!publication.is_ok()) return publication.status();
    if (!publication_name(*publication)) {
      return data_loss(fmt::format(
          "pointer: field 'publication' ('{}') is not <version>-<16 hex>.pub", cut(*publication)));
    }
    p.publication = *publication;
  }
  if (!chained) {
    Result<BlobRef> snapshot = parse_blob(*object, "snapshot");
    if (!snapshot.is_ok()) return snapshot.status();
    p.snapshot = *snapshot;
  } else if (Status s = parse_chain(*object, p); !s.is_ok()) {
    return s;
  }
  Result<BlobRef> state = parse_blob(*object, "state");
  if (!state.is_ok()) return state.status();
  p.state = *state;
  return p;
}

bool chains_delta(const Publication& pub, const Pointer& parent) {
  std::uint64_t chain_bytes = pub.delta.size();
  for (const DeltaRef& d : parent.deltas)
    chain_bytes += d.blob.bytes;
  return !pub.delta.empty() && parent.version != 0 && parent.version + 1 == pub.version &&
         parent.deltas.size() < kChainLinks && chain_bytes <= kChainBytes;
}

Status check_whole_given(const Publication& pub, const Pointer& parent) {
  if (pub.snapshot.empty() && !chains_delta(pub, parent)) {
    return invalid_argument(fmt::format(
        "version {} cannot be chained on version {} and comes without its whole snapshot",
        pub.version, parent.version));
  }
  return Status::ok();
}

Pointer next_pointer(const Publication& pub, const Pointer& parent) {
  Pointer next{.version = pub.version, .state = blob_ref(pub.state), .writer = pub.writer};
  const auto as_view = [](const std::vector<std::byte>& b) {
    return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
  };
  if (!chains_delta(pub, parent)) {
    next.snapshot = blob_ref(as_view(pub.snapshot));
    return next;
  }
  next.snapshot = parent.snapshot;
  next.base_version = parent.base();
  next.deltas = parent.deltas;
  next.deltas.push_back({.version = pub.version, .blob = blob_ref(as_view(pub.delta))});
  return next;
}

Result<std::string> materialize(std::string_view base, const std::vector<std::string>& deltas) {
  Result<FlatSnapshot> decoded =
      decode_flat_snapshot(std::as_bytes(std::span(base.data(), base.size())));
  if (!decoded.is_ok()) return decoded.status();
  FlatSnapshot snapshot = std::move(decoded).value();
  std::uint64_t digest = deltas.empty() ? 0 : routing_digest(snapshot);
  for (const std::string& bytes : deltas) {
    Result<RoutingDelta> delta = decode_delta(std::as_bytes(std::span(bytes.data(), bytes.size())));
    if (!delta.is_ok()) return delta.status();
    Result<FlatSnapshot> next = apply_delta(snapshot, *delta, digest);
    if (!next.is_ok()) return next.status();
    snapshot = std::move(next).value();
    digest = delta->digest;
  }
  const std::vector<std::byte> encoded = encode_snapshot(snapshot);
  return std::string(reinterpret_cast<const char*>(encoded.data()), encoded.size());
}

std::string report_json(const RouterReport& r) {
  json out = {{"router", r.router},
              {"applied", r.applied},
              {"rejected", r.rejected},
              {"reason", r.reason},
              {"stale_since_ms", r.stale_since_ms}};
  if (!r.rejected_as.empty()) out["rejected_as"] = r.rejected_as;  // absent before deltas
  return out.dump();
}

Result<RouterReport> parse_report(std::string_view text) {
  Result<json> object = parse_object(text, "a router report");
  if (!object.is_ok()) return object.status();
  Result<std::string> router = field<std::string>(*object, "report", "router");
  Result<std::uint64_t> applied = field<std::uint64_t>(*object, "report", "applied");
  Result<std::uint64_t> rejected = field<std::uint64_t>(*object, "report", "rejected");
  Result<std::string> reason = field<std::string>(*object, "report", "reason");
  Result<std::int64_t> stale = field<std::int64_t>(*object, "report", "stale_since_ms");
  for (const Status& s :
       {router.status(), applied.status(), rejected.status(), reason.status(), stale.status()}) {
    if (!s.is_ok()) return s;
  }
  // Reports written before deltas say no "rejected_as" (their refusals were whole).
  std::string rejected_as;
  if (object->contains("rejected_as")) {
    Result<std::string> as = field<std::string>(*object, "report", "rejected_as");
    if (!as.is_ok()) return as.status();
    rejected_as = *as;
  }
  if (rejected_as != "" && rejected_as != "snapshot" && rejected_as != "delta") {
    return data_loss(
        fmt::format("report: field 'rejected_as' ('{}') must be \"snapshot\", \"delta\" or \"\"",
                    cut(rejected_as)));
  }
  return RouterReport{.router = *router,
                      .applied = *applied,
                      .rejected = *rejected,
                      .reason = *reason,
                      .rejected_as = std::move(rejected_as),
                      .stale_since_ms = *stale};
}

BlobRef blob_ref(std::string_view bytes) {
  return BlobRef{
      .sha256 = sha256_hex(bytes),
      .parts = static_cast<std::uint32_t>((bytes.size() + kChunkBytes - 1) / kChunkBytes),
      .bytes = bytes.size()};
}

Status check_blob(std::string_view what, std::string_view bytes, const BlobRef& ref) {
  if (bytes.size() != ref.bytes) {
    return data_loss(
        fmt::format("{} has {} bytes, the pointer says {}", what, bytes.size(), ref.bytes));
  }
  if (sha256_hex(bytes) != ref.sha256) {
    return data_loss(fmt::format("{} does not match the pointer's sha256 {}", what, ref.sha256));
  }
  return Status::ok();
}

Status Store::keep_leadership() {
  return Status::ok();  // a leadership that does not expire (the file store's flock)
}

Result<std::vector<std::string>> Store::read_deltas(const Pointer& /*pointer*/,
                                                    std::uint64_t /*after*/) {
  return std::vector<std::string>{};  // a store without deltas: read the whole snapshot
}

Result<std::string> read_whole(const Pointer& p, const ReadRoutingBlob& read) {
  Result<std::string> base = read("snap", p.base(), p.snapshot);
  if (!base.is_ok() || p.deltas.empty()) return base;
  Result<std::vector<std::string>> deltas = read_chain(p, p.base(), read);
  if (!deltas.is_ok()) return deltas.status();
  return materialize(*base, *deltas);
}

Result<std::vector<std::string>> read_chain(const Pointer& p, std::uint64_t after,
                                            const ReadRoutingBlob& read) {
  std::vector<std::string> out;
  if (p.deltas.empty() || after < p.base() || after >= p.version) return out;
  for (const DeltaRef& d : p.deltas) {
    if (d.version <= after) continue;
    Result<std::string> bytes = read("delta", d.version, d.blob);
    if (!bytes.is_ok()) return bytes.status();
    out.push_back(std::move(bytes).value());
  }
  return out;
}

Result<BlobRef> Store::write_base(std::uint64_t /*version*/,
                                  std::span<const std::byte> /*snapshot*/) {
  return failed_precondition(fmt::format("{} keeps no deltas", describe()));
}

Result<PublishReply> Store::rebase(const Pointer& /*current*/, std::uint64_t /*base_version*/,
                                   const BlobRef& /*base*/, std::int64_t /*expected_revision*/) {
  return failed_precondition(fmt::format("{} keeps no deltas", describe()));
}

std::optional<Pointer> rebased_pointer(const Pointer& current, std::uint64_t base_version,
                                       const BlobRef& base) {
  if (base_version <= current.base() || base_version > current.version) return std::nullopt;
  Pointer next{.version = current.version,
               .snapshot = base,
               .state = current.state,
               .writer = current.writer,
               .publication = current.publication};
  for (const DeltaRef& d : current.deltas) {
    if (d.version > base_version) next.deltas.push_back(d);
  }
  if (!next.deltas.empty()) next.base_version = base_version;
  return next;
}

Result<std::vector<std::uint64_t>> Store::stored_versions() {
  return failed_precondition(fmt::format("{} keeps no versions", describe()));
}

Status Store::delete_version(std::uint64_t /*version*/) {
  return failed_precondition(fmt::format("{} keeps no versions", describe()));
}

std::optional<std::uint64_t> blob_version(std::string_view name) {
  std::uint64_t version = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), version);
  if (error != std::errc() || end == name.data() || end == name.data() + name.size() ||
      *end != '-') {
    return std::nullopt;
  }
  return version;
}

std::string blob_name(std::uint64_t version, const BlobRef& ref) {
  return fmt::format("{}-{}", version, std::string_view(ref.sha256).substr(0, 16));
}

Status ReportLedger::report(const RouterReport& report, const Keep& keep, const Write& write,
                            Clock::time_point now) {
  std::lock_guard lock(mutex_);
  drop_expired(now);
  std::int64_t lease = 0;  // a new one unless the record's is still alive
  if (auto it = entries_.find(report.router); it != entries_.end() && keep(it->second.lease)) {
    it->second.refreshed = now;
    if (it->second.record == report) return Status::ok();
    lease = it->second.lease;
  }
  Result<std::int64_t> written = write(report, lease);
  if (!written.is_ok()) {
    entries_.erase(report.router);
    return written.status();
  }
  entries_[report.router] = Entry{.record = report, .lease = *written, .refreshed = now};
  return Status::ok();
}

std::size_t ReportLedger::size(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  drop_expired(now);
  return entries_.size();
}

void ReportLedger::drop_expired(Clock::time_point now) {
  std::erase_if(entries_,
                [&](const auto& entry) { return now - entry.second.refreshed >= lease_; });
}

std::int64_t unix_ms_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace cellkit::live

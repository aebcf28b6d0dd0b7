// Taking a snapshot offer's body as it arrives: mapping JSON streamed, anything else whole.
#include "cellkit/live/snapshot_intake.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "cellkit/live/snapshot_file.h"

namespace cellkit::live {

SnapshotIntake::SnapshotIntake(std::string source) : source_(std::move(source)) {}

SnapshotIntake::~SnapshotIntake() {
  if (spool_ != nullptr) std::fclose(spool_);
}

void SnapshotIntake::add(std::string_view bytes) {
  if (form_ == Form::kJson) {
    keep(bytes);
    if (streaming_) streaming_ = stream_.feed(bytes);
    return;
  }
  whole_.append(bytes);
  if (form_ == Form::kWhole) return;
  // The form is known at the first byte that is not whitespace, as parse_flat_snapshot
  // tells them apart.
  const auto first = whole_.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return;
  if (whole_[first] != '{') {
    form_ = Form::kWhole;
    return;
  }
  start_json();
}

void SnapshotIntake::start_json() {
  form_ = Form::kJson;
  // An unlinked file in the temporary directory: nothing to remove, whatever happens. The
  // alternative, the body in memory, is what streaming is for not holding.
  spool_ = std::tmpfile();
  std::string seen;
  seen.swap(whole_);
  keep(seen);
  streaming_ = stream_.feed(seen);
}

void SnapshotIntake::keep(std::string_view bytes) {
  if (spool_ == nullptr) {
    whole_.append(bytes);
    return;
  }
  if (spool_error_ == 0 && std::fwrite(bytes.data(), 1, bytes.size(), spool_) != bytes.size())
    spool_error_ = errno == 0 ? EIO : errno;
}

Result<std::string> SnapshotIntake::kept_text() {
  if (spool_ == nullptr) return std::move(whole_);
  if (spool_error_ == 0 && std::fflush(spool_) != 0) spool_error_ = errno;
  const long size = spool_error_ == 0 ? std::ftell(spool_) : -1;
  std::string text(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
  if (size >= 0) {
    std::rewind(spool_);
    if (std::fread(text.data(), 1, text.size(), spool_) != text.size()) spool_error_ = EIO;
  }
  if (spool_error_ != 0 || size < 0) {
    return failed_precondition(fmt::format("{}: the body could not be kept to be read whole: {}",
                                           source_,
                                           std::strerror(spool_error_ ? spool_error_ : EIO)));
  }
  return text;
}

Result<FlatSnapshot> SnapshotIntake::finish() {
  if (form_ == Form::kJson && streaming_) {
    if (std::optional<FlatSnapshot> flat = stream_.finish()) return std::move(*flat);
  }
  Result<std::string> text = kept_text();
  if (!text.is_ok()) return text.status();
  Result<FlatSnapshot> snapshot = parse_flat_snapshot(*text, source_);
  std::string().swap(*text);
  return snapshot;
}

}  // namespace cellkit::live

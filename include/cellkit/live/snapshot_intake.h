// A snapshot offer's body taken as it arrives (PUT /admin/snapshot).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "cellkit/base/status.h"
#include "cellkit/core/routing_table.h"
#include "cellkit/io/routing_snapshot.h"

namespace cellkit::live {

// Takes a body piece by piece and gives what parse_flat_snapshot gives for the whole body
// (the snapshot, or the same located error). A mapping JSON document is read as it arrives
// (RoutingSnapshotJsonStream), so a million-tenant document is never held whole: its bytes
// go to an unlinked temporary file, read back only when the streaming reader gives up (an
// error to name, or a document it does not read). Any other body (a binary snapshot, or
// bytes that are neither) is kept whole, as the codec reads it.
class SnapshotIntake {
 public:
  // `source` names the body in messages ("PUT /admin/snapshot").
  explicit SnapshotIntake(std::string source);
  ~SnapshotIntake();
  SnapshotIntake(const SnapshotIntake&) = delete;
  SnapshotIntake& operator=(const SnapshotIntake&) = delete;

  // The next bytes of the body.
  void add(std::string_view bytes);
  // After the last bytes (call it once).
  Result<FlatSnapshot> finish();

 private:
  enum class Form : std::uint8_t { kUnknown, kJson, kWhole };

  void start_json();
  void keep(std::string_view bytes);
  Result<std::string> kept_text();

  std::string source_;
  Form form_ = Form::kUnknown;
  std::string whole_;  // the bytes, unless spooled
  RoutingSnapshotJsonStream stream_;
  bool streaming_ = true;
  std::FILE* spool_ = nullptr;  // mapping JSON's bytes; nullptr: kept in whole_
  int spool_error_ = 0;         // errno of a failed write
};

}  // namespace cellkit::live

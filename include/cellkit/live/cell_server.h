// `cellkit cell`: the seed's chip shop as a real HTTP server. Orders of bags from tenants
// get a JSON receipt naming the cell; an order of the poison size kills the process.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "cellkit/base/status.h"
#include "cellkit/base/time.h"

namespace cellkit::live {

// The size of one written piece of a paced or chunked receipt.
inline constexpr std::size_t kBodyPiece = 64 * 1024;
// The largest --body-bytes.
inline constexpr std::uint64_t kMaxBodyBytes = 1ull << 30;

struct CellOptions {
  std::string listen = "127.0.0.1:0";          // HOST:PORT to bind; port 0 picks a free one
  std::string name = "cell";                   // echoed in every receipt and X-Cell header
  std::optional<std::uint32_t> crash_on_bags;  // an order of exactly this many bags crashes
  Duration service_time{0};                    // each order waits this long before its receipt
  double fail_rate = 0;                        // probability (0..1) that an order gets 500 instead
  std::uint64_t seed = 1;                      // seeds the fail-rate draws
  std::size_t body_limit = 64 * 1024;          // larger request bodies get 413
  // Large and slow answers, for streaming tests and benchmarks (successful orders only):
  std::uint64_t body_bytes = 0;  // each receipt is padded to this many bytes (0: as it is)
  Duration body_pace{0};         // between pieces of kBodyPiece bytes (0: all at once)
  bool chunked = false;          // receipts go out with Transfer-Encoding: chunked
  // An order of exactly this many bags gets its head and the first half of its body, then
  // the process dies (the connection closes after what was sent).
  std::optional<std::uint32_t> cut_on_bags;

  // Names the first bad field and what is allowed.
  Status validate() const;
};

// Binds, writes "listening on HOST:PORT\n" to `out` (flushed), then serves on one thread
// until SIGTERM or SIGINT (exit status ok). A crash order ends the process abruptly
// (abort, no response, the connection reset) and never returns. Fails when the options
// are invalid or the address cannot be bound.
Status run_cell(const CellOptions& options, std::ostream& out);

}  // namespace cellkit::live

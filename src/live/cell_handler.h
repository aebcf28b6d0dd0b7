// The cell's request handler, apart from any socket: a request in, a reply or a crash out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cellkit/base/random.h"
#include "cellkit/live/cell_server.h"

namespace cellkit::live {

struct CellRequest {
  std::string_view method;
  std::string_view target;
  std::string_view tenant;  // X-Tenant, empty when absent
  std::string_view body;
};

struct CellReply {
  bool crash = false;  // true: the process must die now, without replying
  int status = 200;
  std::string body;      // JSON
  bool delay = false;    // true: wait the service time before replying
  bool cut = false;      // true: die after sending the head and half of the body
  bool receipt = false;  // a successful order's receipt (shaped by --body-* and --chunked)
};

// One cell's state across requests: its options, its fail-rate stream, orders served.
// `n` bytes of receipt padding: 8-byte records "NNNNNNN|", each the decimal offset of the
// record within the padding (modulo 10^7), so a piece lost, repeated or moved shows.
std::string receipt_padding(std::size_t n);

class CellHandler {
 public:
  explicit CellHandler(const CellOptions& options);
  CellReply handle(const CellRequest& request);
  std::uint64_t orders() const { return orders_; }

 private:
  CellReply order(const CellRequest& request);
  CellReply error(int status, std::string_view message) const;

  CellOptions options_;
  Random random_;
  std::uint64_t orders_ = 0;
};

}  // namespace cellkit::live

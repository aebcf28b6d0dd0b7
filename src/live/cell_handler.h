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
  std::string body;    // JSON
  bool delay = false;  // true: wait the service time before replying
};

// One cell's state across requests: its options, its fail-rate stream, orders served.
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

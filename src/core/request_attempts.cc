// Names of request outcomes, as reports and the live router's outcome header print them.
#include "cellkit/core/request_attempts.h"

namespace cellkit {

std::string_view to_string(RequestOutcome outcome) {
  switch (outcome) {
    case RequestOutcome::kServed:
      return "served";
    case RequestOutcome::kShed:
      return "shed";
    case RequestOutcome::kNoHealthyCell:
      return "no_healthy_cell";
    case RequestOutcome::kUnknownTenant:
      return "unknown_tenant";
    case RequestOutcome::kQuarantined:
      return "quarantined";
    case RequestOutcome::kCellCrashed:
      return "cell_crashed";
    case RequestOutcome::kTimedOut:
      return "timed_out";
    case RequestOutcome::kCellError:
      return "cell_error";
  }
  return "unknown";
}

}  // namespace cellkit

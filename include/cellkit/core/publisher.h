// The seam between the control plane and routers: snapshots are published, never pulled
// by calls from the data plane into the control plane.
#pragma once

#include <vector>

#include "cellkit/base/status.h"
#include "cellkit/core/router.h"

namespace cellkit {

class SnapshotPublisher {
 public:
  virtual ~SnapshotPublisher() = default;
  virtual void publish(const RoutingSnapshot& snapshot) = 0;
};

// Delivers snapshots in process to routers it observes (not owns); keeps each router's
// answer to the last delivery. The routers must outlive the publisher's use.
class DirectPublisher final : public SnapshotPublisher {
 public:
  void subscribe(Router& router) { routers_.push_back(&router); }
  void publish(const RoutingSnapshot& snapshot) override;
  // One Status per subscribed router, in subscription order.
  const std::vector<Status>& last_results() const { return last_results_; }

 private:
  std::vector<Router*> routers_;
  std::vector<Status> last_results_;
};

}  // namespace cellkit

// In-process snapshot delivery.
#include "cellkit/core/publisher.h"

namespace cellkit {

void DirectPublisher::publish(const RoutingSnapshot& snapshot) {
  last_results_.clear();
  for (Router* router : routers_)
    last_results_.push_back(router->accept(snapshot));
}

}  // namespace cellkit

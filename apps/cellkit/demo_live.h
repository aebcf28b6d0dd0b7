// `cellkit demo --live`: the seed's story over a real local fleet.
#pragma once

#include "cellkit/sim/seed_demo.h"

namespace cellkit::cli {

// Plans the story as `cellkit demo` does (same placement, same orders), starts a cell
// process per cell and a router, sends every order as an HTTP request through the router,
// one after the other, and tells the story from the replies. Stops every process before
// returning. Fails with kInvalidArgument on bad options, otherwise naming what broke.
Result<DemoResult> run_live_demo(const DemoOptions& options);

}  // namespace cellkit::cli

// A router's way to follow the control plane over HTTP instead of a store it reads itself:
// the Store calls a StoreFollower makes (read the pointer, read the snapshot, watch, report)
// answered by the control API's long-poll (GET /v1/snapshot?after=V) and its router
// reports (PUT /v1/routers/ID). One machine, or routers that must not reach etcd.
#pragma once

#include <chrono>
#include <memory>

#include "cellkit/live/http_client.h"
#include "cellkit/live/store.h"

namespace cellkit::live {

// The control plane at `url` seen as a Store. read_pointer fetches any version above the
// last one seen (the pointer's revision is its version); read_snapshot hands that snapshot
// back (checked against the pointer); watch_pointer long-polls until the deadline.
// Publishing, campaigning, reading the state and listing reports fail (kFailedPrecondition):
// only the control plane does those. Every call is bounded by `timeout` (watches by their
// deadline); an unreachable control plane or an answer other than 200/304 fails the call.
std::unique_ptr<Store> make_control_source(HttpUrl url, std::chrono::milliseconds timeout);

}  // namespace cellkit::live

// What a run's events are: the kind each carries (Event::kind()), and what its target names.
#pragma once

#include <cstdint>

namespace cellkit::sim {

enum Kind : std::uint8_t {
  kArrival,
  kServiceDone,     // target: the request's slot; aux: the slot's generation
  kRestart,         // target: the cell
  kRandomCrash,     // target: the cell
  kScheduledCrash,  // target: the index in faults.cell_crashes
  kHealthCheck,
  kPublish,
  kControlPlaneDown,
  kControlPlaneUp,
  kRouterRestart,
  kZoneDown,  // target: the index in faults.zone_outages
  kZoneUp,    // target: the index in faults.zone_outages
  kSample,
  kScriptedArrival,  // target: the index in workload.script
  kDeployWave,       // target: the deployment
  kBakeEnd,          // target: the deployment
  kOnboard,          // target: the index in growth.onboarding
  kScaleOut,         // target: the index in growth.scale_out
};

}  // namespace cellkit::sim

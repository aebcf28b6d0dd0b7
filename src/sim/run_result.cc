// Names and derived figures of RunResult.
#include "cellkit/sim/run_result.h"

namespace cellkit::sim {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::kCellCrashed:
      return "cell_crashed";
    case EventKind::kCellRestarted:
      return "cell_restarted";
    case EventKind::kFingerprintQuarantined:
      return "fingerprint_quarantined";
    case EventKind::kZoneDown:
      return "zone_down";
    case EventKind::kZoneUp:
      return "zone_up";
    case EventKind::kControlPlaneDown:
      return "control_plane_down";
    case EventKind::kControlPlaneUp:
      return "control_plane_up";
    case EventKind::kRouterRestarted:
      return "router_restarted";
    case EventKind::kTenantDown:
      return "tenant_down";
    case EventKind::kTenantRecovered:
      return "tenant_recovered";
    case EventKind::kWaveDeployed:
      return "wave_deployed";
    case EventKind::kRolloutStopped:
      return "rollout_stopped";
    case EventKind::kRolloutCompleted:
      return "rollout_completed";
    case EventKind::kCellsAdded:
      return "cells_added";
    case EventKind::kTenantsOnboarded:
      return "tenants_onboarded";
    case EventKind::kTenantsRebalanced:
      return "tenants_rebalanced";
    case EventKind::kRebalanceNotPlanned:
      return "rebalance_not_planned";
    case EventKind::kMoveRefused:
      return "move_refused";
    case EventKind::kHealthNotRecorded:
      return "health_not_recorded";
    case EventKind::kSnapshotRefused:
      return "snapshot_refused";
  }
  return "unknown";
}

std::string_view to_string(CrashCause cause) {
  switch (cause) {
    case CrashCause::kNone:
      return "none";
    case CrashCause::kPoison:
      return "poison";
    case CrashCause::kScheduled:
      return "scheduled";
    case CrashCause::kRandom:
      return "random";
    case CrashCause::kZone:
      return "zone";
    case CrashCause::kBadBuild:
      return "bad_build";
  }
  return "unknown";
}

std::uint64_t total(const OutcomeCounts& counts) {
  std::uint64_t sum = 0;
  for (std::uint64_t c : counts)
    sum += c;
  return sum;
}

double TenantResult::availability() const {
  if (arrivals == 0) return 1.0;
  return static_cast<double>(count(Outcome::kServed)) / static_cast<double>(arrivals);
}

double RunResult::availability() const {
  if (arrivals == 0) return 1.0;
  return static_cast<double>(count(Outcome::kServed)) / static_cast<double>(arrivals);
}

double RunResult::mean_utilization() const {
  if (cells.empty()) return 0;
  double sum = 0;
  for (const CellResult& c : cells)
    sum += c.utilization;
  return sum / static_cast<double>(cells.size());
}

}  // namespace cellkit::sim

// Cells crashing and restarting, zone outages, and the router restarting.
#include "sim/faults.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "cellkit/core/snapshot_codec.h"
#include "sim/event_kinds.h"

namespace cellkit::sim {

Faults::Faults(const CellsSpec& spec, const FaultsSpec& faults, TimePoint end,
               std::vector<CellRuntime>& cells, EventQueue& queue, const RequestSlots& slots,
               Timeline& timeline, DowntimeLedger& ledger, LoseRequest lose_request)
    : spec_(spec),
      faults_(faults),
      end_(end),
      cells_(cells),
      queue_(queue),
      slots_(slots),
      timeline_(timeline),
      ledger_(ledger),
      lose_request_(std::move(lose_request)) {}

void Faults::crash(CellId cell, Duration down, CrashCause cause, TenantId by, TimePoint now) {
  CellRuntime& c = cells_[raw(cell)];
  const TimePoint until = now + down;
  if (!c.up) {  // already down: the later of the two restarts wins
    if (until > c.down_until) {
      c.down_until = until;
      queue_.push(until, kRestart, raw(cell));
    }
    return;
  }
  c.update_busy(now, end_);
  c.up = false;
  c.down_until = until;
  c.down_since = now;
  ++c.crashes;
  timeline_.note(now, timeline::CellCrashed{.cell = cell, .cause = cause, .by = by});
  queue_.push(until, kRestart, raw(cell));
  std::vector<SlotId> victims = in_service_at(cell);
  assert(victims.size() == c.busy);
  victims.insert(victims.end(), c.queue.begin(), c.queue.end());
  c.queue.clear();
  c.busy = 0;
  ledger_.cell_changed(cell, true, now);
  for (SlotId s : victims)
    lose_request_(s);
}

// The requests a cell is serving are those whose completion event there is still live, in
// the order they started (their events' sequence). Found only when a cell crashes, so the
// request path keeps no per-cell list.
std::vector<SlotId> Faults::in_service_at(CellId cell) const {
  std::vector<std::pair<std::uint64_t, SlotId>> serving;  // (sequence, slot)
  queue_.for_each([&](const Event& e) {
    if (e.kind() != kServiceDone) return;
    const SlotId s{e.target};
    const Slot& r = slots_[s];
    if (r.live && r.generation == e.aux && r.cell == cell) serving.emplace_back(e.seq(), s);
  });
  std::sort(serving.begin(), serving.end());
  std::vector<SlotId> slots;
  slots.reserve(serving.size());
  for (const auto& [seq, slot] : serving)
    slots.push_back(slot);
  return slots;
}

void Faults::scheduled_crash(std::uint32_t index, TimePoint now) {
  const CellCrash& c = faults_.cell_crashes[index];
  const Duration down = c.duration > Duration::zero() ? c.duration : spec_.restart_after;
  crash(CellId{c.cell}, down, CrashCause::kScheduled, TenantId{}, now);
}

void Faults::random_crash(CellId cell, TimePoint now) {
  CellRuntime& c = cells_[raw(cell)];
  const Duration repair = c.random.exponential(spec_.mttr);
  const bool was_up = c.up;
  if (was_up) crash(cell, repair, CrashCause::kRandom, TenantId{}, now);
  const TimePoint back = was_up ? now + repair : std::max(now, c.down_until);
  queue_.push(back + c.random.exponential(spec_.mtbf), kRandomCrash, raw(cell));
}

void Faults::restart(CellId cell, TimePoint now) {
  CellRuntime& c = cells_[raw(cell)];
  if (c.up || now < c.down_until) return;  // a later outage extended the downtime
  c.up = true;
  c.last_change = now;
  c.down_for += std::min(now, end_) - std::min(c.down_since, end_);
  timeline_.note(now, timeline::CellRestarted{cell});
  ledger_.cell_changed(cell, false, now);
}

void Faults::zone_down(std::uint32_t index, TimePoint now) {
  const ZoneOutage& outage = faults_.zone_outages[index];
  const ZoneId zone{static_cast<std::uint16_t>(outage.zone)};
  timeline_.note(now, timeline::ZoneDown{zone});
  for (std::uint32_t i = 0; i < cells_.size(); ++i) {
    if (cells_[i].zone == zone) crash(CellId{i}, outage.duration, CrashCause::kZone, {}, now);
  }
}

void Faults::zone_up(std::uint32_t index, TimePoint now) {
  const ZoneId zone{static_cast<std::uint16_t>(faults_.zone_outages[index].zone)};
  timeline_.note(now, timeline::ZoneUp{zone});
}

// A restarted router has lost its memory: it reads the persisted snapshot, if any, and
// assumes every cell healthy until probes or failed sends say otherwise.
void Faults::restart_router(Router& router, std::span<const std::byte> persisted, TimePoint now) {
  router = Router{};
  if (!persisted.empty()) {
    Result<RoutingSnapshot> snapshot = decode_snapshot(persisted);
    const Status accepted = snapshot.is_ok() ? router.accept(*snapshot) : snapshot.status();
    if (!accepted.is_ok()) {
      ++snapshots_refused_;
      timeline_.note(now, timeline::SnapshotRefused{snapshot.is_ok() ? snapshot->version : 0});
    }
  }
  timeline_.note(now, timeline::RouterRestarted{router.version()});
}

}  // namespace cellkit::sim

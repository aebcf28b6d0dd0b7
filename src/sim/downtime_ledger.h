// Downtime accounting: each tenant's health from its cells' true state (not the router's
// view), and the time cells and tenants spent down or degraded, interval by interval.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cellkit/base/ids.h"
#include "cellkit/base/time.h"
#include "cellkit/core/mapping.h"
#include "cellkit/sim/run_result.h"
#include "sim/cell_runtime.h"
#include "sim/timeline.h"

namespace cellkit::sim {

// One tenant's health over the run.
struct TenantHealth {
  TimePoint since{};  // when the current status began
  Duration degraded_for{};
  Duration down_for{};
  std::uint16_t down_cells = 0;
  std::uint16_t shard_size = 0;
  bool ever_degraded = false;
  bool ever_down = false;

  bool fully_down() const { return shard_size > 0 && down_cells == shard_size; }
  bool degraded() const { return down_cells > 0 && !fully_down(); }
};

// Every change of a count goes through here, which first adds the time since the last
// change, at the old counts, to the open interval; nothing past the run's end counts.
class DowntimeLedger {
 public:
  // Reads the cells' `up` from `cells` and notes tenants going down and recovering on
  // `timeline`; both must outlive the ledger.
  DowntimeLedger(TimePoint end, const std::vector<CellRuntime>& cells, Timeline& timeline)
      : end_(end), cells_(cells), timeline_(timeline) {}

  // A cell joined (it holds no tenant yet).
  void add_cell() { tenants_on_cell_.emplace_back(); }
  // The run's first tenants, `count` of them, filed under their shards in `mapping`.
  void start(std::uint32_t count, const Mapping& mapping);
  // A tenant placed at `now` on `shard`; requires `id` to be the number of tenants so far.
  // Notes it down when all of its cells are.
  void add_tenant(TenantId id, const Shard& shard, TimePoint now);
  // Every tenant filed again under its shard in `mapping` (shards moved), its status
  // carried forward from `now`.
  void refile(const Mapping& mapping, TimePoint now);
  // `cell` went down or came back up at `now`.
  void cell_changed(CellId cell, bool down, TimePoint now);
  // Adds the open interval's downtime, up to `now`, to `into` and opens a new interval.
  void close_interval(TimePoint now, IntervalResult& into);
  // Settles every tenant's status at the run's end.
  void close_run();

  std::uint32_t tenants_down_now() const { return tenants_down_now_; }
  std::uint32_t tenants_degraded_now() const { return tenants_degraded_now_; }
  std::span<const TenantHealth> tenants() const { return tenants_; }

 private:
  void integrate(TimePoint to);
  void settle(TenantHealth& tenant, TimePoint at) const;
  void file(TenantId id, const Shard& shard, TenantHealth& tenant);
  TimePoint clamp(TimePoint t) const { return t < end_ ? t : end_; }

  TimePoint end_;
  const std::vector<CellRuntime>& cells_;
  Timeline& timeline_;
  std::vector<TenantHealth> tenants_;                   // by tenant id
  std::vector<std::vector<TenantId>> tenants_on_cell_;  // by cell id
  std::uint32_t cells_down_now_ = 0;
  std::uint32_t tenants_down_now_ = 0;
  std::uint32_t tenants_degraded_now_ = 0;
  TimePoint integrated_to_{};  // the open interval's figures cover up to here
  Duration cell_down_{};       // the open interval's: summed over cells
  Duration tenant_down_{};
  Duration tenant_degraded_{};
};

}  // namespace cellkit::sim

// Memory of the simulator at scale: bytes per pending event with 1,000 cells and 100,000
// tenants, and peak resident memory with 1,000,000 tenants. Prints one line per figure.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "cellkit/sim/event_queue.h"
#include "cellkit/sim/simulator.h"

namespace {

using namespace cellkit;

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

sim::Scenario fleet(std::uint32_t tenants, double load, std::chrono::seconds until) {
  sim::Scenario s;
  s.cells.count = 1000;
  s.cells.servers = 4;
  s.cells.queue_limit = 100;
  s.tenants.count = tenants;
  s.tenants.shard_size = 2;
  s.workload.rate = load * 1000 * 4 * 100;  // 10 ms mean service: 100 jobs/s per server
  s.until = until;
  s.interval = until;
  s.control_plane.publish_interval = until * 2;
  return s;
}

void pending_events() {
  const sim::RunResult r = sim::simulate(fleet(100'000, 0.8, std::chrono::seconds(5)), 1).value();
  const double pending = static_cast<double>(r.peak_pending_events);
  std::printf("1000 cells, 100000 tenants, load 0.8, 5 s: %lu jobs, %lu events\n", r.arrivals,
              r.events);
  std::printf("  sizeof(Event) %zu B; peak pending events %lu; peak requests in flight %lu\n",
              sizeof(sim::Event), r.peak_pending_events, r.peak_in_flight);
  std::printf("  event queue storage %lu B = %.1f B per pending event\n", r.event_queue_bytes,
              static_cast<double>(r.event_queue_bytes) / pending);
  std::printf("  request state %lu B = %.1f B per request in flight\n", r.request_bytes,
              static_cast<double>(r.request_bytes) / static_cast<double>(r.peak_in_flight));
  std::printf("  (event queue + request state) per pending event: %.1f B\n",
              static_cast<double>(r.event_queue_bytes + r.request_bytes) / pending);
}

void million_tenants() {
  const auto start = std::chrono::steady_clock::now();
  const sim::RunResult r = sim::simulate(fleet(1'000'000, 0.5, std::chrono::seconds(2)), 1).value();
  const auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  std::printf("1000 cells, 1000000 tenants (k=2, random), load 0.5, 2 s: %lu jobs in %.2f s\n",
              r.arrivals, wall.count());
  std::printf("  peak resident memory %.0f MiB\n", peak_rss_mb());
}

}  // namespace

int main(int argc, char** argv) {
  const bool only_events = argc > 1 && std::strcmp(argv[1], "--events") == 0;
  pending_events();
  if (!only_events) million_tenants();
  return 0;
}

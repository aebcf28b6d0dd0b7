#!/usr/bin/env bash
# The M/M/c fleet model (100 cells x 4 servers, 1,000 tenants, load 0.8) side by side in one
# run: cellkit's simulator, a bare hand-written C++ event loop, and SimPy. Prints jobs per
# second of wall time and the ratios. Needs the dev build (cmake --build --preset dev) and
# the Debian package python3-simpy3 (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bench=build/dev/bench/sim_bench
simpy_seconds=${SIMPY_SECONDS:-3}
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$bench" --benchmark_min_time=2 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$json"
# SimPy five times, like Google Benchmark's repetitions above: the median decides, the
# spread is shown because a shared machine moves Python's figure more than C++'s.
simpy=$(for i in 1 2 3 4 5; do /usr/bin/python3 bench/mmc_simpy.py "$simpy_seconds"; done)
echo "$simpy"
/usr/bin/python3 - "$json" "$simpy" <<'PY'
import json, statistics, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
def median(name):
    for b in runs:
        if b["name"] == f"{name}_median":
            return b["jobs_per_s"]
    raise SystemExit(f"no median for {name}")
cellkit, bare = median("BM_CellkitMMc"), median("BM_BareLoopMMc")
bare_queue = median("BM_BareLoopOnEventQueueMMc")
simpy_runs = [float(line.split("jobs_per_s=")[1]) for line in sys.argv[2].splitlines()]
simpy = statistics.median(simpy_runs)
print(f"{'model (median of 5)':<28}{'jobs/s (wall)':>16}")
for name, rate in (("cellkit simulate", cellkit), ("bare C++ loop", bare),
                   ("bare loop, cellkit's queue", bare_queue), ("SimPy 3", simpy)):
    print(f"{name:<28}{rate:>16,.0f}")
print(f"cellkit / SimPy     {cellkit / simpy:8.1f}x   (target >= 100x; "
      f"{cellkit / max(simpy_runs):.0f}x to {cellkit / min(simpy_runs):.0f}x over SimPy's runs)")
print(f"cellkit / bare loop {cellkit / bare:8.2f}x   (target >= 0.7x)")
print(f"cellkit / bare loop on cellkit's queue {cellkit / bare_queue:5.2f}x")
PY

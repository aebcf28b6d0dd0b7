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
"$bench" --benchmark_min_time=2 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$json"
# SimPy three times, the median kept, like Google Benchmark's repetitions above.
simpy=$(for i in 1 2 3; do /usr/bin/python3 bench/mmc_simpy.py "$simpy_seconds"; done |
  sort -t= -k5 -n | sed -n 2p)
echo "median of 3: $simpy"
/usr/bin/python3 - "$json" "$simpy" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
def median(name):
    for b in runs:
        if b["name"] == f"{name}_median":
            return b["jobs_per_s"]
    raise SystemExit(f"no median for {name}")
cellkit, bare = median("BM_CellkitMMc"), median("BM_BareLoopMMc")
simpy = float(sys.argv[2].split("jobs_per_s=")[1])
print(f"{'model':<28}{'jobs/s (wall)':>16}")
for name, rate in (("cellkit simulate", cellkit), ("bare C++ loop", bare), ("SimPy 3", simpy)):
    print(f"{name:<28}{rate:>16,.0f}")
print(f"cellkit / SimPy     {cellkit / simpy:8.1f}x   (target >= 100x)")
print(f"cellkit / bare loop {cellkit / bare:8.2f}x   (target >= 0.7x)")
PY

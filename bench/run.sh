#!/usr/bin/env bash
# Runs every benchmark of the dev build; numbers go to docs/performance.md by hand,
# with this command beside them.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/dev/bench
for b in "$build"/*_bench; do
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.2
done

#!/usr/bin/env bash
# Runs every libFuzzer target of the fuzz preset for SECONDS each (default 600) on a working
# copy of its seed corpus, and prints one line per target: executions, coverage, features,
# corpus size. Exits non-zero when any target found a crash, leak or hang; the input is left
# in build/fuzz/artifacts/<target>/ — add it to tests/fuzz/regressions/<target>/ with the fix.
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(mapping_json mapping_csv tenant_list scenario snapshot_codec router_request snapshot_intake)
fi
build=build/fuzz
status=0
for t in "${targets[@]}"; do
  work=$build/corpus/$t
  artifacts=$build/artifacts/$t/
  mkdir -p "$work" "$artifacts"
  cp -n tests/fuzz/corpus/$t/* "$work"/ 2>/dev/null || true
  log=$build/logs/$t.log
  mkdir -p "$(dirname "$log")"
  # -timeout: an input slower than 10 s is a hang; -rss_limit_mb: more than 2 GB is a leak of
  # the machine; -max_len: inputs up to 64 KiB (large files are the benchmarks' job).
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$build/tests/fuzz/fuzz_$t" "$work" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$artifacts" >"$log" 2>&1; then
    status=1
    echo "fuzz_$t: FAILED (see $log and $artifacts)"
    grep -m5 -E "ERROR|property broken|runtime error|Test unit written" "$log" || true
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | grep -o 'cov: [0-9]*' || true)
  ft=$(echo "$last" | grep -o 'ft: [0-9]*' || true)
  corp=$(echo "$last" | grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' || true)
  echo "fuzz_$t: ${seconds}s, $runs executions, $cov, $ft, $corp"
done
exit $status

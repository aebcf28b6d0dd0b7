#!/usr/bin/env bash
# Runs every libFuzzer target of the fuzz preset for SECONDS each (default 600) on a working
# copy of its seed corpus, with its regression inputs, and prints one line per target:
# executions, coverage, features, corpus size. Exits non-zero when any target found a crash,
# leak or hang; the input is left in <build>/artifacts/<target>/ — add it to
# tests/fuzz/regressions/<target>/ with the fix.
# Usage: [FUZZ_BUILD=dir] [FUZZ_JOBS=n] [FUZZ_SLICE=1] [FUZZ_RUNS=n] [FUZZ_TIMEOUT=s]
#        tests/fuzz/run.sh [SECONDS] [TARGET...]
# FUZZ_BUILD is the build directory holding tests/fuzz/fuzz_<target> (default build/fuzz,
# the `fuzz` preset). FUZZ_JOBS targets run at once (default 1); their lines are printed in
# the order of the targets. FUZZ_RUNS caps the executions per target (default: no cap).
# FUZZ_TIMEOUT is the seconds after which one input counts as a hang (default 10).
# FUZZ_SLICE=1 is the slice of `make test`: a fresh working corpus each time (the seeds and
# regressions are read, never grown) and a fixed libFuzzer seed, so a run executes the same
# inputs wherever it reaches its FUZZ_RUNS cap; `make fuzz` keeps growing <build>/corpus/.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(mapping_json mapping_csv tenant_list scenario snapshot_codec delta_codec router_request
           snapshot_intake)
fi
build=${FUZZ_BUILD:-build/fuzz}
jobs=${FUZZ_JOBS:-1}
runs=${FUZZ_RUNS:--1}
timeout=${FUZZ_TIMEOUT:-10}
slice=${FUZZ_SLICE:-0}

# run_one TARGET: runs it, writes its summary line to <build>/logs/TARGET.summary, and
# fails when the fuzzer found something.
run_one() {
  local t=$1 status=0 work inputs=() extra=()
  if [ "$slice" = 1 ]; then
    work=$build/slice-corpus/$t
    rm -rf "$work"
    mkdir -p "$work"
    inputs=(tests/fuzz/corpus/$t)
    extra=(-seed=1)
  else
    work=$build/corpus/$t
    mkdir -p "$work"
    cp -n tests/fuzz/corpus/$t/* "$work"/ 2>/dev/null || true
  fi
  [ -d tests/fuzz/regressions/$t ] && inputs+=(tests/fuzz/regressions/$t)
  artifacts=$build/artifacts/$t/
  mkdir -p "$artifacts"
  local log=$build/logs/$t.log summary=$build/logs/$t.summary
  mkdir -p "$(dirname "$log")"
  # -timeout: an input slower than FUZZ_TIMEOUT s is a hang; -rss_limit_mb: more than 2 GB is
  # a leak of the machine; -max_len: inputs up to 64 KiB (large files are the benchmarks' job).
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$build/tests/fuzz/fuzz_$t" "$work" "${inputs[@]}" -max_total_time="$seconds" \
      -runs="$runs" -timeout="$timeout" -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 "${extra[@]}" -artifact_prefix="$artifacts" >"$log" 2>&1; then
    status=1
    { echo "fuzz_$t: FAILED (see $log and $artifacts)"
      grep -m5 -E "ERROR|property broken|runtime error|Test unit written" "$log" || true
    } >"$summary.failure"
  fi
  executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(echo "$last" | grep -o 'cov: [0-9]*' || true)
  ft=$(echo "$last" | grep -o 'ft: [0-9]*' || true)
  corp=$(echo "$last" | grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' || true)
  echo "fuzz_$t: ${seconds}s, $executed executions, $cov, $ft, $corp" >"$summary"
  return $status
}

status=0
pids=()
for i in "${!targets[@]}"; do
  t=${targets[$i]}
  rm -f "$build/logs/$t.summary" "$build/logs/$t.summary.failure"
  run_one "$t" &
  pids[$i]=$!
  # At most `jobs` targets at once: wait for the oldest still running.
  if [ $((i + 1)) -ge "$jobs" ]; then
    wait "${pids[$((i + 1 - jobs))]}" || status=1
  fi
done
for ((i = ${#targets[@]} - jobs + 1; i < ${#targets[@]}; i++)); do
  [ "$i" -ge 0 ] && { wait "${pids[$i]}" || status=1; }
done
for t in "${targets[@]}"; do
  cat "$build/logs/$t.summary.failure" 2>/dev/null || true
  cat "$build/logs/$t.summary" 2>/dev/null || echo "fuzz_$t: no summary (see $build/logs/$t.log)"
done
exit $status

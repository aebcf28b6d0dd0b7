#!/usr/bin/env bash
# Growth costs side by side (issue 14, quadratic blow-ups): `place` past a full fleet,
# `rebalance --add-cells`, and `simulate` scaling a named fleet out. Runs each command with
# every cellkit binary given (e.g. main's and a branch's) one after the other, prints user+sys
# CPU seconds and peak RSS from /usr/bin/time, and checks that the binaries' stdout agree.
#   bench/growth_compare.sh BEFORE_BIN AFTER_BIN [SIZE...]
# Sizes (default: small ones) pick rows: place50k place1m rebalance5k rebalance10k
# rebalance20k rebalance40k sim12500 sim25000, and fillN / fillNz: a fleet of N cells with
# 100·N tenants (4 zones with z) doubled by `rebalance --add-cells N --plan -`, so the
# stdout compared is the plan itself (the planner filling N new cells from N old ones).
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1
after=$2
shift 2
rows=("$@")
[ ${#rows[@]} -gt 0 ] || rows=(place50k rebalance5k rebalance10k sim12500)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$after" place --quiet -o "$work/m.json" >/dev/null

command_of() {
  case $1 in
    place50k) echo "place --quiet --tenants 50000 --allow-partial" ;;
    place1m) echo "place --quiet --tenants 1000000 --allow-partial" ;;
    rebalance*) echo "rebalance $work/m.json --add-cells ${1#rebalance}" | sed 's/k$/000/' ;;
    fill*)
      local n=${1#fill} zones=1
      [ "${n%z}" != "$n" ] && zones=4 && n=${n%z}
      [ -f "$work/$1.json" ] || "$after" place --quiet --cells "$n" --zones "$zones" \
        --tenants $((100 * n)) -o "$work/$1.json" >/dev/null
      echo "rebalance --quiet $work/$1.json --add-cells $n --plan -"
      ;;
    sim*)
      sed "s/cells: 12500}/cells: ${1#sim}}/" bench/scale_out_named.yaml >"$work/$1.yaml"
      echo "simulate $work/$1.yaml"
      ;;
  esac
}

printf '%-14s %-8s %10s %12s %s\n' row binary "cpu s" "peak RSS MB" "stdout md5"
for row in "${rows[@]}"; do
  cmd=$(command_of "$row")
  for bin in "$before" "$after"; do
    /usr/bin/time -f "%U %S %M" -o "$work/time" "$bin" $cmd >"$work/out" 2>/dev/null || true
    read -r user sys rss <"$work/time"
    printf '%-14s %-8s %10.2f %12.0f %s\n' "$row" "$([ "$bin" = "$before" ] && echo before || echo after)" \
      "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc)" "$(md5sum <"$work/out" | cut -c1-8)"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

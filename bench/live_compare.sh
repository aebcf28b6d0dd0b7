#!/usr/bin/env bash
# cellkit router vs nginx vs HAProxy on the same job (issue 9 "Speed and memory"): one mapping
# (10,000 tenants, 8 cells) exported as an nginx map + upstreams with keepalive, a HAProxy map
# and a cellkit snapshot, the same `cellkit cell` backends for all three, one worker/thread
# each. Checks first that all three send every tenant to the same cell, then measures with
# wrk (a Lua script rotating X-Tenant): requests/s and CPU µs per request of the proxy
# process (/proc/<pid>/stat), then p50/p99 at 80% of nginx's best rate; median of $RUNS runs.
# Finally the 1,000,000-tenant load: time and RSS to start each proxy on such a mapping (the
# router on the binary snapshot `cellkit snapshot` writes, then on the mapping JSON), and the
# router's PUT /admin/snapshot of each.
#
# Usage: bench/live_compare.sh            (after a dev build; scripts/install-deps.sh --bench)
# Env:   CELLKIT=build/dev/apps/cellkit/cellkit RUNS=5 DURATION=10 CONNS=64 TENANTS=10000
#        CELLS=8 BIG_TENANTS=1000000 SKIP_BIG=0 ONLY_BIG=0 SKIP_PACED=0
#        PROXIES="nginx haproxy cellkit" PACING=rate|delay PACED_CONNS=256 PACED_DELAY_MS=2
#        BODY_BYTES=0 (a request body of that many bytes, at most 65536, instead of 11)
#        BIG_NAMES=ascii|utf8 (utf8: the big mapping's tenant names begin with a raw "é")
# All traffic goes to 127.0.0.1; every run is bounded by DURATION; everything started is
# stopped on exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CELLKIT=${CELLKIT:-$HERE/../build/dev/apps/cellkit/cellkit}
RUNS=${RUNS:-5}
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
TENANTS=${TENANTS:-10000}
CELLS=${CELLS:-8}
BIG_TENANTS=${BIG_TENANTS:-1000000}
SKIP_BIG=${SKIP_BIG:-0}
PROXIES=${PROXIES:-nginx haproxy cellkit}
WORK=$(mktemp -d /tmp/cellkit-bench-XXXXXX)
PIDS=()
TICKS=$(getconf CLK_TCK)

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.2
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

for tool in wrk nginx haproxy jq python3 curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/install-deps.sh --bench" >&2; exit 1; }
done
[[ -x $CELLKIT ]] || { echo "no cellkit at $CELLKIT: build the dev preset first" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start NAME CMD...: runs CMD in the background (stdout to $WORK/NAME.out); sets $PID.
start() {
  local name=$1; shift
  "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  PID=$!
  PIDS+=("$PID")
}

# wait_line NAME: waits (10 s at most) for "listening on HOST:PORT"; sets $PORT.
wait_line() {
  for _ in $(seq 200); do
    if grep -q '^listening on ' "$WORK/$1.out" 2>/dev/null; then
      PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$WORK/$1.out" | head -1)
      return 0
    fi
    sleep 0.05
  done
  echo "$1 did not start: $(cat "$WORK/$1.err")" >&2
  exit 1
}

# wait_port PORT [ADMIN_PORT]: until something accepts on 127.0.0.1:PORT (and, for the
# router, until its /admin/ready says 200: it binds before its snapshot is loaded); 60 s at
# most. Prints the seconds since $START_NS.
wait_port() {
  for _ in $(seq 6000); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null &&
       { [[ -z ${2:-} ]] ||
         [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$2/admin/ready") == 200 ]]; }; then
      awk -v a="$START_NS" -v b="$(date +%s%N)" 'BEGIN {printf "%.2f", (b - a) / 1e9}'
      return 0
    fi
    sleep 0.01
  done
  echo "nothing listens on $1: $(tail -3 "$WORK"/*.err 2>/dev/null)" >&2
  exit 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
peak_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# ---- the mapping and the backends ---------------------------------------------------------
# write_mapping N FILE: N tenants on the running cells, endpoints filled in (mapping v2).
write_mapping() {
  "$CELLKIT" place --cells "$CELLS" --tenants "$1" --shard-size 2 --strategy random --seed 1 \
    --output "$WORK/plain.json" >/dev/null
  jq -c --slurpfile eps "$WORK/endpoints.json" \
    '.version = 2 | .cells |= map(.endpoint = $eps[0][.name])' "$WORK/plain.json" >"$2"
}

echo "starting $CELLS cells"
echo '{}' >"$WORK/endpoints.json"
for i in $(seq 0 $((CELLS - 1))); do
  start "cell-$i" "$CELLKIT" cell --listen 127.0.0.1:0 --name "cell-$i"
  wait_line "cell-$i"
  jq --arg n "cell-$i" --arg e "127.0.0.1:$PORT" '. + {($n): $e}' "$WORK/endpoints.json" \
    >"$WORK/e.tmp" && mv "$WORK/e.tmp" "$WORK/endpoints.json"
done
CELL_PIDS=("${PIDS[@]}")
write_mapping "$TENANTS" "$WORK/mapping.json"
# The router serves the shard's first healthy cell; nginx and HAProxy get that cell.
jq -r '.tenants[] | "\(.name) \(.cells[0])"' "$WORK/mapping.json" >"$WORK/expected.txt"
cut -d' ' -f1 "$WORK/expected.txt" >"$WORK/tenants.txt"

# ---- the three proxies -----------------------------------------------------------------
nginx_conf() {  # nginx_conf PORT MAPFILE > conf
  cat <<CONF
worker_processes 1;
master_process off;
daemon off;
pid $WORK/nginx-$1.pid;
error_log $WORK/nginx-$1.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-body;
  proxy_temp_path $WORK/nginx-proxy;
  map_hash_max_size 4194304;
  map_hash_bucket_size 128;
  map \$http_x_tenant \$cell { default unknown; include $2; }
CONF
  jq -r 'to_entries[] | "  upstream \(.key) { server \(.value); keepalive 64; }"' "$WORK/endpoints.json"
  cat <<CONF
  upstream unknown { server 127.0.0.1:1; }
  server {
    listen 127.0.0.1:$1;
    location / {
      proxy_pass http://\$cell;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream off;
    }
  }
}
CONF
}

haproxy_conf() {  # haproxy_conf PORT MAPFILE > conf
  cat <<CONF
global
  nbthread 1
  maxconn 4000
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
  http-reuse always
  retries 0
frontend fe
  bind 127.0.0.1:$1
  use_backend %[req.hdr(x-tenant),map($2,unknown)]
backend unknown
  http-request return status 404
CONF
  jq -r 'to_entries[] | "backend \(.key)\n  server s \(.value)"' "$WORK/endpoints.json"
}

# start_proxy KIND TENANT_MAPPING: starts one proxy on the mapping; sets $PID and $PORT.
start_proxy() {
  local kind=$1 mapping=$2 admin=""
  PORT=$(free_port)
  START_NS=$(date +%s%N)
  case $kind in
    nginx)
      jq -r '.tenants[] | "\(.name) \(.cells[0]);"' "$mapping" >"$WORK/nginx-$PORT.map"
      nginx_conf "$PORT" "$WORK/nginx-$PORT.map" >"$WORK/nginx-$PORT.conf"
      start "nginx-$PORT" nginx -p "$WORK" -c "$WORK/nginx-$PORT.conf" ;;
    haproxy)
      jq -r '.tenants[] | "\(.name) \(.cells[0])"' "$mapping" >"$WORK/haproxy-$PORT.map"
      haproxy_conf "$PORT" "$WORK/haproxy-$PORT.map" >"$WORK/haproxy-$PORT.cfg"
      start "haproxy-$PORT" haproxy -db -f "$WORK/haproxy-$PORT.cfg" ;;
    cellkit)
      admin=$(free_port)
      start "router-$PORT" "$CELLKIT" router --listen "127.0.0.1:$PORT" --snapshot "$mapping" \
        --threads 1 --admin "127.0.0.1:$admin" ;;
  esac
  LOAD_SECONDS=$(wait_port "$PORT" "$admin")
  ADMIN=$admin
}

stop_proxy() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# ---- measurements ------------------------------------------------------------------------
# run_wrk PID PORT [DELAY_MS]: one timed run; prints "rps cpu_us p50_ms p99_ms non2xx".
run_wrk() {
  local pid=$1 port=$2 pause=${3:-0} before after out requests
  before=$(cpu_ticks "$pid")
  out=$(TENANTS_FILE="$WORK/tenants.txt" DELAY_MS=$pause RATE=${PACED_RATE:-0} wrk -t1 -c"${WRK_CONNS:-$CONNS}" -d"${DURATION}s" \
          --timeout 5s --latency -s "$HERE/live/rotate_tenant.lua" "http://127.0.0.1:$port/orders")
  after=$(cpu_ticks "$pid")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$out" >>"$WORK/wrk.log"
  awk -v out="$out" -v req="$requests" -v dt="$((after - before))" -v tck="$TICKS" 'BEGIN {
    n = split(out, lines, "\n"); rps = 0; p50 = "-"; p99 = "-"; bad = 0
    for (i = 1; i <= n; i++) {
      split(lines[i], f, " ")
      if (lines[i] ~ /Requests\/sec:/) rps = f[2]
      if (lines[i] ~ /^ +50%/) p50 = f[2]
      if (lines[i] ~ /^ +99%/) p99 = f[2]
      if (lines[i] ~ /Non-2xx/) bad = f[5]
    }
    printf "%.0f %.1f %s %s %d\n", rps, dt * 1e6 / tck / (req > 0 ? req : 1), p50, p99, bad }'
}

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
range() { sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "–" hi}'; }

# measure KIND [DELAY_MS [LABEL]]: RUNS runs after a warm-up; prints the medians and ranges.
measure() {
  local kind=$1 pause=${2:-0} file="$WORK/$1-${3:-$2}.txt"
  start_proxy "$kind" "$WORK/mapping.json"
  local pid=$PID port=$PORT
  DURATION=2 run_wrk "$pid" "$port" "$pause" >/dev/null  # warm-up
  : >"$file"
  for _ in $(seq "$RUNS"); do run_wrk "$pid" "$port" "$pause" >>"$file"; done
  stop_proxy "$pid"
  printf "%-8s req/s %7s (%s)  CPU µs/req %5s (%s)  p50 %7s  p99 %7s  non-2xx %s\n" "$kind" \
    "$(cut -d' ' -f1 "$file" | median)" "$(cut -d' ' -f1 "$file" | range)" \
    "$(cut -d' ' -f2 "$file" | median)" "$(cut -d' ' -f2 "$file" | range)" \
    "$(cut -d' ' -f3 "$file" | sed 's/ms$//' | median)ms" \
    "$(cut -d' ' -f4 "$file" | sed 's/ms$//' | median)ms" "$(cut -d' ' -f5 "$file" | median)"
}

if [[ ${ONLY_BIG:-0} != 1 ]]; then
echo "== routing check: every tenant through each proxy reaches the same cell"
for kind in $PROXIES; do
  start_proxy "$kind" "$WORK/mapping.json"
  python3 "$HERE/live/check_routes.py" "127.0.0.1:$PORT" "$WORK/expected.txt"
  stop_proxy "$PID"
done

echo "== maximum rate: wrk -t1 -c$CONNS, ${DURATION}s × $RUNS, median (range)"
for kind in $PROXIES; do measure "$kind" 0; done

if [[ ${SKIP_PACED:-0} != 1 ]]; then
# 80% of nginx's rate. With PACING=rate (the default) wrk offers exactly that rate to every
# proxy: request n is due at start + n / rate, taken by whichever of PACED_CONNS connections
# is free (bench/live/rotate_tenant.lua), so a proxy that answers faster is not offered more.
# With PACING=delay each connection waits DELAY ms after each reply (wrk's delay() hook) and
# the number of connections is calibrated on nginx: a 3 s run, then connections scaled by
# target / achieved, up to four times until within 5%; all proxies then get the same
# connections and delay, and a faster one is offered more requests. The achieved rate of each
# is printed, not assumed.
NGINX_RPS=$(cut -d' ' -f1 "$WORK/nginx-0.txt" | median)
TARGET=$(python3 -c "print(round($NGINX_RPS * 0.8))")
if [[ ${PACING:-rate} == rate ]]; then
  WRK_CONNS=${PACED_CONNS:-256}
  PACED_RATE=$TARGET
  echo "== latency at 80% of nginx's rate: $TARGET of $NGINX_RPS req/s offered at a fixed rate over $WRK_CONNS connections"
  for kind in $PROXIES; do measure "$kind" 0 rate; done
  PACED_RATE=0
else
DELAY=${PACED_DELAY_MS:-2}
WRK_CONNS=$CONNS
start_proxy nginx "$WORK/mapping.json"
for _ in 1 2 3 4; do
  got=$(DURATION=3 run_wrk "$PID" "$PORT" "$DELAY" | cut -d' ' -f1)
  next=$(python3 -c "print(max(8, min(1000, round($WRK_CONNS * $TARGET / max(1, $got)))))")
  echo "calibration: $WRK_CONNS connections, one request per $DELAY ms each: $got req/s (target $TARGET)"
  python3 -c "import sys; sys.exit(0 if abs($got - $TARGET) <= 0.05 * $TARGET else 1)" && break
  WRK_CONNS=$next
done
stop_proxy "$PID"
echo "== latency at ~80% of nginx's rate ($TARGET of $NGINX_RPS req/s): $WRK_CONNS connections, one request per ${DELAY} ms each"
for kind in $PROXIES; do measure "$kind" "$DELAY"; done
fi
WRK_CONNS=$CONNS
fi
fi

# put_snapshot FILE LABEL: offers FILE to the running router; prints the time, the router's
# CPU time for it (user + system, steadier than the time on a loaded machine) and RSS after.
put_snapshot() {
  local t before after
  before=$(cpu_ticks "$PID")
  t=$(curl -s -o "$WORK/put.out" -w '%{time_total}' -X PUT --data-binary @"$1" \
        "http://127.0.0.1:$ADMIN/admin/snapshot")
  after=$(cpu_ticks "$PID")
  echo "cellkit: PUT /admin/snapshot of $2 took ${t}s, router CPU $(( (after - before) * 1000 / TICKS )) ms: $(head -c 120 "$WORK/put.out" | tr -d '\n'); RSS after $(rss_mb "$PID") MB, peak $(peak_mb "$PID") MB; load $(cut -d' ' -f1 /proc/loadavg)"
}

if [[ $SKIP_BIG != 1 ]]; then
  echo "== $BIG_TENANTS tenants: time to start serving and RSS (peak = VmHWM)"
  write_mapping "$BIG_TENANTS" "$WORK/big.json"
  if [[ ${BIG_NAMES:-ascii} == utf8 ]]; then  # every tenant name begins with a raw "é"
    jq -c '.tenants |= map(.name |= "é" + .)' "$WORK/big.json" >"$WORK/big.tmp"
    mv "$WORK/big.tmp" "$WORK/big.json"
  fi
  # The same mapping as binary snapshots (cellkit snapshot), versions 1 and 2.
  "$CELLKIT" snapshot "$WORK/big.json" -o "$WORK/big.snap"
  "$CELLKIT" snapshot "$WORK/big.json" -o "$WORK/big2.snap" --routing-version 2 >/dev/null
  for kind in $PROXIES; do
    inputs="$WORK/big.json"
    [[ $kind == cellkit ]] && inputs="$WORK/big.snap $WORK/big.json"
    for input in $inputs; do
      start_proxy "$kind" "$input"
      echo "$kind ($(basename "$input")): serving after ${LOAD_SECONDS}s, RSS $(rss_mb "$PID") MB, peak $(peak_mb "$PID") MB"
      if [[ $kind == cellkit && $input == *.snap ]]; then
        put_snapshot "$WORK/big2.snap" "big2.snap (the same tenants, version 2)"
      elif [[ $kind == cellkit ]]; then
        jq -c '.routing_version = 2' "$WORK/big.json" >"$WORK/big2.json"
        put_snapshot "$WORK/big2.json" "big2.json (the same mapping, version 2)"
      fi
      stop_proxy "$PID"
    done
  done
fi

#!/usr/bin/env bash
# Counts the socket and file reads `cellkit control` makes for one POST /v1/tenants of 10,000
# tenants (a 359 KB body), under strace (docs/performance.md).
# Usage: bench/control_body_reads.sh [CELLKIT binary, default build/dev/apps/cellkit/cellkit]
set -euo pipefail
bin=${1:-build/dev/apps/cellkit/cellkit}
dir=$(mktemp -d)
strace -f -e trace=recvfrom,recvmsg,read,readv -o "$dir/trace" \
  "$bin" control --listen 127.0.0.1:0 --store "file:$dir/store" --strategy random >"$dir/out" 2>&1 &
tracer=$!
for _ in $(seq 50); do grep -q listening "$dir/out" && break; sleep 0.1; done
addr=$(grep listening "$dir/out" | awk '{print $NF}')
for c in 0 1 2 3 4 5 6 7; do
  curl -s -o /dev/null -X POST "http://$addr/v1/cells" \
    -d "{\"name\":\"cell-$c\",\"endpoint\":\"127.0.0.1:$((9 + c))\"}"
done
python3 -c 'import json; print(json.dumps({"tenants": [{"name": f"t{n}", "shard_size": 2}
                                            for n in range(10000)]}))' >"$dir/batch.json"
count() { grep -cE "^[0-9]+ +(recvfrom|recvmsg|read|readv)\(" "$dir/trace" || true; }
before=$(count)
curl -s -o /dev/null -w "%{http_code} " -X POST "http://$addr/v1/tenants" --data-binary @"$dir/batch.json"
sleep 0.5
echo "body $(stat -c %s "$dir/batch.json") bytes, read calls during the batch: $(($(count) - before))"
control=$(pgrep -P "$tracer" || true)
[ -n "$control" ] && kill "$control"
wait "$tracer" 2>/dev/null || true
rm -rf "$dir"

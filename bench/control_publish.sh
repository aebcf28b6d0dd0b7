#!/usr/bin/env bash
# Publish -> applied by 2 routers (p50/p99) and control-plane onboarding rate, against a
# private etcd and against the file store (docs/performance.md). Needs the dev build and
# etcd-server (scripts/install-deps.sh).
# Env: CELLKIT=build/dev/apps/cellkit/cellkit TENANTS=10000 BATCH=1000 SINGLES=200 SAMPLES=50
#      CONCURRENCY=48 SECONDS=5 (concurrent single-tenant calls with wrk)
#      STORES="etcd file"
set -euo pipefail
cd "$(dirname "$0")/.."
export CELLKIT=${CELLKIT:-build/dev/apps/cellkit/cellkit}
for store in ${STORES:-etcd file}; do
  STORE=$store python3 bench/control_publish.py
done

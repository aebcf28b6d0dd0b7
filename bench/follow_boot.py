#!/usr/bin/env python3
"""A router joining a fleet: from its start to serving the published version, read whole from
the store (the control plane's long-poll answer, or etcd's ranges of snapshot chunks).

Starts a store (a private etcd on loopback, or a directory), `cellkit control` over it, CELLS
cells registered (endpoints never contacted: health checks off) and TENANTS tenants onboarded
in batches of BATCH (one publication each). Then, RUNS rounds, for each binary of BINARIES in
turn (side by side in one run, so the machine's load is shared), starts a router following the
store with an empty state directory (--etcd, or --control for the file store), polls its
/admin/ready every 5 ms until it serves the published version, and prints the time from its
start and its CPU time (user + system, /proc/<pid>/stat: the steadier figure on a busy
machine). Everything started is stopped on exit.

Usage: STORE=file|etcd TENANTS=1000000 BATCH=100000 RUNS=3 \
       BINARIES="/tmp/cellkit-before build/dev/apps/cellkit/cellkit" python3 bench/follow_boot.py
The control plane runs the first binary of BINARIES (or $CELLKIT).
"""
import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import control_publish as cp  # noqa: E402  (its store, process and /proc helpers)

BINARIES = os.environ.get("BINARIES", cp.CELLKIT).split()
RUNS = int(os.environ.get("RUNS", "3"))


def served_version(admin):
    """The version /admin/ready reports (a router not ready yet answers 503 with it too)."""
    try:
        with urllib.request.urlopen(admin + "/admin/ready", timeout=5) as r:
            return json.loads(r.read())["version"]
    except urllib.error.HTTPError as e:
        return json.loads(e.read() or b'{"version": 0}')["version"]


def join(binary, follow, version, n):
    """Starts a router on `binary`; returns (seconds until it serves `version`, CPU ms)."""
    started = time.monotonic()
    router, out = cp.start([binary, "router", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                            "--health-interval", "0s", "--state-dir", f"{cp.work}/join-{n}",
                            "--router-id", f"join-{n}"] + follow, lines=2)
    admin = "http://" + out[1].split()[-1]
    deadline = started + 120
    while served_version(admin) < version:
        if time.monotonic() > deadline:
            raise SystemExit(f"{binary}: version {version} not served within 120 s")
        time.sleep(0.005)
    seconds = time.monotonic() - started
    cpu = cp.cpu_ms(router.pid)
    router.send_signal(signal.SIGTERM)
    router.wait(timeout=10)
    cp.procs.remove(router)
    return seconds, cpu


def main():
    spec = "etcd:" + cp.start_etcd() if cp.STORE == "etcd" else f"file:{cp.work}/store"
    _, out = cp.start([BINARIES[0], "control", "--listen", "127.0.0.1:0", "--store", spec,
                       "--strategy", "random"])
    control = "http://" + out[0].split()[-1]
    follow = ["--etcd", spec[5:]] if cp.STORE == "etcd" else ["--control", control]
    for c in range(cp.CELLS):
        cp.call(control + "/v1/cells", "POST",
                {"name": f"cell-{c}", "endpoint": f"127.0.0.1:{9 + c}"})
    for start_at in range(0, cp.TENANTS, cp.BATCH):
        batch = [{"name": f"t{n}", "shard_size": 2}
                 for n in range(start_at, min(cp.TENANTS, start_at + cp.BATCH))]
        cp.call(control + "/v1/tenants", "POST", {"tenants": batch}, timeout=600)
    version = cp.call(control + "/v1/version")["version"]
    print(f"store {cp.STORE}, {cp.CELLS} cells, {cp.TENANTS} tenants, version {version}")
    results = {b: [] for b in BINARIES}
    n = 0
    for _ in range(RUNS):
        for binary in BINARIES:
            n += 1
            results[binary].append(join(binary, follow, version, n))
    for binary, runs in results.items():
        print(f"{binary}: serving after " + " / ".join(f"{s:.3f}" for s, _ in runs) +
              " s; router CPU " + " / ".join(f"{c:.0f}" for _, c in runs) + " ms")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        cp.stop_all()

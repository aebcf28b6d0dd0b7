#!/usr/bin/env python3
"""Latency of single changes on a loaded control plane: removal, pin, onboarding.

Starts `cellkit control` (random strategy) over a file store in a temporary directory,
registers 8 cells, onboards TENANTS tenants of shard size 2 in batches of 100,000, then times
five calls of each operation named, in the order named, one call at a time (wall time of the
HTTP call, ms):
  * delete:  DELETE /v1/tenants/t{7i}
  * pin:     PUT /v1/tenants/t{7i+1}/pin {"cells": ["c0", "c1"]}
  * onboard: POST /v1/tenants {"name": "x{i}", "shard_size": 2}
So "delete,onboard" times the onboardings that follow removals, and "delete,pin,onboard" those
that follow pins (a pin is a whole-state change: the onboarding after it rebuilds its index).
Prints one line per operation: TENANTS, the operation, the five times. Everything started is
stopped on exit.

Usage: bench/control_changes.py CELLKIT_BINARY TENANTS [OPERATIONS, default delete,pin,onboard]
"""
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request


def main():
    binary, tenants = sys.argv[1], int(sys.argv[2])
    operations = (sys.argv[3] if len(sys.argv) > 3 else "delete,pin,onboard").split(",")
    work = tempfile.mkdtemp()
    control = subprocess.Popen(
        [binary, "control", "--listen", "127.0.0.1:0", "--store", f"file:{work}/store",
         "--strategy", "random"], stdout=subprocess.PIPE, text=True)
    url = "http://" + control.stdout.readline().split()[-1]

    def call(path, method="GET", body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=120) as reply:
            return json.loads(reply.read() or b"{}")

    try:
        for c in range(8):
            call("/v1/cells", "POST", {"name": f"c{c}", "endpoint": f"127.0.0.1:{9 + c}"})
        batch = min(tenants, 100000)
        for start in range(0, tenants, batch):
            names = range(start, min(tenants, start + batch))
            call("/v1/tenants", "POST",
                 {"tenants": [{"name": f"t{n}", "shard_size": 2} for n in names]})
        for operation in operations:
            times = []
            for i in range(5):
                began = time.monotonic()
                if operation == "delete":
                    call(f"/v1/tenants/t{i * 7}", "DELETE")
                elif operation == "pin":
                    call(f"/v1/tenants/t{i * 7 + 1}/pin", "PUT", {"cells": ["c0", "c1"]})
                elif operation == "onboard":
                    call("/v1/tenants", "POST", {"name": f"x{i}", "shard_size": 2})
                else:
                    sys.exit(f"unknown operation '{operation}'")
                times.append((time.monotonic() - began) * 1000)
            print(tenants, operation, " ".join(f"{t:.0f}" for t in times), "ms", flush=True)
    finally:
        control.send_signal(signal.SIGTERM)
        control.wait()
        shutil.rmtree(work)


if __name__ == "__main__":
    main()

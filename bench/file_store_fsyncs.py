#!/usr/bin/env python3
"""fsync calls per publication of the file store (docs/performance.md).

Starts `cellkit control` on a fresh file store under `strace -f -y -e trace=fsync,fdatasync`,
registers CELLS cells, onboards PUBLICATIONS tenants one per call, one call at a time (one
publication each), stops it, and counts the fsyncs by what they synced: the publications'
files and directories, the pointer (`current` and the fleet directory), and the rest
(the leader file at start, the compaction's bases in snap/ and their pointer moves, which
write `current` too and are counted there).
Env: CELLKIT=build/dev/apps/cellkit/cellkit PUBLICATIONS=40 CELLS=4
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.request
from collections import Counter

CELLKIT = os.environ.get("CELLKIT", "build/dev/apps/cellkit/cellkit")
PUBLICATIONS = int(os.environ.get("PUBLICATIONS", "40"))
CELLS = int(os.environ.get("CELLS", "4"))


def call(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"{}")


def kind(path, fleet):
    rel = os.path.relpath(path, fleet)
    if rel == ".":
        return "the fleet directory (after a rename in it: the pointer's, or a new directory's)"
    if rel.startswith(".."):
        return "above the fleet directory (creating it)"
    if "/" not in rel:
        name = rel.split(".")[0]
        return f"{name} (its temporary file)" if ".tmp." in rel else f"{name}/ (the directory)"
    return rel.split("/")[0] + "/ files"


def main():
    with tempfile.TemporaryDirectory(prefix="cellkit-fsyncs-") as work:
        trace = os.path.join(work, "strace.txt")
        store = os.path.join(work, "store")
        control = subprocess.Popen(
            ["strace", "-f", "-y", "-qq", "-o", trace, "-e", "trace=fsync,fdatasync", CELLKIT,
             "control", "--listen", "127.0.0.1:0", "--store", "file:" + store, "--strategy", "random"],
            stdout=subprocess.PIPE, text=True)
        try:
            address = control.stdout.readline().split()[-1]
            url = f"http://{address}/v1"
            for c in range(CELLS):
                call(url + "/cells", {"name": f"cell-{c}", "endpoint": f"127.0.0.1:{9 + c}"})
            for n in range(PUBLICATIONS):
                call(url + "/tenants", {"name": f"t-{n}", "shard_size": 2})
        finally:
            # SIGTERM to cellkit itself (strace, its parent, would only detach), then strace ends.
            with open(f"/proc/{control.pid}/task/{control.pid}/children") as children:
                for pid in children.read().split():
                    os.kill(int(pid), signal.SIGTERM)
            control.wait(timeout=30)
        fleet = os.path.join(store, "default")
        counts = Counter()
        for line in open(trace):
            m = re.search(r"f(?:data)?sync\(\d+<([^>]*)>\) = 0", line)
            if m:
                counts[kind(m.group(1), fleet)] += 1
    versions = CELLS + PUBLICATIONS
    total = sum(counts.values())
    print(f"{CELLKIT}: {versions} publications ({CELLS} cells, {PUBLICATIONS} tenants), "
          f"{total} fsyncs, {total / versions:.2f} per publication")
    for what, n in sorted(counts.items()):
        print(f"  {what}: {n}")


if __name__ == "__main__":
    sys.exit(main())

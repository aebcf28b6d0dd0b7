#!/usr/bin/env python3
"""Publish -> applied by 2 routers, and control-plane onboarding rate (issue 10 "Speed").

Starts a store (a private etcd on loopback, or a directory), `cellkit control` over it, and two
`cellkit router`s following it (--etcd, or --control for the file store). Registers CELLS
cells (endpoints are never contacted: health checks off), onboards TENANTS tenants in batches
of BATCH (one publication per batch), then measures:
  * onboarding one tenant per API call, one call at a time: tenants/s over SINGLES;
  * onboarding one tenant per API call from CONCURRENCY connections for SECONDS (wrk with
    bench/control_onboard.lua): calls that arrive while a publication is written share the
    next one (group commit); tenants/s counts 200 answers, checked against the tenants the
    control plane lists afterwards; meanwhile one client reads GET /v1/rebalance/status (a
    read of the desired state, O(1)) every 5 ms: its latency p50/p99/max, which tells whether
    reads wait for the publications being written;
  * publish -> applied: SAMPLES times, the time from sending POST /v1/tenants to both routers'
    /admin/ready reporting that version (polled every 2 ms): p50, p99, max; and the part of
    it after the API answered (the pointer had moved), and the CPU each process (control,
    routers, etcd) used per sample (/proc/<pid>/stat), the steadiest figure on a busy machine.
Everything started is stopped on exit. Usage: see bench/control_publish.sh.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

CELLKIT = os.environ.get("CELLKIT", "build/dev/apps/cellkit/cellkit")
STORE = os.environ.get("STORE", "etcd")
TENANTS = int(os.environ.get("TENANTS", "10000"))
BATCH = int(os.environ.get("BATCH", "1000"))
SINGLES = int(os.environ.get("SINGLES", "200"))
SAMPLES = int(os.environ.get("SAMPLES", "50"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "48"))
SECONDS = int(os.environ.get("SECONDS", "5"))
CELLS = int(os.environ.get("CELLS", "8"))

procs = []
work = tempfile.mkdtemp(prefix="cellkit-bench-control-")


def stop_all():
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in reversed(procs):
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    shutil.rmtree(work, ignore_errors=True)


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(args, lines=1):
    p = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    procs.append(p)
    out = [p.stdout.readline().strip() for _ in range(lines)]
    return p, out


def call(url, method="GET", body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"{}")


def start_etcd():
    client, peer = free_port(), free_port()
    c, p = f"http://127.0.0.1:{client}", f"http://127.0.0.1:{peer}"
    log = open(os.path.join(work, "etcd.log"), "w")
    e = subprocess.Popen(["etcd", "--name=bench", f"--data-dir={work}/etcd",
                          f"--listen-client-urls={c}", f"--advertise-client-urls={c}",
                          f"--listen-peer-urls={p}", f"--initial-advertise-peer-urls={p}",
                          f"--initial-cluster=bench={p}"], stdout=log, stderr=log)
    procs.append(e)
    for _ in range(300):
        try:
            urllib.request.urlopen(c + "/health", timeout=1)
            return c
        except Exception:
            time.sleep(0.05)
    raise SystemExit("etcd did not start")


def cpu_ms(pid):
    """CPU time (user + system) the process used so far, in ms (/proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def read_while(control, running, latencies):
    """GET /v1/rebalance/status every 5 ms while `running` is set; latencies in ms (a failed
    read ends the list with its error)."""
    while running.is_set():
        sent = time.monotonic()
        try:
            call(control + "/v1/rebalance/status")
        except OSError as e:  # said by the caller, not swallowed: the figures would be wrong
            latencies.append(e)
            return
        latencies.append((time.monotonic() - sent) * 1000)
        time.sleep(0.005)


def concurrent_onboarding(control):
    """wrk from CONCURRENCY connections; returns (tenants/s answered 200, publications,
    latencies of the status reads made meanwhile)."""
    before = len(call(control + "/v1/tenants")["tenants"])
    version = call(control + "/v1/version")["version"]
    running, reads = threading.Event(), []
    running.set()
    reader = threading.Thread(target=read_while, args=(control, running, reads))
    reader.start()
    try:
        out = run_wrk(control)
    finally:
        running.clear()
        reader.join()
    if reads and isinstance(reads[-1], OSError):
        raise SystemExit(f"GET /v1/rebalance/status failed during the onboarding: {reads[-1]}")
    requests = int(next(l for l in out.splitlines() if "requests in" in l).split()[0])
    failed = sum(int(l.split()[-1]) for l in out.splitlines() if "Non-2xx" in l)
    time.sleep(1)  # calls cut off by wrk's deadline may still land
    after = len(call(control + "/v1/tenants")["tenants"])
    ok = requests - failed
    if not ok <= after - before <= ok + CONCURRENCY:
        raise SystemExit(f"wrk saw {ok} onboardings answered 200, the fleet grew by {after - before}")
    return ok / SECONDS, call(control + "/v1/version")["version"] - version, reads


def run_wrk(control):
    return subprocess.run(["wrk", "-t", "2", "-c", str(CONCURRENCY), "-d", f"{SECONDS}s",
                          "-s", "bench/control_onboard.lua", control], check=True,
                         capture_output=True, text=True).stdout


def main():
    spec = "etcd:" + start_etcd() if STORE == "etcd" else f"file:{work}/store"
    watched = {"etcd": procs[-1].pid} if STORE == "etcd" else {}
    control_proc, out = start([CELLKIT, "control", "--listen", "127.0.0.1:0", "--store", spec,
                    "--strategy", "random"])
    watched["control"] = control_proc.pid
    control = "http://" + out[0].split()[-1]
    follow = ["--etcd", spec[5:]] if STORE == "etcd" else ["--control", control]
    admins = []
    for i in range(2):
        router, out = start([CELLKIT, "router", "--listen", "127.0.0.1:0", "--admin",
                             "127.0.0.1:0", "--health-interval", "0s", "--state-dir",
                             f"{work}/router-{i}", "--router-id", f"router-{i}"] + follow, lines=2)
        watched[f"router-{i}"] = router.pid
        admins.append("http://" + out[1].split()[-1])
    for c in range(CELLS):
        call(control + "/v1/cells", "POST", {"name": f"cell-{c}", "endpoint": f"127.0.0.1:{9 + c}"})

    t0 = time.monotonic()
    for start_at in range(0, TENANTS, BATCH):
        batch = [{"name": f"t{n}", "shard_size": 2}
                 for n in range(start_at, min(TENANTS, start_at + BATCH))]
        call(control + "/v1/tenants", "POST", {"tenants": batch})
    batched = TENANTS / (time.monotonic() - t0)

    t0 = time.monotonic()
    for n in range(SINGLES):
        call(control + "/v1/tenants", "POST", {"name": f"single-{n}", "shard_size": 2})
    singles = SINGLES / (time.monotonic() - t0)

    concurrent, publications, reads = concurrent_onboarding(control)

    latencies, after_answer = [], []
    cpu_before = {name: cpu_ms(pid) for name, pid in watched.items()}
    for n in range(SAMPLES):
        sent = time.monotonic()
        version = call(control + "/v1/tenants", "POST",
                       {"name": f"sample-{n}", "shard_size": 2})["version"]
        answered = time.monotonic()
        pending = set(admins)
        deadline = sent + 30
        while pending and time.monotonic() < deadline:
            for a in list(pending):
                if call(a + "/admin/ready")["version"] >= version:
                    pending.discard(a)
            if pending:
                time.sleep(0.002)
        if pending:
            raise SystemExit(f"version {version} not applied by {sorted(pending)} within 30 s")
        latencies.append((time.monotonic() - sent) * 1000)
        after_answer.append((time.monotonic() - answered) * 1000)

    cpu = {name: (cpu_ms(pid) - cpu_before[name]) / SAMPLES for name, pid in watched.items()}
    total = len(call(control + "/v1/tenants")["tenants"])
    print(f"store {STORE}, {CELLS} cells, {total} tenants at the end, 2 routers")
    print(f"onboarding, batches of {BATCH} (one publication each): {batched:.0f} tenants/s")
    print(f"onboarding, one tenant per call, one call at a time: {singles:.0f} tenants/s")
    print(f"onboarding, one tenant per call, {CONCURRENCY} connections for {SECONDS} s: "
          f"{concurrent:.0f} tenants/s in {publications} publications "
          f"({publications / SECONDS:.1f} versions/s)")
    if reads:
        print(f"  GET /v1/rebalance/status meanwhile, {len(reads)} reads: "
              f"p50 {percentile(reads, 0.5):.1f} ms, p99 {percentile(reads, 0.99):.1f} ms, "
              f"max {max(reads):.1f} ms")
    else:
        print("  GET /v1/rebalance/status meanwhile: no read answered during the onboarding")
    print(f"publish -> applied by both routers, {SAMPLES} samples: "
          f"p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
          f"max {max(latencies):.1f} ms")
    print(f"  of which after the API answered (pointer moved -> both applied): "
          f"p50 {percentile(after_answer, 0.5):.1f} ms, p99 {percentile(after_answer, 0.99):.1f} ms")
    print("  CPU per sample: " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in cpu.items()))
    print(f"  load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()

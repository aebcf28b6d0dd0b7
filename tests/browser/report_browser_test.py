#!/usr/bin/env python3
"""Loads every kind of cellkit HTML report from disk in headless Chromium (Debian `chromium`)
through the DevTools protocol and fails unless: no console error or exception, no network
request but the file itself, every chart has a non-zero size and the expected number of series,
and the fleet diagram is drawn. Saves a 1280 px wide screenshot of each report.

usage: report_browser_test.py CELLKIT SCENARIOS_DIR DATA_DIR WORK_DIR [--screenshots DIR]
"""
import base64
import ctypes
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

DEADLINE_S = 60  # for everything one page needs

# Chart id -> expected series, per report (None: any number above zero).
REPORTS = {
    "simulate": {"outcomes": 2, "availability": 1, "cells-down": 1, "tenants-down": 2,
                 "latency": 1, "latency-time": 2, "utilization": 1},
    "simulate-runs": {"outcomes": 3, "availability": 1, "cells-down": 1, "tenants-down": 2,
                      "latency": 1, "latency-time": 2, "utilization": 1},
    "analyze": {"overlap": 2, "poison-down": 1, "poison-degraded": 1, "cell-load": 1,
                "zone-load": 1},
    "place": {"cell-load": 1, "overlap": 1},
    "rebalance": {"cell-load": 2, "moves": 2, "overlap": 2},
    "sweep": {"availability": 2, "tenants-down": 2, "cells-crashed": 2, "p99": 2},
}


class WebSocket:
    """The client half of RFC 6455, enough for the DevTools protocol on loopback."""

    def __init__(self, port, path):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_S)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("DevTools closed the connection during the handshake")
            reply += chunk
        if b" 101 " not in reply.split(b"\r\n")[0]:
            raise RuntimeError(f"DevTools refused the websocket: {reply[:200]!r}")
        self.buffer = reply.split(b"\r\n\r\n", 1)[1]

    def send(self, text):
        data = text.encode()
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            message += self._read(length)
            if first & 0x80:
                return message.decode()


LIBC_PRCTL = ctypes.CDLL(None, use_errno=True).prctl  # resolved here, not after fork
PR_SET_PDEATHSIG = 1


def die_with_this_thread():
    """Runs in the browser's first process before exec: the kernel sends it SIGKILL when the
    thread that started it ends (here the main thread, so when the test process ends, however
    it ends: a ctest timeout's SIGKILL, a kill). The setting is not inherited, so the
    browser's own children (zygote, renderers) exit because their parent did, which they do
    (a killed test left 10 Chromium processes before this, none after). Start the browser
    from the main thread only."""
    if LIBC_PRCTL(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL)) != 0:
        os._exit(127)  # Popen then fails: the child ended before exec


def close_group(process, profile):
    """Kills the browser's whole process group (setsid made its id the first pid) and
    removes its profile."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    shutil.rmtree(profile, ignore_errors=True)


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="cellkit-chromium-")
        self.process = subprocess.Popen(
            ["chromium", "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
             "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=die_with_this_thread)
        try:
            port_file = os.path.join(self.profile, "DevToolsActivePort")
            deadline = time.time() + DEADLINE_S
            while not os.path.exists(port_file) or len(open(port_file).read().split()) < 2:
                if time.time() > deadline or self.process.poll() is not None:
                    raise RuntimeError("chromium did not start its DevTools endpoint")
                time.sleep(0.05)
            port, path = open(port_file).read().split()[:2]
            self.ws = WebSocket(int(port), path)
        except BaseException:  # a failed start or a SIGTERM: leave no browser behind
            close_group(self.process, self.profile)
            raise
        self.next_id = 0
        self.events = []

    def call(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        deadline = time.time() + DEADLINE_S
        while time.time() < deadline:
            reply = json.loads(self.ws.receive())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)
        raise RuntimeError(f"{method}: no answer in {DEADLINE_S}s")

    def wait_for(self, event):
        deadline = time.time() + DEADLINE_S
        while not any(e.get("method") == event for e in self.events):
            if time.time() > deadline:
                raise RuntimeError(f"no {event} in {DEADLINE_S}s")
            self.events.append(json.loads(self.ws.receive()))

    def close(self):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM cannot cut this short
        try:
            self.call("Browser.close")
        except Exception:  # the browser may already be gone; it is killed below either way
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        close_group(self.process, self.profile)


MEASURE = """JSON.stringify({
  charts: Array.from(document.querySelectorAll('svg.chart')).map(s => ({
    id: s.id, width: s.getBoundingClientRect().width, height: s.getBoundingClientRect().height,
    series: s.querySelectorAll('g.series').length,
    drawn: Array.from(s.querySelectorAll('g.series')).filter(g => g.getBBox().width > 0).length})),
  diagrams: Array.from(document.querySelectorAll('svg.diagram')).map(s => ({
    width: s.getBoundingClientRect().width, cells: s.querySelectorAll('g.cell').length,
    tenants: s.querySelectorAll('g.tenant').length})),
  scripts: document.querySelectorAll('script').length,
  width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight})"""


def run_checks(checks):
    """Runs each (name, check) in one headless Chromium, where check(browser) returns
    (summary, problems); prints a line per check and its problems. Returns the exit code:
    0 when no check found a problem."""
    # A SIGTERM (a cancelled CI job, a kill; ctest's own timeout sends SIGKILL, which the
    # browser's death signal covers) ends this process through the finally below, so the
    # browser's whole process group is closed, not only its first process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    browser = Browser()
    failed = False
    try:
        for name, check in checks:
            summary, problems = check(browser)
            print(f"{name}: {summary}, {'OK' if not problems else 'FAILED'}")
            for p in problems:
                print(f"  {p}")
            failed = failed or bool(problems)
    finally:
        browser.close()
    return 1 if failed else 0


def check_page(browser, kind, path, screenshot):
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Network", "Runtime", "Log"):
        browser.call(f"{domain}.enable", session=session)
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session)
    browser.events.clear()
    url = "file://" + os.path.abspath(path)
    start = time.time()
    browser.call("Page.navigate", {"url": url}, session)
    browser.wait_for("Page.loadEventFired")
    load_s = time.time() - start
    page = json.loads(browser.call("Runtime.evaluate", {"expression": MEASURE, "returnByValue": True},
                                   session)["result"]["value"])
    problems = []
    for e in browser.events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Network.requestWillBeSent" and params["request"]["url"] != url:
            problems.append(f"network request: {params['request']['url']}")
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            problems.append(f"console {params['type']}: {params.get('args')}")
        if method == "Runtime.exceptionThrown":
            problems.append(f"exception: {params['exceptionDetails'].get('text')}")
        if method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            problems.append(f"log {params['entry']['level']}: {params['entry']['text']}")
    expected = REPORTS[kind]
    found = {c["id"]: c for c in page["charts"]}
    if sorted(found) != sorted(expected):
        problems.append(f"charts {sorted(found)}, expected {sorted(expected)}")
    for chart_id, series in expected.items():
        c = found.get(chart_id)
        if c is None:
            continue
        if c["width"] <= 0 or c["height"] <= 0:
            problems.append(f"chart {chart_id} has no size ({c['width']}x{c['height']})")
        if c["series"] != series:
            problems.append(f"chart {chart_id} has {c['series']} series, expected {series}")
    if kind != "sweep" and (len(page["diagrams"]) != 1 or page["diagrams"][0]["width"] <= 0
                            or page["diagrams"][0]["cells"] == 0):
        problems.append(f"no fleet diagram drawn: {page['diagrams']}")
    if page["scripts"] != 0:
        problems.append(f"{page['scripts']} script elements")
    if page["width"] > 1280:
        problems.append(f"page is {page['width']} px wide at 1280 px")
    shot = browser.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                   "clip": {"x": 0, "y": 0, "width": 1280,
                                                            "height": min(page["height"], 2400),
                                                            "scale": 1}}, session)
    with open(screenshot, "wb") as out:
        out.write(base64.b64decode(shot["data"]))
    browser.call("Target.closeTarget", {"targetId": target})
    return problems, load_s


def make_reports(cellkit, scenarios, data, work):
    os.makedirs(work, exist_ok=True)

    def run(*args):
        subprocess.run([cellkit, *args], check=True, stdout=subprocess.DEVNULL, timeout=300)

    html = {k: os.path.join(work, f"{k}.html") for k in REPORTS}
    run("simulate", f"{scenarios}/zone-outage.yaml", "--html", html["simulate"])
    run("simulate", f"{scenarios}/zone-outage.yaml", "--runs", "3", "--html", html["simulate-runs"])
    mapping = os.path.join(work, "placed.json")
    run("place", "--cells", "24", "--zones", "3", "--tenants", "120", "--shard-size", "3",
        "--strategy", "random", "-o", mapping, "--html", html["place"])
    run("analyze", mapping, "--html", html["analyze"])
    run("rebalance", mapping, "--add-cells", "3", "--html", html["rebalance"])
    run("sweep", f"{scenarios}/zone-outage.yaml", "--set", "tenants.shard_size=2,3",
        "--set", "tenants.placement=random,rendezvous", "--runs", "3", "-j", "2",
        "--out", os.path.join(work, "sweep"), "--html", html["sweep"], "--quiet")
    return html


def main():
    cellkit, scenarios, data, work = sys.argv[1:5]
    shots = sys.argv[6] if len(sys.argv) > 6 and sys.argv[5] == "--screenshots" else work
    html = make_reports(cellkit, scenarios, data, work)

    def check(kind, path):
        def run(browser):
            problems, load_s = check_page(browser, kind, path,
                                          os.path.join(shots, f"report-{kind}.png"))
            return f"{os.path.getsize(path)} bytes, loaded in {load_s:.2f}s", problems
        return run

    return run_checks([(kind, check(kind, path)) for kind, path in html.items()])


if __name__ == "__main__":
    sys.exit(main())

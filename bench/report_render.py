#!/usr/bin/env python3
"""Measures HTML reports: bytes, and the time headless Chromium takes from navigation to the
load event plus a full layout (every chart's size read). Reuses the browser test's DevTools
client. usage: report_render.py FILE.html [FILE.html ...]   (docs/performance.md)"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "browser"))
import report_browser_test as rb  # noqa: E402


def measure(browser, path):
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser.call("Page.enable", session=session)
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session)
    browser.events.clear()
    start = time.time()
    browser.call("Page.navigate", {"url": "file://" + os.path.abspath(path)}, session)
    browser.wait_for("Page.loadEventFired")
    page = json.loads(browser.call("Runtime.evaluate", {"expression": rb.MEASURE, "returnByValue": True},
                                   session)["result"]["value"])
    elapsed = time.time() - start
    browser.call("Target.closeTarget", {"targetId": target})
    return elapsed, len(page["charts"])


def main():
    browser = rb.Browser()
    try:
        for path in sys.argv[1:]:
            times = [measure(browser, path)[0] for _ in range(3)]
            print(f"{path}: {os.path.getsize(path):,} bytes; load + layout {min(times):.2f}s best of 3 "
                  f"({', '.join(f'{t:.2f}' for t in times)})")
    finally:
        browser.close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Renders `cellkit diagram --format mermaid` output with Mermaid itself in headless Chromium,
offline: the page loads a pinned mermaid.min.js from disk (fetched by scripts/install-deps.sh).
Fails unless Mermaid parses every diagram without an error, draws one node per node the text
declares and one edge per edge it declares, and the page makes no network request.

usage: mermaid_render_test.py CELLKIT MERMAID_JS WORK_DIR
"""
import html
import json
import os
import re
import subprocess
import sys

from report_browser_test import run_checks

# Small enough that every cell and tenant is drawn, and large enough that both are aggregated
# (more than 50 cells, more than 100 tenants), with zones and without.
FLEETS = {
    "every-cell": ["--cells", "6", "--tenants", "5", "--shard-size", "2", "--max-overlap", "1"],
    "zones": ["--cells", "12", "--zones", "3", "--tenants", "20", "--shard-size", "3",
              "--strategy", "random"],
    "aggregated": ["--cells", "80", "--zones", "4", "--tenants", "400", "--shard-size", "3",
                   "--strategy", "random"],
}

NODE = re.compile(r'^\s*([A-Za-z_][\w-]*)\["', re.M)  # a node with a label: id["..."]
SUBGRAPH = re.compile(r'^\s*subgraph ', re.M)
EDGE = re.compile(r'^\s*\S+ (?:-->|-\.->|-- [^-]+ -->) \S+\s*$', re.M)

RENDER = """(async () => {
  const out = {};
  try {
    mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
    const text = document.getElementById('source').textContent;
    const {svg} = await mermaid.render('diagram', text);
    document.getElementById('target').innerHTML = svg;
    const s = document.querySelector('#target svg');
    out.nodes = s.querySelectorAll('g.node').length;
    out.clusters = s.querySelectorAll('g.cluster').length;
    out.edges = s.querySelectorAll('path.flowchart-link').length;
    out.width = s.getBoundingClientRect().width;
    out.height = s.getBoundingClientRect().height;
  } catch (e) {
    out.error = String(e && e.message ? e.message : e);
  }
  return JSON.stringify(out);
})()"""


def expected_counts(text):
    """What the Mermaid text declares: labelled nodes (a subgraph line starts with `subgraph`,
    so NODE never matches one), subgraphs, edges."""
    return {"nodes": len(NODE.findall(text)), "clusters": len(SUBGRAPH.findall(text)),
            "edges": len(EDGE.findall(text))}


def write_page(work, name, text, mermaid_js):
    page = os.path.join(work, f"{name}.html")
    with open(page, "w", encoding="utf-8") as out:
        out.write("<!doctype html><meta charset='utf-8'>"
                  f"<script src='file://{html.escape(mermaid_js)}'></script>"
                  f"<pre id='source' style='display:none'>{html.escape(text)}</pre>"
                  "<div id='target'></div>")
    return page


def check(browser, page, want):
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Network", "Runtime"):
        browser.call(f"{domain}.enable", session=session)
    browser.events.clear()
    url = "file://" + os.path.abspath(page)
    browser.call("Page.navigate", {"url": url}, session)
    browser.wait_for("Page.loadEventFired")
    reply = browser.call("Runtime.evaluate", {"expression": RENDER, "awaitPromise": True,
                                              "returnByValue": True}, session)
    got = json.loads(reply["result"]["value"])
    problems = []
    for e in browser.events:
        if e.get("method") == "Network.requestWillBeSent":
            request = e["params"]["request"]["url"]
            if request != url and not request.startswith("file://"):
                problems.append(f"network request: {request}")
        if e.get("method") == "Runtime.exceptionThrown":
            problems.append(f"exception: {e['params']['exceptionDetails'].get('text')}")
    if "error" in got:
        problems.append(f"mermaid refused the diagram: {got['error']}")
    else:
        for key, value in want.items():
            if got.get(key) != value:
                problems.append(f"{key}: drawn {got.get(key)}, declared {value}")
        if got.get("width", 0) <= 0 or got.get("height", 0) <= 0:
            problems.append(f"the diagram has no size ({got.get('width')}x{got.get('height')})")
    browser.call("Target.closeTarget", {"targetId": target})
    return problems, got


def main():
    cellkit, mermaid_js, work = sys.argv[1:4]
    if not os.path.isfile(mermaid_js):
        print(f"{mermaid_js}: Mermaid is missing; run scripts/install-deps.sh", file=sys.stderr)
        return 1
    os.makedirs(work, exist_ok=True)
    pages = {}
    for name, options in FLEETS.items():
        mapping = os.path.join(work, f"{name}.json")
        subprocess.run([cellkit, "place", *options, "-o", mapping], check=True,
                       stdout=subprocess.DEVNULL, timeout=120)
        text = subprocess.run([cellkit, "diagram", mapping], check=True, capture_output=True,
                              text=True, timeout=120).stdout
        pages[name] = (write_page(work, name, text, os.path.abspath(mermaid_js)),
                       expected_counts(text))

    def render(page, want):
        def run(browser):
            problems, got = check(browser, page, want)
            return f"declared {want}, drawn {got}", problems
        return run

    return run_checks([(name, render(page, want)) for name, (page, want) in pages.items()])


if __name__ == "__main__":
    sys.exit(main())

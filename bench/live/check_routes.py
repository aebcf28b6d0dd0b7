#!/usr/bin/env python3
"""Sends one order per tenant through a proxy (one keep-alive connection) and checks that
the cell that answered (X-Cell) is the tenant's expected cell. Usage:
check_routes.py HOST:PORT EXPECTED_FILE   (lines "tenant cell"). Exit 1 on any mismatch."""
import http.client
import sys


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    expected = [line.split() for line in open(sys.argv[2]) if line.strip()]
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    wrong = 0
    for tenant, cell in expected:
        conn.request("POST", "/orders", body='{"bags": 1}',
                     headers={"X-Tenant": tenant, "Content-Type": "application/json"})
        reply = conn.getresponse()
        reply.read()
        got = reply.getheader("X-Cell")
        if reply.status != 200 or got != cell:
            wrong += 1
            if wrong <= 5:
                print(f"  {tenant}: expected {cell}, got {reply.status} from {got}")
    print(f"{sys.argv[1]}: {len(expected) - wrong} of {len(expected)} tenants reached their cell")
    return 1 if wrong else 0


sys.exit(main())

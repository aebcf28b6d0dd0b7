#!/usr/bin/python3
"""Fill of strategy `design` (or another) for one pool, k = 4, m = 2, on N = FIRST..LAST cells.

For each N: `cellkit place --strategy design` offered as many tenants as the bound C(N,3)/4,
and the placed count beside the bound and beside Johnson's bound ⌊N/4 · D₃(N−1)⌋ (D₃ the triple
packing number: ⌊n/3 ⌊(n−1)/2⌋⌋, less one for n ≡ 5 mod 6), which no packing exceeds. Prints a
Markdown table; `--below PCT` keeps the rows under PCT% of the bound; `--strategy NAME` places
with NAME instead (shuffle, packing: the column is named after it). Each N is its own process,
so every row pays for its own searches (once per process in cellkit).
Run: bench/design_fill.py build/dev/apps/cellkit/cellkit [FIRST LAST] [--below 95] [--strategy S]
"""
import re
import subprocess
import sys


def triple_packing(n):
    return n * ((n - 1) // 2) // 3 - (1 if n % 6 == 5 else 0)


def johnson(n):
    return n * triple_packing(n - 1) // 4


def placed(cellkit, strategy, n, bound):
    out = subprocess.run(
        [cellkit, "place", "--strategy", strategy, "--cells", str(n), "--tenants", str(bound),
         "--shard-size", "4", "-m", "2", "--show", "0"],
        capture_output=True, text=True, check=False).stdout
    found = re.search(r"^placed ([\d,]+) of", out, re.M)
    if not found:
        sys.exit(f"cellkit place for {n} cells printed no 'placed' line:\n{out}")
    return int(found.group(1).replace(",", ""))


def option(args, name):
    """The value after `name` in args (both removed), or None."""
    if name not in args:
        return None
    at = args.index(name)
    value = args[at + 1]
    del args[at:at + 2]
    return value


def main():
    args = sys.argv[1:]
    below = option(args, "--below")
    below = None if below is None else float(below)
    strategy = option(args, "--strategy") or "design"
    cellkit = args[0]
    first, last = (int(args[1]), int(args[2])) if len(args) > 2 else (20, 100)
    print(f"| cells | bound C(N,3)/4 | Johnson's bound (no packing holds more) | {strategy} |")
    print("|---|---|---|---|")
    for n in range(first, last + 1):
        bound = n * (n - 1) * (n - 2) // 24
        got = placed(cellkit, strategy, n, bound)
        pct = 100.0 * got / bound
        if below is not None and pct >= below:
            continue
        j = johnson(n)
        print(f"| {n} | {bound:,} | {j:,} ({100.0 * j / bound:.1f}%) | {got:,} ({pct:.1f}%) |",
              flush=True)


if __name__ == "__main__":
    main()

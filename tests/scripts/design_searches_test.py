#!/usr/bin/env python3
"""Runs the offline design searches (scripts/find_rotational_sqs.py, scripts/find_cyclic_packing.py)
on small orders, each well under a second, and checks what they print: the base blocks developed
here, independently of the scripts, must give a Steiner quadruple system (every triple exactly
once, C(v,3)/4 blocks) or a packing (every triple at most once) of the size asked for. And two
runs pinned to the data they produced: `find_rotational_sqs.py 46 0` and `find_cyclic_packing.py
29 6 0` (a second or two each) must print exactly the base blocks kBase46 and kBase29 that
src/core/steiner_quadruples.cc keeps, so a change of search order fails here.

usage: design_searches_test.py SCRIPTS_DIR STEINER_QUADRUPLES_CC
"""
import ast
import itertools
import re
import subprocess
import sys
from collections import Counter
from math import comb


def run(script, *args):
    out = subprocess.run([sys.executable, script, *map(str, args)], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    return out.strip()


def base_blocks(text):
    """The list a script prints; the count first when there is one ("9 [(0, 1, 2, 7), ...]")."""
    if text == "none":
        raise AssertionError("the script found none")
    count, _, rest = text.partition(" ")
    if count.isdigit():
        blocks = ast.literal_eval(rest)
        if int(count) != len(blocks):
            raise AssertionError(f"printed count {count}, but {len(blocks)} base blocks")
        return blocks
    return ast.literal_eval(text)


def developed(base, p, copies, inf, mult):
    """Images of the base blocks under x + p·i -> (a·x + b mod p) + p·i, a a power of `mult`
    mod p, the point p·copies (∞, when `inf`) fixed; repeats dropped."""
    multipliers, a = set(), 1
    while a not in multipliers:
        multipliers.add(a)
        a = a * mult % p
    infinity = p * copies if inf else None
    blocks = set()
    for q in base:
        for a in multipliers:
            for b in range(p):
                blocks.add(frozenset(x if x == infinity else (a * (x % p) + b) % p + x - x % p
                                     for x in q))
    points = p * copies + (1 if inf else 0)
    for blk in blocks:
        if len(blk) != 4 or not all(0 <= x < points for x in blk):
            raise AssertionError(f"block {sorted(blk)} is not 4 points of 0..{points - 1}")
    return blocks, points


def triple_counts(blocks):
    return Counter(t for blk in blocks for t in itertools.combinations(sorted(blk), 3))


def check_sqs(scripts, shape):
    p, copies, inf, mult = shape
    base = base_blocks(run(f"{scripts}/find_rotational_sqs.py", p, copies, inf, mult))
    blocks, v = developed(base, p, copies, inf, mult)
    counts = triple_counts(blocks)
    twice = [t for t, c in counts.items() if c > 1]
    if twice:
        raise AssertionError(f"SQS({v}): triple {twice[0]} in {counts[twice[0]]} blocks")
    if len(counts) != comb(v, 3) or len(blocks) != comb(v, 3) // 4:
        raise AssertionError(f"SQS({v}): {len(counts)} of {comb(v, 3)} triples covered, "
                             f"{len(blocks)} blocks")
    return f"SQS({v}) from {shape}: {len(base)} base blocks, {len(blocks)} blocks"


def check_packing(scripts, v, args, want):
    base = base_blocks(run(f"{scripts}/find_cyclic_packing.py", *args))
    blocks, _ = developed(base, v, 1, False, 1)
    counts = triple_counts(blocks)
    twice = [t for t, c in counts.items() if c > 1]
    if twice:
        raise AssertionError(f"{args}: triple {twice[0]} in {counts[twice[0]]} blocks")
    if len(blocks) != want * v:
        raise AssertionError(f"{args}: {len(blocks)} blocks, wanted {want * v} ({want} orbits)")
    return f"cyclic packing {args}: {len(base)} base blocks, {len(blocks)} blocks"


def stored_base(source, name):
    """The base blocks `static constexpr std::array<Quad, n> name = {{{a, b, c, d}, ...}};`."""
    with open(source, encoding="utf-8") as f:
        text = f.read()
    body = re.search(r"\b" + name + r" = \{\{(.*?)\}\};", text, re.S)
    if body is None:
        raise AssertionError(f"{name} not found in {source}")
    return [tuple(map(int, q)) for q in re.findall(r"\{(\d+), (\d+), (\d+), (\d+)\}",
                                                   body.group(1))]


def check_stored(script, args, source, name):
    printed = base_blocks(run(script, *args))
    kept = stored_base(source, name)
    if printed != kept:
        first = next((i for i, (a, b) in enumerate(zip(printed, kept)) if a != b),
                     min(len(printed), len(kept)))
        raise AssertionError(f"{args}: printed {len(printed)} base blocks, {name} keeps "
                             f"{len(kept)}; first difference at block {first}")
    return f"{args} prints {name} ({len(kept)} base blocks)"


def main():
    scripts, source = sys.argv[1], sys.argv[2]
    checks = [
        lambda: check_sqs(scripts, (7, 1, 1, 2)),   # SQS(8): Z_7 and ∞, a in <2> (order 3)
        lambda: check_sqs(scripts, (5, 2, 0, 4)),   # SQS(10): two copies of Z_5, a in <4>
        lambda: check_sqs(scripts, (7, 2, 0, 2)),   # SQS(14): two copies of Z_7, a in <2>
        # Z_17, 40 triple orbits, 4 left uncovered: 9 block orbits (153 blocks; Johnson: 157).
        lambda: check_packing(scripts, 17, (17, 4, 0), 9),
        lambda: check_packing(scripts, 17, ("--local", 17, 9, 1, 20000), 9),
        lambda: check_packing(scripts, 17, ("--anneal", 17, 9, 1, 20000), 9),
        # 30 draws reach 7 orbits on Z_19; the rounds of neighbourhood search bring it to 10.
        lambda: check_packing(scripts, 19, ("--anneal", 19, 10, 1, 30, 50, 3), 10),
        # The stored data, printed again: the search order is what these pin.
        lambda: check_stored(f"{scripts}/find_rotational_sqs.py", (46, 0), source, "kBase46"),
        lambda: check_stored(f"{scripts}/find_cyclic_packing.py", (29, 6, 0), source, "kBase29"),
    ]
    failed = 0
    for check in checks:
        try:
            print("ok:", check())
        except (AssertionError, subprocess.SubprocessError, ValueError, SyntaxError) as e:
            failed += 1
            print("FAILED:", e)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

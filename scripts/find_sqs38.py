#!/usr/bin/python3
"""Finds the base blocks of an SQS(38) that src/core/steiner_quadruples.cc keeps as data.

Points Z_37 and ∞ (37); the group G of the maps x -> a·x + b (mod 37) with a in {1, 10, 26}
(10 has order 3 mod 37) fixing ∞, 111 maps. Every G-orbit of triples must be covered once by
G-orbits of blocks: an exact cover of the 84 triple orbits by the 531 block orbits that cover
no triple twice, solved by Knuth's Algorithm X (the item with fewest options first) on the
options in a seeded shuffled order. Prints the base blocks (one per chosen orbit, its least
member) as a Python list; with seed 0 the search takes about a thousand nodes, a second.
tests/core/design_placement_test.cc checks the developed system covers every triple once.
Run from anywhere: scripts/find_sqs38.py [seed]
"""
import itertools
import random
import sys

P = 37
INF = 37
GROUP = [(a, b) for a in (1, 10, 26) for b in range(P)]


def image(a, b, x):
    return INF if x == INF else (a * x + b) % P


def orbit(points):
    return frozenset(frozenset(image(a, b, x) for x in points) for a, b in GROUP)


def triple_orbits():
    index, orbits = {}, []
    for t in itertools.combinations(range(P + 1), 3):
        t = frozenset(t)
        if t not in index:
            o = orbit(t)
            for u in o:
                index[u] = len(orbits)
            orbits.append(o)
    return index, orbits


def block_options(index, orbits):
    """(least block, triple orbits it covers) for each block orbit covering no triple twice."""
    seen, options = set(), []
    for q in itertools.combinations(range(P + 1), 4):
        q = frozenset(q)
        if q in seen:
            continue
        o = orbit(q)
        seen |= o
        covered = [frozenset(t) for blk in o for t in itertools.combinations(sorted(blk), 3)]
        if len(set(covered)) != len(covered):
            continue
        items = frozenset(index[t] for t in covered)
        if sum(len(orbits[i]) for i in items) == len(covered):  # whole orbits, once each
            options.append((tuple(sorted(q)), items))
    return options


def exact_cover(columns, rows, chosen):
    if not columns:
        return list(chosen)
    col = min(columns, key=lambda c: len(columns[c]))
    for r in list(columns[col]):
        chosen.append(r)
        removed = select(columns, rows, r)
        found = exact_cover(columns, rows, chosen)
        if found is not None:
            return found
        deselect(columns, rows, r, removed)
        chosen.pop()
    return None


def select(columns, rows, r):
    removed = []
    for j in rows[r]:
        for i in columns[j]:
            for k in rows[i]:
                if k != j:
                    columns[k].remove(i)
        removed.append(columns.pop(j))
    return removed


def deselect(columns, rows, r, removed):
    for j in reversed(list(rows[r])):
        columns[j] = removed.pop()
        for i in columns[j]:
            for k in rows[i]:
                if k != j:
                    columns[k].add(i)


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    index, orbits = triple_orbits()
    options = block_options(index, orbits)
    random.Random(seed).shuffle(options)
    columns = {i: set() for i in range(len(orbits))}
    for r, (_, items) in enumerate(options):
        for i in items:
            columns[i].add(r)
    rows = {r: items for r, (_, items) in enumerate(options)}
    found = exact_cover(columns, rows, [])
    print(sorted(options[r][0] for r in found) if found is not None else "none")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Finds the base blocks of a cyclic quadruple packing that src/core/steiner_quadruples.cc keeps.

Points Z_v (v prime, so every orbit of triples and of blocks under x -> x + 1 has v members).
A packing (every triple in at most one block) invariant under translation is a set of block
orbits whose triple orbits are pairwise disjoint: a packing of the C(v,3)/v triple orbits by the
block orbits whose four triples lie in four different orbits. With `leave` orbits allowed to
stay uncovered it is solved by Knuth's Algorithm X (the item with fewest options first), where
an item may also be left uncovered while fewer than `leave` are; options in a seeded shuffled
order. v = 29, leave = 6: 30 block orbits, 870 blocks (Johnson's bound is 877, and 877 is not a
multiple of 29). Prints the base blocks (each orbit's least member) as a list, or "none" when
`nodes` search nodes did not find one.
With --local, a seeded local search over the block orbits instead (for v = 41, where Algorithm X
found nothing in 300,000 nodes): it stops at `want` orbits or after `steps` draws and prints
how many it has and their base blocks. v = 41: 62 orbits, 2,542 blocks (Johnson's bound 2,593).
With --anneal, a seeded local search driven by the uncovered triple orbits (as the search on
blocks in src/core/quadruple_packing.cc): draw an uncovered triple orbit and a block orbit through
it; add it when it meets no chosen one, swap it for the one it meets, and for two only with odds
that start at 1 in 50 and fall to never over the first 11 of 16 phases. It stops at `want`
orbits or after `steps` draws. Any v (v = 45, 57: the orbit of {0, v/3, 2v/3} has v/3 members,
so no block orbit may hold it, which block_options checks for every v).
tests/core/quadruple_packing_test.cc checks that the developed packing covers no triple twice;
tests/scripts/design_searches_test.py runs each mode on Z_17 and Z_19, and `29 6 0` against the
stored kBase29. Algorithm X is scripts/exact_cover.py, shared with find_rotational_sqs.py.
Run from anywhere: scripts/find_cyclic_packing.py v leave [seed [nodes]]
               or: scripts/find_cyclic_packing.py --local v want seed steps
               or: scripts/find_cyclic_packing.py --anneal v want seed steps
"""
import itertools
import random
import sys

from exact_cover import ExactCover


def least_translate(points, v):
    return min(tuple(sorted((x + b) % v for x in points)) for b in range(v))


def triple_orbits(v):
    index = {}
    for t in itertools.combinations(range(v), 3):
        index.setdefault(least_translate(t, v), len(index))
    return index


def block_options(v, index):
    """(least block, triple orbits it covers) for each block orbit with four distinct ones."""
    seen, options = set(), []
    for q in itertools.combinations(range(v), 4):
        least = least_translate(q, v)
        if least in seen:
            continue
        seen.add(least)
        items = frozenset(index[least_translate(t, v)] for t in itertools.combinations(q, 3))
        short = v % 3 == 0 and any(orbit_size(t, v) < v for t in itertools.combinations(q, 3))
        if len(items) == 4 and not short:
            options.append((least, items))
    return options


def orbit_size(points, v):
    """How many translates the point set has (v unless a translation fixes it)."""
    return len({tuple(sorted((x + b) % v for x in points)) for b in range(v)})


def local_search(options, want, seed, steps):
    """Options (indices) with disjoint items, by a seeded local search: draw an option not
    chosen; when it meets no chosen one, add it; when it meets one, swap; when two, swap both
    for it once in 500 draws. Stops at `want` options or after `steps` draws; the most seen."""
    rng = random.Random(seed)
    owner, chosen, best = {}, set(), []
    for _ in range(steps):
        o = rng.randrange(len(options))
        if o in chosen:
            continue
        items = options[o][1]
        met = {owner[i] for i in items if i in owner}
        if len(met) > 1 and not (len(met) == 2 and rng.random() < 0.002):
            continue
        for c in met:
            chosen.discard(c)
            for i in options[c][1]:
                del owner[i]
        chosen.add(o)
        for i in items:
            owner[i] = o
        if len(chosen) > len(best):
            best = sorted(chosen)
            if len(best) >= want:
                break
    return best


# Odds (1 in D) of a draw that gives up one orbit to take another, by phase of 16; 0 = never.
LOSS_ODDS = [50, 70, 100, 150, 220, 330, 500, 800, 1300, 2200, 4000, 0, 0, 0, 0, 0]


def anneal(options, items, want, seed, steps):
    """Options (indices) with disjoint items by the triple-orbit-driven search (module doc)."""
    rng = random.Random(seed)
    through = [[] for _ in range(items)]
    for o, (_, its) in enumerate(options):
        for i in its:
            through[i].append(o)
    owner, free, slot = [None] * items, [], [None] * items
    for i in range(items):  # an orbit no option holds (v = 45: {0, 15, 30}) is never drawn
        if through[i]:
            slot[i] = len(free)
            free.append(i)
    chosen, best = set(), []

    def take(i, o):
        owner[i] = o
        at, last = slot[i], free[-1]
        free[at], slot[last] = last, at
        free.pop()

    def release(i):
        owner[i] = None
        slot[i] = len(free)
        free.append(i)

    for s in range(steps):
        if not free:
            break
        o = rng.choice(through[free[rng.randrange(len(free))]])
        met = {owner[i] for i in options[o][1] if owner[i] is not None}
        if len(met) > 2:
            continue
        if len(met) == 2:
            odds = LOSS_ODDS[s * len(LOSS_ODDS) // steps]
            if odds == 0 or rng.randrange(odds) != 0:
                continue
        for c in met:
            chosen.discard(c)
            for i in options[c][1]:
                release(i)
        chosen.add(o)
        for i in options[o][1]:
            take(i, o)
        if len(chosen) > len(best):
            best = sorted(chosen)
            if len(best) >= want:
                break
    return best


def refill(options, cands, free, need, rng, limit):
    """At least `need` options among `cands` (indices) whose items are all in `free` and pairwise
    disjoint, by a depth-first search (the free item in fewest candidates first, or left
    uncovered while enough items remain), candidates in a seeded order; at most `limit` nodes.
    None when there is no such set (or the nodes ran out)."""
    cands = list(cands)
    rng.shuffle(cands)
    nodes = [limit]

    def search(free, cands, chosen):
        if len(chosen) >= need:
            return list(chosen)
        nodes[0] -= 1
        if nodes[0] < 0 or len(chosen) + len(free) // 4 < need:
            return None
        by_item = {}
        for o in cands:
            for i in options[o][1]:
                by_item.setdefault(i, []).append(o)
        if not by_item:
            return None
        item = min(by_item, key=lambda i: len(by_item[i]))
        for o in by_item[item]:
            its = options[o][1]
            rest = [c for c in cands if not (options[c][1] & its)]
            chosen.append(o)
            found = search(free - its, rest, chosen)
            if found is not None:
                return found
            chosen.pop()
        return search(free - {item}, [c for c in cands if item not in options[c][1]], chosen)

    return search(frozenset(free), cands, [])


def neighbourhoods(options, items, start, want, seed, rounds, drop):
    """From the options `start`, repeatedly takes `drop` chosen options out at random and puts
    back as many as an exact search finds among the options on the freed and uncovered items:
    more when it can (then kept), else the same number (a sideways move). Stops at `want`."""
    rng = random.Random(seed)
    chosen = set(start)
    for _ in range(rounds):
        if len(chosen) >= want:
            break
        out = rng.sample(sorted(chosen), drop)
        kept = chosen - set(out)
        used = {i for o in kept for i in options[o][1]}
        free = set(range(items)) - used
        cands = [o for o in range(len(options)) if not (options[o][1] & used)]
        found = refill(options, cands, free, drop + 1, rng, 20000)
        if found is None:
            found = refill(options, cands, free, drop, rng, 20000) or out
        chosen = kept | set(found)
    return sorted(chosen)


def main():
    if sys.argv[1] == "--anneal":
        v, want, seed, steps = (int(a) for a in sys.argv[2:6])
        index = triple_orbits(v)
        options = block_options(v, index)
        found = anneal(options, len(index), want, seed, steps)
        if len(found) < want and len(sys.argv) > 6:  # rounds of neighbourhood search, drop
            rounds, drop = int(sys.argv[6]), int(sys.argv[7])
            found = neighbourhoods(options, len(index), found, want, seed, rounds, drop)
        print(len(found), sorted(options[r][0] for r in found))
        return
    if sys.argv[1] == "--local":
        v, want, seed, steps = (int(a) for a in sys.argv[2:6])
        options = block_options(v, triple_orbits(v))
        found = local_search(options, want, seed, steps)
        print(len(found), sorted(options[r][0] for r in found))
        return
    v, leave = int(sys.argv[1]), int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    nodes = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
    index = triple_orbits(v)
    options = block_options(v, index)
    random.Random(seed).shuffle(options)
    found = ExactCover(len(index), options, nodes, leave).run()
    print(sorted(options[r][0] for r in found) if found is not None else "none")


if __name__ == "__main__":
    main()

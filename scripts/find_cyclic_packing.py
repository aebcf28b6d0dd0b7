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
tests/core/quadruple_packing_test.cc checks that the developed packing covers no triple twice.
Run from anywhere: scripts/find_cyclic_packing.py v leave [seed [nodes]]
"""
import itertools
import random
import sys


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
        if len(items) == 4:
            options.append((least, items))
    return options


class Search:
    def __init__(self, items, options, leave, nodes):
        self.columns = {i: set() for i in range(items)}
        self.rows = {r: its for r, (_, its) in enumerate(options)}
        for r, its in self.rows.items():
            for i in its:
                self.columns[i].add(r)
        self.leave, self.nodes = leave, nodes

    def run(self, chosen):
        self.nodes -= 1
        if self.nodes < 0:
            return None
        if not self.columns:
            return list(chosen)
        col = min(self.columns, key=lambda c: len(self.columns[c]))
        for r in list(self.columns[col]):
            chosen.append(r)
            removed = self.select(r)
            found = self.run(chosen)
            if found is not None:
                return found
            self.deselect(r, removed)
            chosen.pop()
        if self.leave == 0:
            return None
        # Leave `col` uncovered: no option covering it may be chosen any more.
        self.leave -= 1
        options = self.columns.pop(col)
        self.drop(options, col)
        found = self.run(chosen)
        if found is None:
            self.restore(options, col)
            self.columns[col] = options
            self.leave += 1
        return found

    def drop(self, options, skip):
        for i in options:
            for k in self.rows[i]:
                if k != skip:
                    self.columns[k].remove(i)

    def restore(self, options, skip):
        for i in options:
            for k in self.rows[i]:
                if k != skip:
                    self.columns[k].add(i)

    def select(self, r):
        removed = []
        for j in self.rows[r]:
            self.drop(self.columns[j], j)
            removed.append(self.columns.pop(j))
        return removed

    def deselect(self, r, removed):
        for j in reversed(list(self.rows[r])):
            self.columns[j] = removed.pop()
            self.restore(self.columns[j], j)


def main():
    v, leave = int(sys.argv[1]), int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    nodes = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
    index = triple_orbits(v)
    options = block_options(v, index)
    random.Random(seed).shuffle(options)
    search = Search(len(index), options, leave, nodes)
    found = search.run([])
    print(sorted(options[r][0] for r in found) if found is not None else "none")


if __name__ == "__main__":
    main()

"""Knuth's Algorithm X over sets, shared by the offline design searches.

scripts/find_rotational_sqs.py covers every orbit of triples exactly once (leave = 0);
scripts/find_cyclic_packing.py lets up to `leave` orbits stay uncovered. Both keep the base
blocks they print as data in src/core/steiner_quadruples.cc, so the search order here (the item
with fewest options first, options in the order given) must not change: the same arguments must
print the same blocks (tests/scripts/design_searches_test.py checks that `find_rotational_sqs.py
46 0` and `find_cyclic_packing.py 29 6 0` print the stored kBase46 and kBase29).
"""


class ExactCover:
    """Chooses options (indices into `options`, each a (label, frozenset of items) pair) whose
    item sets are pairwise disjoint and together hold every item in range(items) but at most
    `leave` of them. run() gives the chosen indices, or None when there is no such choice or
    `nodes` search nodes ran out."""

    def __init__(self, items, options, nodes, leave=0):
        self.columns = {i: set() for i in range(items)}
        self.rows = {r: its for r, (_, its) in enumerate(options)}
        for r, its in self.rows.items():
            for i in its:
                self.columns[i].add(r)
        self.leave, self.nodes = leave, nodes

    def run(self, chosen=None):
        chosen = [] if chosen is None else chosen
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

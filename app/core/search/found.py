"""A search's hits settled from its columns (columns.py): the total and the count per document
counted over arrays - a key matched by one column counts that column's hits, a key matched by
several (AND, or two terms of an OR) the number of its ranges once joined - and, when a
document is first shown, its keys with their ranges (stream.py)."""

from __future__ import annotations

from itertools import chain

import numpy as np

from app.core.search.columns import Col, _rows
from app.core.search.passages import SLOTS, SUB
from app.core.search.postings import EMPTY, member, repeated
from app.core.search.query import _keep_outer


class Found:
    """A search's hits settled: `cols` each count the keys only they hold; the keys several
    columns matched (`multi`) count their joined ranges - computed over arrays unless a
    column is a phrase's, their ranges then joined only when their document is shown."""

    def __init__(self, entries: list) -> None:
        cols = []
        for col, filters in entries:
            for f in filters:
                col = col.keep(f)
            if len(col.ids):
                cols.append(col)
        self.src = cols
        self.multi = EMPTY
        self.multi_counts = EMPTY
        self._joined: dict[int, list[tuple[int, int]]] = {}
        self._multi_docs = EMPTY  # the document number of each key of `multi`
        if len(cols) > 1:
            self.multi = repeated([c.ids for c in cols])
        if not len(self.multi):
            self.cols = cols
            return
        if all(c.kind in ("term", "ranges") for c in cols):
            self.multi_counts = _joined_counts(cols, self.multi)
        else:
            self.multi_counts = np.array([len(self.join(k)) for k in self.multi.tolist()],
                                         np.int64)
        self.cols = [c.drop(self.multi) for c in cols]

    def join(self, key: int) -> list[tuple[int, int]]:
        """The ranges of a key several columns matched, joined."""
        got = self._joined.get(key)
        if got is None:
            ranges: list = []
            for col in self.src:
                i = col.find(key)
                if i is not None:
                    ranges += col.ranges(i)
            got = self._joined[key] = _keep_outer(ranges)
        return got

    def per_document(self, table, runs: list[tuple[int, int, int]], n: int) -> list[int]:
        """Hits per document number (`table`: passage -> document number, an array; `runs`
        unused, kept for the caller)."""
        tab = np.frombuffer(table, dtype=np.dtype(table.typecode))
        out = np.zeros(n, np.int64)
        for keys, counts in chain(((c.ids, c.counts) for c in self.cols),
                                  [(self.multi, self.multi_counts)]):
            if not len(keys):
                continue
            docs = tab[np.where(keys < SUB, keys, (keys - SUB) // SLOTS)]
            out += np.bincount(docs, weights=counts, minlength=n).astype(np.int64)
            if keys is self.multi:
                self._multi_docs = docs
        return out.tolist()

    def fill(self, g: int, runs: list[tuple[int, int]], spans: dict, final: set) -> list[int]:
        """The keys of document number `g` (its passages: `runs` of passage numbers), their
        ranges put in `spans` (`final` when already joined); after `per_document`."""
        keys: list[int] = []
        for col in self.cols:
            ids = col.ids
            for lo, hi in runs:
                bounds = ids.searchsorted([lo, hi, SUB + lo * SLOTS, SUB + hi * SLOTS]).tolist()
                for i, j in ((bounds[0], bounds[1]), (bounds[2], bounds[3])):
                    for x in range(i, j):
                        key = int(ids[x])
                        spans[key] = col.items(x)
                        if col.kind == "ranges":
                            final.add(key)
                        keys.append(key)
        for key in self.multi[self._multi_docs == g].tolist() if len(self.multi) else ():
            spans[key] = self.join(key)
            final.add(key)
            keys.append(key)
        return keys


def _joined_counts(cols: list[Col], multi):
    """The number of joined ranges (`_keep_outer`) of each key of `multi` (sorted), from the
    term and ranges columns holding it: every occurrence's (key, start, end) in arrays,
    sorted, and a range counted when it starts at or after the furthest end before it in its
    key."""
    ks, ss, es = [], [], []
    for col in cols:
        mask = member(col.ids, multi)
        if not mask.any():
            continue
        sub = col.select(mask)
        if col.kind == "ranges":  # already decoded: (start, end) pairs
            flat = np.fromiter(chain.from_iterable(chain.from_iterable(sub.values)), np.int64,
                               2 * int(sub.counts.sum())).reshape(-1, 2)
            ks.append(np.repeat(sub.ids, sub.counts))
            ss.append(flat[:, 0])
            es.append(flat[:, 1])
            continue
        rows = _rows(sub)
        flat = sub.values if rows is None else sub.values[rows]
        ks.append(np.repeat(sub.ids, sub.counts))
        ss.append(flat[:, 1].astype(np.int64))
        es.append(flat[:, 2].astype(np.int64))
    key, start, end = np.concatenate(ks), np.concatenate(ss), np.concatenate(es)
    order = np.lexsort((end, start, key))
    key, start, end = key[order], start[order], end[order]
    rank = np.searchsorted(multi, key)
    reach = np.maximum.accumulate(rank * (1 << 40) + end) - rank * (1 << 40)
    new = np.ones(len(key), bool)
    new[1:] = (rank[1:] != rank[:-1]) | (start[1:] >= reach[:-1])
    return np.bincount(rank, weights=new, minlength=len(multi)).astype(np.int64)

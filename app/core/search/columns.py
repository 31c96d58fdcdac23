"""A query's matches as columns - numpy arrays of sorted passage numbers, hits per passage and
every occurrence's (position, start, end) - so a paged search (stream.py) counts its hits, in
all and per document, without a Python step per posting, and decodes ranges only for the
documents it shows.

A term's column is read from its posting blocks as they are stored (postings.py), all of them
in a few numpy calls; a filter (an attribute's passages) is read the same way as a sorted
array, and a column is cut down to it through a table of passages. A phrase is matched only in
the passages holding all its words, as sorted arrays of (passage, position) keys. A passage
matched by one column counts that column's hits (a term's words, or a phrase whose hits cannot
overlap, never overlap); a passage matched by several (AND, or two terms of an OR) has its
ranges joined, as `service.search` does (found.py counts them). Merged passages are split
into their turns as in engine.py. Anything this module does not evaluate falls back to `service.match`, decoded. The
result is the same as `service.search`'s (tests/core/search/test_stream.py checks it over
random queries).
"""

from __future__ import annotations

from itertools import chain, compress

import numpy as np

from app.core.search import engine
from app.core.search.engine import Unsupported
from app.core.search.passages import SLOTS, SUB
from app.core.search.postings import collect, filter_array, join_chunks, member, union
from app.core.search.query import _keep_outer
from app.core.search.terms import PackedCharacters

SPAN = 1 << 24  # positions per passage in the (passage, position) keys of phrase matching
_SHIFT = 1 << 32  # passage * _SHIFT + offset: (passage, offset) pairs as sortable numbers


class Col:
    """Sorted keys (passage numbers, or turn keys of merged passages) as an int64 array, the
    hits of each, and where their ranges come from: `kind` "term" (values: every occurrence's
    (position, start, end), `starts`: each key's first row there), "phrase" (values: the term
    column of each word), or "ranges" (values: final ranges, a list)."""

    __slots__ = ("ids", "counts", "values", "kind", "starts")

    def __init__(self, ids, counts, values, kind: str, starts=None) -> None:
        self.ids, self.counts, self.values, self.kind = ids, counts, values, kind
        self.starts = starts

    @classmethod
    def of_ranges(cls, spans: dict) -> Col:
        ids = sorted(k for k, v in spans.items() if v)
        ranges = [_keep_outer(spans[k]) for k in ids]
        return cls(np.array(ids, np.int64), np.array([len(r) for r in ranges], np.int64),
                   ranges, "ranges")

    def select(self, mask) -> Col:
        """The keys where the boolean array `mask` holds."""
        if self.kind == "ranges":
            return Col(self.ids[mask], self.counts[mask],
                       list(compress(self.values, mask.tolist())), "ranges")
        return Col(self.ids[mask], self.counts[mask], self.values, self.kind,
                   None if self.starts is None else self.starts[mask])

    def keep(self, keys) -> Col:
        """Only the keys in `keys` (a set, or a sorted array)."""
        mask = member(self.ids, keys)
        return self if mask.all() else self.select(mask)

    def drop(self, keys) -> Col:
        mask = member(self.ids, keys)
        return self.select(~mask) if mask.any() else self

    def find(self, key: int) -> int | None:
        i = int(self.ids.searchsorted(key))
        return i if i < len(self.ids) and self.ids[i] == key else None

    def occurrences(self, i: int) -> list:
        """[(position, start, end), ...] of key number `i` of a term column."""
        s = int(self.starts[i])
        return self.values[s:s + int(self.counts[i])].tolist()

    def ranges(self, i: int) -> list[tuple[int, int]]:
        if self.kind == "term":
            return [(a, b) for _p, a, b in self.occurrences(i)]
        if self.kind == "phrase":  # each word's term column holds the passage
            key = int(self.ids[i])
            return phrase_ranges([w.occurrences(w.find(key)) for w in self.values])
        return self.values[i]

    items = ranges  # what stream.py keeps for a key until it is shown


def phrase_ranges(words: list[list]) -> list[tuple[int, int]]:
    """The ranges of a phrase in one passage from its words' occurrences there (lists of
    (position, start, end))."""
    n = len(words) - 1
    ends = {p: b for p, _a, b in words[-1]}
    starts = [(p, a) for p, a, _b in words[0] if p + n in ends]
    for k in range(1, n):
        if not starts:
            break
        at = {p for p, _a, _b in words[k]}
        starts = [(p, a) for p, a in starts if p + k in at]
    return [(a, ends[p + n]) for p, a in starts]


def _rows(col: Col):
    """The rows of a term column's occurrences in key order, or None for all of them."""
    total = int(col.counts.sum())
    if total == len(col.values):  # nothing was left out (every key has an occurrence)
        return None
    before = np.cumsum(col.counts) - col.counts
    return np.repeat(col.starts - before, col.counts) + np.arange(total)


def _keys(col: Col, shift: int):
    """The sorted array of passage * SPAN + position - shift of every occurrence of a term
    column."""
    rows = _rows(col)
    pos = col.values[:, 0] if rows is None else col.values[rows, 0]
    return pos.astype(np.int64) + np.repeat(col.ids * SPAN - shift, col.counts)


def _within(keys, other):
    """The items of sorted array `keys` also in sorted array `other`."""
    if not len(keys) or not len(other):
        return keys[:0]
    at = np.searchsorted(other, keys)
    np.minimum(at, len(other) - 1, out=at)
    return keys[other[at] == keys]


def _runs(keys):
    """(the distinct numbers, how often each comes) of a sorted array."""
    if not len(keys):
        return keys, keys
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[first], np.diff(np.append(first, len(keys)))


def _self_overlapping(words: list) -> bool:
    """Two hits of the phrase can overlap ("ha ha" in "ha ha ha"): they are then joined."""
    n = len(words)
    return any(words[s:] == words[:n - s] for s in range(1, n))


def _merged(parts):
    """The merged passages of `parts` as a sorted array (kept on it: one per open reader)."""
    got = getattr(parts, "merged_array", None)
    if got is None:
        got = parts.merged_array = np.array(sorted(parts.merged), np.int64)
    return got


def _part_table(parts):
    """(passage, start, end, index of its passage's first turn) of every turn inside the
    merged passages, in passage and text order, as arrays (kept on `parts`)."""
    got = getattr(parts, "part_table", None)
    if got is None:
        ds, los, his = [], [], []
        for d in _merged(parts).tolist():
            for lo, hi, _who in parts.of(d):
                ds.append(d)
                los.append(lo)
                his.append(hi)
        d = np.array(ds, np.int64)
        got = parts.part_table = (d, np.array(los, np.int64), np.array(his, np.int64),
                                  d.searchsorted(d))
    return got


def _turns(col: Col, parts, restrict) -> Col:
    """A term column of merged passages as a term column of the keys of their turns (what
    `Parts.split` does a range at a time): an occurrence goes to the turn it starts in,
    relative to it, and is dropped when it ends past it (or lies before the first turn), or
    when its key is outside `restrict`."""
    td, tlo, thi, first = _part_table(parts)
    rows = _rows(col)
    flat = (col.values if rows is None else col.values[rows]).astype(np.int64)
    d = np.repeat(col.ids, col.counts)
    at = np.searchsorted(td * _SHIFT + tlo, d * _SHIFT + flat[:, 1], "right") - 1
    safe = np.maximum(at, 0)
    ok = (at >= 0) & (td[safe] == d) & (flat[:, 2] <= thi[safe])
    keys = SUB + d * SLOTS + (safe - first[safe])
    if restrict is not None:
        ok &= member(keys, restrict)
    keys, at, flat = keys[ok], at[ok], flat[ok]
    flat[:, 1] -= tlo[at]
    flat[:, 2] -= tlo[at]
    ids, counts = _runs(keys)
    return Col(ids, counts.astype(np.int64), flat, "term", np.cumsum(counts) - counts)


class _Eval(engine._Eval):
    """engine.py's evaluation, with columns for results: (keys matched, [(column, filters)]),
    a key's ranges coming from the columns holding it that it passes every filter of."""

    def __init__(self, reader, filter_terms=None, parts=None) -> None:
        """A filter naming no speaker takes every turn of a merged passage it holds: its leaves
        read the filter's passages (`keep`, a sorted array) and its search keys are made only
        when a NOT needs them (`all_docs`), not for every merged passage of the filter
        first."""
        self._filter = None
        if not filter_terms or parts is None or not parts.merged \
                or any(f == "speaker" for f, _v in filter_terms):
            restrict = engine.filter_docs(reader, filter_terms, parts) if filter_terms else None
            super().__init__(reader, restrict, parts, lazy=True)
            self.keep = None if self.keep_docs is None else np.sort(
                np.fromiter(self.keep_docs, np.int64, len(self.keep_docs)), kind="stable")
            return
        super().__init__(reader, None, parts, lazy=True)
        self.keep = filter_array(reader, filter_terms)
        self._filter = filter_terms

    def allowed(self):
        """The filter's passages (for skipping blocks), or None - also for a filter of most
        passages, which leaves few blocks to skip."""
        if self.keep is None or 2 * len(self.keep) > self.reader.doc_count_all():
            return None
        return self.keep

    def all_docs(self) -> set[int]:
        if self._all is None and self._filter is not None:
            self._all = engine.filter_docs(self.reader, self._filter, self.parts)
        return super().all_docs()

    def run(self, q):
        from whoosh import query as Q

        if q is Q.NullQuery or isinstance(q, type(Q.NullQuery)):
            return set(), []
        kind = type(q)
        if kind is Q.Term:
            return self.term(q.fieldname, q.text)
        if kind is Q.Phrase:
            return self.phrase(q)
        if kind in (Q.Prefix, Q.Wildcard, Q.FuzzyTerm):
            terms = sorted(q.existing_terms(self.reader, phrases=True, expand=True))
            return self.disj([(f, t.decode("utf-8") if isinstance(t, bytes) else t)
                              for f, t in terms], self.term_pair)
        if kind is Q.And:
            return self.conj(q.subqueries)
        if kind is Q.Or:
            if getattr(q, "minmatch", 0) or getattr(q, "scale", None):
                raise Unsupported(q)
            return self.disj(q.subqueries, self.run)
        if kind is Q.Not:
            return self.all_docs() - _set(self.run(q.query)[0]), []
        if kind is Q.AndNot:
            docs, cols = self.run(q.a)
            docs = _set(docs)
            return _narrowed(docs, docs - _set(self.run(q.b)[0]), cols)
        if kind is Q.AndMaybe:
            docs, cols = self.run(q.a)
            more, extra = self.run(q.b)
            more = _set(more)
            return docs, cols + _narrowed(more, more & _set(docs), extra)[1]
        raise Unsupported(q)

    def term_pair(self, pair):
        return self.term(*pair)

    def disj(self, items, run):
        if len(items) == 1:
            return run(items[0])
        results = [run(item) for item in items]
        cols: list = []
        for _d, c in results:
            cols += c
        if all(type(d) is Keys for d, _c in results):  # terms, phrases: joined as arrays
            return Keys([union([a for d, _c in results for a in d.arrays])]), cols
        docs: set[int] = set()
        for d, _c in results:
            docs |= _set(d)
        return docs, cols

    def conj(self, subqueries):
        from whoosh import query as Q

        positive = [s for s in subqueries if not isinstance(s, Q.Not)]
        negative = [s.query for s in subqueries if isinstance(s, Q.Not)]
        if not positive:
            docs, cols = self.all_docs().copy(), []
        else:
            results = [self.run(s) for s in positive]
            docs = set.intersection(*(_set(r[0]) for r in results))
            cols = []
            for d, c in results:
                cols += _narrowed(d, docs, c)[1]
        before = set(docs) if negative and cols else docs
        for s in negative:
            if not docs:
                break
            docs = docs - _set(self.run(s)[0])
        return _narrowed(before, docs, cols)

    def read(self, fieldname: str, text) -> Col | None:
        """A term's postings within the filter, as a column of passage numbers."""
        fmt = self.reader.schema[fieldname].format
        if type(fmt) is not PackedCharacters or fmt.field_boost != 1.0:
            raise Unsupported(fieldname)
        m = self.postings(fieldname, text)
        if m is None:
            return None
        chunks: list = []
        collect(m, 0, chunks, self.allowed())
        if not chunks:
            return None
        ids, counts, starts, flat = join_chunks(chunks)
        col = Col(ids, counts, flat, "term", starts)
        if self.keep is not None:
            col = col.keep(self.keep)
        return col if len(col.ids) else None

    def split(self, col: Col) -> tuple[Col, Col | None]:
        """(the column without merged passages, their turns' ranges by key)."""
        if self.parts is None:
            return col, None
        mask = member(col.ids, _merged(self.parts))
        if not mask.any():
            return col, None
        inside = col.select(mask)
        if inside.kind == "term":
            return col.select(~mask), _turns(inside, self.parts, self.restrict)
        spans = {d: inside.ranges(i) for i, d in enumerate(inside.ids.tolist())}
        keyed = engine.to_keys(spans, self.parts, self.restrict)
        return col.select(~mask), Col.of_ranges(keyed)

    def term(self, fieldname: str, text):
        col = self.read(fieldname, text)
        if col is None:
            return set(), []
        return self._result(*self.split(col))

    @staticmethod
    def _result(col: Col, turns: Col | None):
        cols = [c for c in (col, turns) if c is not None and len(c.ids)]
        return Keys([c.ids for c in cols]), [(c, ()) for c in cols]

    def phrase(self, q):
        if q.slop != 1 or not q.words:
            raise Unsupported(q)
        if len(q.words) == 1:
            return self.term(q.fieldname, q.words[0])
        cols = []
        for w in q.words:
            col = self.read(q.fieldname, w)
            if col is None:
                return set(), []
            cols.append(col)
        common = min((c.ids for c in cols), key=len)  # the passages holding every word
        for col in cols:
            if col.ids is not common:
                common = common[member(common, col.ids)]
        if not len(common):
            return set(), []
        cols = [c.keep(common) for c in cols]
        # every occurrence of word k as passage * SPAN + position - k: the phrase starts where
        # all the words' keys meet (the fewest first)
        keys = sorted((_keys(c, k) for k, c in enumerate(cols)), key=len)
        starts = keys[0]
        for other in keys[1:]:
            starts = _within(starts, other)
            if not len(starts):
                return set(), []
        if (np.diff(starts) == 0).any():  # a word with two of its terms at one position
            starts = np.unique(starts)
        ids, per = _runs(starts // SPAN)
        whole, turns = self.split(Col(ids, per, cols, "phrase"))
        if len(whole.ids) and _self_overlapping(list(q.words)):  # overlapping hits are joined
            whole.counts = np.array([len(_keep_outer(whole.ranges(i)))
                                     for i in range(len(whole.ids))], np.int64)
        return self._result(whole, turns)


class Keys:
    """The keys a term or phrase matched, as the sorted arrays of its columns (passage numbers
    and the keys of turns, never the same); a set is made of them only when a query combines
    them with others - a query of one term or phrase only counts them."""

    __slots__ = ("arrays", "_set")

    def __init__(self, arrays: list) -> None:
        self.arrays, self._set = arrays, None

    def __len__(self) -> int:
        return sum(map(len, self.arrays))

    def set(self) -> set[int]:
        if self._set is None:
            self._set = set(chain.from_iterable(a.tolist() for a in self.arrays))
        return self._set

    def __iter__(self):
        return iter(self.set())


def _set(docs) -> set[int]:
    return docs.set() if type(docs) is Keys else docs


def _narrowed(docs: set, keep: set, cols: list):
    """(keep, cols) with `keep` added to the filters of `cols` when it is narrower."""
    if len(keep) == len(docs):
        return keep, cols
    return keep, [(c, f + (keep,)) for c, f in cols]


def match(searcher, q, filter_terms: list[tuple], parts=None) -> tuple[set[int], list]:
    """(matched keys, [(column, filters)]) for `q` (service.match's arguments)."""
    from app.core.search.service import match as decoded

    reader = searcher.reader()
    try:
        return _Eval(reader, filter_terms, parts).run(q)
    except Unsupported:
        docs, spans = decoded(searcher, q, filter_terms, parts)
        return docs, [(Col.of_ranges(spans), ())]

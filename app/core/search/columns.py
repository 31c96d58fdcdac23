"""A query's matches as columns - sorted passage numbers, hits per passage, encoded postings -
so a paged search (stream.py) counts its hits, in all and per document, without a Python step
per posting, and decodes ranges only for the documents it shows.

A term's column comes from whoosh's posting blocks as they are (ids delta-decoded by
`accumulate`, hits per passage from the length of its posting in the `PackedCharacters` format,
terms.py); a phrase's from every occurrence of its words, each word's postings read as one numpy
array (their raw 32-bit numbers joined) and matched as sorted arrays of (passage, position)
keys. A passage matched by one column counts that column's hits (a term's words, or a phrase
whose hits cannot overlap, never overlap); a passage matched by several (AND, or two terms of an
OR) has its ranges decoded and joined, as `service.search` does. Merged passages are split into
their turns as in engine.py. Anything this module does not evaluate falls back to
`service.match`, decoded. The result is the same as `service.search`'s
(tests/core/search/test_stream.py checks it over random queries).
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate, chain, compress, repeat
from operator import add, not_

from app.core.search import engine
from app.core.search.engine import Unsupported, _decode_characters
from app.core.search.passages import SLOTS, SUB
from app.core.search.query import _keep_outer
from app.core.search.terms import PackedCharacters

SPAN = 1 << 24  # positions per passage in the (passage, position) keys of phrase matching


class Col:
    """Sorted keys (passage numbers, or turn keys of merged passages), the hits of each, and
    where their ranges come from: `kind` "term" (values: encoded postings), "phrase"
    (values: the term column of each word), or "ranges" (values: final ranges)."""

    __slots__ = ("ids", "counts", "values", "kind")

    def __init__(self, ids: list, counts: list, values, kind: str) -> None:
        self.ids, self.counts, self.values, self.kind = ids, counts, values, kind

    @classmethod
    def of_ranges(cls, spans: dict) -> Col:
        ids = sorted(k for k, v in spans.items() if v)
        ranges = [_keep_outer(spans[k]) for k in ids]
        return cls(ids, [len(r) for r in ranges], ranges, "ranges")

    def select(self, mask: list) -> Col:
        values = self.values if self.kind == "phrase" else list(compress(self.values, mask))
        return Col(list(compress(self.ids, mask)), list(compress(self.counts, mask)), values,
                   self.kind)

    def keep(self, keys: set) -> Col:
        mask = list(map(keys.__contains__, self.ids))
        return self if all(mask) else self.select(mask)

    def drop(self, keys: set) -> Col:
        if keys.isdisjoint(self.ids):
            return self
        return self.select(list(map(not_, map(keys.__contains__, self.ids))))

    def find(self, key: int) -> int | None:
        i = bisect_left(self.ids, key)
        return i if i < len(self.ids) and self.ids[i] == key else None

    def ranges(self, i: int) -> list[tuple[int, int]]:
        if self.kind == "term":
            return [(a, b) for _p, a, b in _decode_characters(self.values[i])]
        if self.kind == "phrase":  # each word's term column holds the passage
            key = self.ids[i]
            return phrase_ranges([w.values[w.find(key)] for w in self.values])
        return self.values[i]

    def items(self, i: int) -> list:
        """What stream.py keeps for key `i` until shown: a term's posting stays encoded."""
        return [self.values[i]] if self.kind == "term" else self.ranges(i)


def phrase_ranges(values: list[bytes]) -> list[tuple[int, int]]:
    """The ranges of a phrase in one passage from its words' postings there (engine.py)."""
    n = len(values) - 1
    ends = {p: b for p, _a, b in _decode_characters(values[-1])}
    starts = [(p, a) for p, a, _b in _decode_characters(values[0]) if p + n in ends]
    for k in range(1, n):
        if not starts:
            break
        at = {p for p, _a, _b in _decode_characters(values[k])}
        starts = [(p, a) for p, a in starts if p + k in at]
    return [(a, ends[p + n]) for p, a in starts]


def _triples(values: list[bytes]):
    """(occurrences per posting, every occurrence's (position, start, end)) of many
    `PackedCharacters` postings as numpy arrays: their bytes joined and read in one call."""
    import numpy as np

    counts = np.fromiter(map(len, values), np.int64, len(values))
    counts //= 12
    flat = np.frombuffer(b"".join(values), "<u4").reshape(-1, 3).astype(np.int64)
    return counts, flat


def _keys(passages, values: list[bytes], shift: int):
    """The sorted numpy array of passage * SPAN + position - shift over every occurrence in
    the postings `values` (one per passage of `passages`)."""
    import numpy as np

    counts, flat = _triples(values)
    base = np.asarray(passages, np.int64) * SPAN
    if shift:
        base -= shift
    return flat[:, 0] + np.repeat(base, counts)


def _within(keys, other):
    """The items of sorted array `keys` also in sorted array `other`."""
    import numpy as np

    if not len(keys) or not len(other):
        return keys[:0]
    at = np.searchsorted(other, keys)
    np.minimum(at, len(other) - 1, out=at)
    return keys[other[at] == keys]


def _self_overlapping(words: list) -> bool:
    """Two hits of the phrase can overlap ("ha ha" in "ha ha ha"): they are then joined."""
    n = len(words)
    return any(words[s:] == words[:n - s] for s in range(1, n))


def _collect(m, offset: int, ids: list, values: list, allowed=None) -> None:
    """Append the postings of matcher `m` (ids shifted by `offset`): whoosh 2.7's blocks as
    they are read, segments of a multi-segment reader and deletions handled a column at a
    time; any other matcher a posting at a time. With `allowed` (a sorted numpy array of
    passage numbers: a filter's), a block whose range of ids holds none of them is skipped
    unread (its ids lie above the previous block's last id, up to its own last id); the
    caller still keeps only the allowed ids of the blocks read."""
    kind = type(m).__name__
    if kind == "W3LeafMatcher" and m._fixedsize is None and not m._byteids and all(
            hasattr(m, a) for a in ("_read_data", "_data", "_next_block", "_i", "_maxid")):
        below = -1  # the last id of the previous block
        while m.is_active():
            last = m._maxid
            if m._data is None:
                if allowed is not None:
                    j = allowed.searchsorted(below + offset, "right")
                    if j == len(allowed) or allowed[j] > last + offset:
                        below = last
                        m._next_block()
                        continue
                m._read_data()
            below = last
            raw, _w, v = m._data
            i = m._i
            if offset:  # the running sum starts at the offset, which is then left out
                block = list(accumulate(raw, initial=offset))
                i += 1
            else:
                block = list(accumulate(raw))
            if i:
                ids += block[i:]
                values += v[i - 1 if offset else i:]
            else:
                ids += block
                values += v
            m._next_block()
        return
    if kind == "MultiMatcher" and hasattr(m, "matchers") and hasattr(m, "offsets") \
            and getattr(m, "current", 0) == 0:
        for sub_m, off in zip(m.matchers, m.offsets):
            _collect(sub_m, offset + off, ids, values, allowed)
        return
    if kind == "FilterMatcher" and getattr(m, "_exclude", None) is True:
        more: tuple[list, list] = ([], [])
        _collect(m.child, 0, *more)
        keep = list(map(not_, map(m._ids.__contains__, more[0])))
        if offset:
            ids += map(add, compress(more[0], keep), repeat(offset))
        else:
            ids += compress(more[0], keep)
        values += compress(more[1], keep)
        return
    while m.is_active():
        ids.append(m.id() + offset)
        values.append(m.value())
        m.next()


class _Eval(engine._Eval):
    """engine.py's evaluation, with columns for results: (keys matched, [(column, filters)]),
    a key's ranges coming from the columns holding it that it passes every filter of."""

    def __init__(self, reader, filter_terms=None, parts=None) -> None:
        """A filter naming no speaker takes every turn of a merged passage it holds: its leaves
        read the filter's passages (`keep_docs`) and its search keys are made only when a NOT
        needs them (`all_docs`), not for every merged passage of the filter first."""
        self._filter = None
        self._allowed = None
        if not filter_terms or parts is None or not parts.merged \
                or any(f == "speaker" for f, _v in filter_terms):
            restrict = engine.filter_docs(reader, filter_terms, parts) if filter_terms else None
            super().__init__(reader, restrict, parts, lazy=True)
            return
        super().__init__(reader, None, parts, lazy=True)
        self.keep_docs = engine._filter_passages(reader, filter_terms)
        self._filter = filter_terms

    def allowed(self):
        """The filter's passages as a sorted numpy array (for skipping blocks), or None - also
        for a filter of most passages, which leaves few blocks to skip."""
        if self.keep_docs is None or 2 * len(self.keep_docs) > self.reader.doc_count_all():
            return None
        if self._allowed is None:
            import numpy as np

            got = np.fromiter(self.keep_docs, np.int64, len(self.keep_docs))
            self._allowed = np.sort(got, kind="stable")  # a set of ints comes nearly sorted
        return self._allowed

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
            return self.all_docs() - self.run(q.query)[0], []
        if kind is Q.AndNot:
            docs, cols = self.run(q.a)
            return _narrowed(docs, docs - self.run(q.b)[0], cols)
        if kind is Q.AndMaybe:
            docs, cols = self.run(q.a)
            more, extra = self.run(q.b)
            return docs, cols + _narrowed(more, more & docs, extra)[1]
        raise Unsupported(q)

    def term_pair(self, pair):
        return self.term(*pair)

    def disj(self, items, run):
        docs: set[int] = set()
        cols: list = []
        for item in items:
            d, c = run(item)
            docs |= d
            cols += c
        return docs, cols

    def conj(self, subqueries):
        from whoosh import query as Q

        positive = [s for s in subqueries if not isinstance(s, Q.Not)]
        negative = [s.query for s in subqueries if isinstance(s, Q.Not)]
        if not positive:
            docs, cols = self.all_docs().copy(), []
        else:
            results = [self.run(s) for s in positive]
            docs = set.intersection(*(r[0] for r in results))
            cols = []
            for d, c in results:
                cols += _narrowed(d, docs, c)[1]
        before = set(docs) if negative and cols else docs
        for s in negative:
            if not docs:
                break
            docs = docs - self.run(s)[0]
        return _narrowed(before, docs, cols)

    def read(self, fieldname: str, text) -> Col | None:
        """A term's postings within the filter, as a column of passage numbers."""
        fmt = self.reader.schema[fieldname].format
        if type(fmt) is not PackedCharacters or fmt.field_boost != 1.0:
            raise Unsupported(fieldname)
        m = self.postings(fieldname, text)
        if m is None:
            return None
        import numpy as np

        ids: list[int] = []
        values: list[bytes] = []
        _collect(m, 0, ids, values, self.allowed())
        counts = np.fromiter(map(len, values), np.int64, len(values))
        counts //= 12  # a posting's occurrences (PackedCharacters: 12 bytes each)
        col = Col(ids, counts.tolist(), values, "term")
        if self.keep_docs is not None:
            col = col.keep(self.keep_docs)
        return col if col.ids else None

    def split(self, col: Col, ranges) -> tuple[Col, Col | None]:
        """(the column without merged passages, their turns' ranges by key)."""
        merged = self.parts.merged if self.parts is not None else None
        if not merged or merged.isdisjoint(col.ids):
            return col, None
        mask = list(map(merged.__contains__, col.ids))
        inside = col.select(mask)
        spans = {d: ranges(inside, i) for i, d in enumerate(inside.ids)}
        keyed = engine.to_keys(spans, self.parts, self.restrict)
        return col.select(list(map(not_, mask))), Col.of_ranges(keyed)

    def term(self, fieldname: str, text):
        col = self.read(fieldname, text)
        if col is None:
            return set(), []
        col, turns = self.split(col, Col.ranges)
        cols = [c for c in (col, turns) if c is not None and c.ids]
        docs = set(col.ids)
        if turns is not None:
            docs.update(turns.ids)
        return docs, [(c, ()) for c in cols]

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
        import numpy as np

        # every occurrence of word k as passage * SPAN + position - k: the phrase starts where
        # all the words' keys meet (the fewest first)
        keys = sorted((_keys(c.ids, c.values, k) for k, c in enumerate(cols)), key=len)
        starts = keys[0]
        for other in keys[1:]:
            starts = _within(starts, other)
            if not len(starts):
                return set(), []
        if (np.diff(starts) == 0).any():  # a word with two of its terms at one position
            starts = np.unique(starts)
        ids, per = np.unique(starts // SPAN, return_counts=True)
        whole = Col(ids.tolist(), per.tolist(), cols, "phrase")
        whole, turns = self.split(whole, Col.ranges)
        if whole.ids and _self_overlapping(list(q.words)):  # overlapping hits are joined
            whole.counts = [len(_keep_outer(whole.ranges(i))) for i in range(len(whole.ids))]
        docs = set(whole.ids)
        if turns is not None:
            docs.update(turns.ids)
        return docs, [(c, ()) for c in (whole, turns) if c is not None and c.ids]


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


class Found:
    """A search's hits settled: `cols` each count the keys only they hold; the keys several
    columns matched (`multi`) count their joined ranges - computed over arrays unless a
    column is a phrase's, their ranges then joined only when their document is shown."""

    def __init__(self, entries: list) -> None:
        import numpy as np

        cols = []
        for col, filters in entries:
            for f in filters:
                col = col.keep(f)
            if col.ids:
                cols.append(col)
        self.src = cols
        self.multi = np.zeros(0, np.int64)
        self.multi_counts = np.zeros(0, np.int64)
        self._joined: dict[int, list[tuple[int, int]]] = {}
        self._joined_by_doc: dict[int, list[int]] = {}
        if len(cols) > 1:
            arrays = [np.fromiter(c.ids, np.int64, len(c.ids)) for c in cols]
            keys, seen = np.unique(np.concatenate(arrays), return_counts=True)
            self.multi = keys[seen > 1]
        if not len(self.multi):
            self.cols = cols
            return
        if all(c.kind in ("term", "ranges") for c in cols):
            self.multi_counts = _joined_counts(cols, arrays, self.multi)
        else:
            for key in self.multi.tolist():
                self._joined[key] = self.join(key)
            self.multi_counts = np.fromiter(
                (len(self._joined[k]) for k in self.multi.tolist()), np.int64, len(self.multi))
        multi = set(self.multi.tolist())
        self.cols = [c.drop(multi) for c in cols]

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
        """Hits per document number (`table`: passage -> document number, `runs`: the
        (first passage, passage after the last, document number) of each stretch)."""
        import numpy as np

        from app.core.search.passages import locate

        out = [0] * n
        for col in self.cols:
            ids, counts = col.ids, col.counts
            if len(ids) < 4 * len(runs) or ids[-1] >= SUB:
                for key, c in zip(ids, counts):
                    out[table[key if key < SUB else locate(key)[0]]] += c
                continue
            a = 0
            for lo, hi, g in runs:
                a = bisect_left(ids, lo, a)
                b = bisect_left(ids, hi, a)
                if b > a:
                    out[g] += sum(counts[a:b])
                    a = b
        if len(self.multi):
            keys = self.multi
            passages = np.where(keys < SUB, keys, (keys - SUB) // SLOTS)
            docs = np.frombuffer(table, dtype=np.dtype(table.typecode))[passages]
            got = np.bincount(docs, weights=self.multi_counts, minlength=n)
            out = [a + int(b) for a, b in zip(out, got.tolist())]
            for g, key in zip(docs.tolist(), keys.tolist()):
                self._joined_by_doc.setdefault(g, []).append(key)
        return out

    def fill(self, g: int, runs: list[tuple[int, int]], spans: dict, final: set) -> list[int]:
        """The keys of document number `g` (its passages: `runs` of passage numbers), their
        ranges put in `spans` (`final` when already joined); after `per_document`."""
        keys: list[int] = []
        for col in self.cols:
            ids = col.ids
            for lo, hi in runs:
                for a, b in ((lo, hi), (SUB + lo * SLOTS, SUB + hi * SLOTS)):
                    i = bisect_left(ids, a)
                    j = bisect_left(ids, b, i)
                    for x in range(i, j):
                        key = ids[x]
                        spans[key] = col.items(x)
                        if col.kind == "ranges":
                            final.add(key)
                        keys.append(key)
        for key in self._joined_by_doc.get(g, ()):
            spans[key] = self.join(key)
            final.add(key)
            keys.append(key)
        return keys


def _joined_counts(cols: list[Col], arrays: list, multi):
    """The number of joined ranges (`_keep_outer`) of each key of `multi` (sorted), from the
    term and ranges columns holding it: every occurrence's (key, start, end) decoded into arrays, sorted,
    and a range counted when it starts at or after the furthest end before it in its key."""
    import numpy as np

    ks, ss, es = [], [], []
    for col, ids in zip(cols, arrays):
        mask = np.isin(ids, multi, assume_unique=True)
        if not mask.any():
            continue
        values = list(compress(col.values, mask.tolist()))
        if col.kind == "ranges":  # already decoded: (start, end) pairs
            counts = np.fromiter(map(len, values), np.int64, len(values))
            flat = np.fromiter(chain.from_iterable(chain.from_iterable(values)), np.int64,
                               2 * int(counts.sum())).reshape(-1, 2)
            ks.append(np.repeat(ids[mask], counts))
            ss.append(flat[:, 0])
            es.append(flat[:, 1])
            continue
        counts, flat = _triples(values)
        ks.append(np.repeat(ids[mask], counts))
        ss.append(flat[:, 1])
        es.append(flat[:, 2])
    key, start, end = np.concatenate(ks), np.concatenate(ss), np.concatenate(es)
    order = np.lexsort((end, start, key))
    key, start, end = key[order], start[order], end[order]
    rank = np.searchsorted(multi, key)
    reach = np.maximum.accumulate(rank * (1 << 40) + end) - rank * (1 << 40)
    new = np.ones(len(key), bool)
    new[1:] = (rank[1:] != rank[:-1]) | (start[1:] >= reach[:-1])
    return np.bincount(rank, weights=new, minlength=len(multi)).astype(np.int64)

"""Match a parsed query straight from the index's postings, collecting the character ranges of
what matched in the same pass.

Sitat never ranks hits (they are listed in document and text order), so whoosh's scoring
collector does work that is thrown away, and the hit ranges would then be read from the
postings a second time. For the queries the search box produces - terms, phrases, prefixes,
wildcards, fuzzy terms and AND/OR/NOT over them - this module walks the postings once: matched
passages are sets of document numbers, and each positive leaf brings its character ranges.
Anything else returns None, and the caller uses whoosh's own matcher (tests check that both
give the same hits).

With `lazy`, a term's postings are kept as they are stored (bytes) instead of being decoded into
ranges: a paged search (stream.py) counts the hits of a passage matched by one term from the
count of its posting (its length), and decodes ranges only for the passages of the page shown
(`ranges`, `count`).
"""

from __future__ import annotations

from itertools import accumulate, filterfalse, islice

from app.core.search.passages import SLOTS, SUB, locate
from app.core.search.terms import PackedCharacters, decode

Spans = dict[int, list[tuple[int, int]]]  # search key -> ranges relative to its unit


class Unsupported(Exception):
    """A query node this engine does not evaluate (the caller falls back to whoosh)."""


def match(reader, q, restrict: set[int] | None = None,
          parts=None, lazy: bool = False) -> tuple[set[int], Spans] | None:
    """(matched units, ranges per unit) for query `q`, limited to `restrict` when given; None
    when `q` holds a node this engine does not know. Units are passage docnums, or with
    `parts` (`passages.Parts` of the reader) search keys: each turn inside a merged passage
    is then matched on its own (see app/core/search/passages.py). With `lazy` a unit's ranges
    may hold undecoded postings (bytes): read them with `ranges` or `count`."""
    try:
        docs, spans = _Eval(reader, restrict, parts, lazy).run(q)
    except Unsupported:
        return None
    return docs, {d: spans[d] for d in docs if d in spans}


class _Eval:
    """Evaluates a query within a set of passages (all of them, or a filter's): every leaf is
    cut down to that set, and NOT takes its complement within it, so the result is the same
    as filtering afterwards - but postings outside the filter are never decoded."""

    def __init__(self, reader, restrict: set[int] | None = None, parts=None,
                 lazy: bool = False) -> None:
        self.reader = reader
        self.lazy = lazy
        self.restrict = restrict
        self.parts = parts if parts is not None and parts.merged else None
        self._all: set[int] | None = restrict
        # The passages a leaf must read: those of the restricting keys.
        self.keep_docs = restrict if self.parts is None or restrict is None or \
            not restrict or max(restrict) < SUB else _passages_of(restrict)

    def all_docs(self) -> set[int]:
        if self._all is None:
            docs = set(self.reader.all_doc_ids())
            if self.parts is not None:
                merged = docs & self.parts.merged
                docs -= merged
                for d in merged:
                    docs.update(self.parts.keys(d))
            self._all = docs
        return self._all

    def keyed(self, spans: Spans) -> Spans:
        """Ranges by passage -> ranges by search key (see `to_keys`)."""
        if self.parts is None:
            return spans
        if self.lazy:  # a merged passage's postings are decoded to be split into its turns
            merged = self.parts.merged
            spans = {d: ranges(v) if d in merged else v for d, v in spans.items()}
        return to_keys(spans, self.parts, self.restrict)

    def run(self, q) -> tuple[set[int], Spans]:
        from whoosh import query as Q

        if q is Q.NullQuery or isinstance(q, type(Q.NullQuery)):
            return set(), {}
        kind = type(q)
        if kind is Q.Term:
            return self.term(q.fieldname, q.text)
        if kind is Q.Phrase:
            return self.phrase(q)
        if kind in (Q.Prefix, Q.Wildcard, Q.FuzzyTerm):
            return self.expanded(q)
        if kind is Q.And:
            return self.conj(q.subqueries)
        if kind is Q.Or:
            if getattr(q, "minmatch", 0) or getattr(q, "scale", None):
                raise Unsupported(q)
            return self.disj(q.subqueries)
        if kind is Q.Not:
            return self.all_docs() - self.run(q.query)[0], {}
        if kind is Q.AndNot:
            docs, spans = self.run(q.a)
            return docs - self.run(q.b)[0], spans
        if kind is Q.AndMaybe:
            docs, spans = self.run(q.a)
            _more, extra = self.run(q.b)
            _merge_into(spans, extra, docs)
            return docs, spans
        raise Unsupported(q)

    def postings(self, fieldname: str, text):
        from whoosh.reading import TermNotFound

        try:
            return self.reader.postings(fieldname, text)
        except TermNotFound:
            return None

    def decoder(self, fieldname: str):
        """The function turning a posting's value into [(position, start, end), ...]."""
        fmt = self.reader.schema[fieldname].format
        return _decode_characters if type(fmt) is PackedCharacters else fmt.decode_characters

    def term(self, fieldname: str, text) -> tuple[set[int], Spans]:
        m = self.postings(fieldname, text)
        if m is None:
            return set(), {}
        decode = self.decoder(fieldname)
        keep = self.keep_docs
        if self.lazy and decode is _decode_characters:
            spans = self.keyed({d: [v] for d, v in _items(m) if keep is None or d in keep})
            return set(spans), spans
        spans = self.keyed({d: [(a, b) for _p, a, b in decode(v)] for d, v in _items(m)
                            if keep is None or d in keep})
        return set(spans), spans

    def expanded(self, q) -> tuple[set[int], Spans]:
        terms = sorted(q.existing_terms(self.reader, phrases=True, expand=True))
        return self.disj_terms(terms)

    def disj_terms(self, terms) -> tuple[set[int], Spans]:
        docs: set[int] = set()
        spans: Spans = {}
        for fieldname, text in terms:
            d, s = self.term(fieldname, text.decode("utf-8") if isinstance(text, bytes) else text)
            docs |= d
            _merge_into(spans, s, d)
        return docs, spans

    def phrase(self, q) -> tuple[set[int], Spans]:
        if q.slop != 1 or not q.words:
            raise Unsupported(q)
        raw = []
        for w in q.words:
            m = self.postings(q.fieldname, w)
            if m is None:
                return set(), {}
            keep = self.keep_docs
            raw.append({d: v for d, v in _items(m) if keep is None or d in keep})
        docs = set.intersection(*(set(r) for r in sorted(raw, key=len)))
        decode = self.decoder(q.fieldname)
        first, middle, last = raw[0], raw[1:-1], raw[-1]
        n = len(raw) - 1
        spans: Spans = {}
        for d in docs:
            ends = {p: b for p, _a, b in decode(last[d])}
            starts = [(p, a) for p, a, _b in decode(first[d]) if p + n in ends]
            for k, words in enumerate(middle, start=1):
                if not starts:
                    break
                at = {p for p, _a, _b in decode(words[d])}
                starts = [(p, a) for p, a in starts if p + k in at]
            if starts:
                spans[d] = [(a, ends[p + n]) for p, a in starts]
        spans = self.keyed(spans)
        return set(spans), spans

    def conj(self, subqueries) -> tuple[set[int], Spans]:
        from whoosh import query as Q

        positive = [s for s in subqueries if not isinstance(s, Q.Not)]
        negative = [s.query for s in subqueries if isinstance(s, Q.Not)]
        if not positive:
            docs, spans = self.all_docs().copy(), {}
        else:
            results = [self.run(s) for s in positive]
            docs = set.intersection(*(r[0] for r in results))
            spans = {}
            for _d, s in results:
                _merge_into(spans, s, docs)
        for s in negative:
            if not docs:
                break
            docs -= self.run(s)[0]
        return docs, {d: v for d, v in spans.items() if d in docs}

    def disj(self, subqueries) -> tuple[set[int], Spans]:
        docs: set[int] = set()
        spans: Spans = {}
        for s in subqueries:
            d, sp = self.run(s)
            docs |= d
            _merge_into(spans, sp, d)
        return docs, spans


_decode_characters = decode  # [(position, start, end), ...] of a text field's posting


def ranges(items: list) -> list[tuple[int, int]]:
    """The ranges of a lazy unit: (start, end) pairs as they are, postings (bytes) decoded."""
    if len(items) == 1 and type(items[0]) is bytes:
        return [(a, b) for _p, a, b in _decode_characters(items[0])]
    out = []
    for x in items:
        if type(x) is bytes:
            out += [(a, b) for _p, a, b in _decode_characters(x)]
        else:
            out.append(x)
    return out


def count(items: list) -> int | None:
    """How many hits a lazy unit holds when that is known without decoding: one term's posting
    (its words never overlap) counts by its length; None when ranges must be joined first."""
    if len(items) == 1:
        x = items[0]
        return len(x) // 12 if type(x) is bytes else 1
    return None


def _items(m):
    """(passage, encoded value) pairs of a postings matcher. (whoosh's generic
    `Matcher.all_items` stops early on wrapped matchers, e.g. a segment with deletions.)"""
    if type(m).__name__ == "W3LeafMatcher" and all(
            hasattr(m, a) for a in ("_read_ids", "_read_values", "_next_block", "_i")):
        yield from _block_items(m)
        return
    while m.is_active():
        yield m.id(), m.value()
        m.next()


def _block_items(m):
    """The same for whoosh 2.7's plain postings list, a block at a time instead of a method
    call per posting (a third of the time of a common word). Relies on the block layout of
    whoosh-reloaded 2.7 (pinned in pyproject.toml); any other matcher takes the loop above."""
    while m.is_active():
        if m._ids is None:
            m._read_ids()
        if m._values is None:
            m._read_values()
        i = m._i
        yield from zip(m._ids[i:], m._values[i:])
        m._next_block()


def _merge_into(spans: Spans, more: Spans, keep: set[int]) -> None:
    for d, v in more.items():
        if d in keep:
            have = spans.get(d)
            spans[d] = v if have is None else have + v


def to_keys(spans: Spans, parts, restrict: set[int] | None = None) -> Spans:
    """Ranges by passage docnum -> ranges by search key: a merged passage's ranges go to the
    turns they lie in (a range across two turns is dropped); keys outside `restrict` too."""
    out: Spans = {}
    merged = parts.merged
    for d, ranges in spans.items():
        if d in merged:
            for key, rs in parts.split(d, ranges).items():
                if restrict is None or key in restrict:
                    out[key] = rs
        elif restrict is None or d in restrict:
            out[d] = ranges
    return out


def _passages_of(keys: set[int]) -> set[int]:
    """The passages of search keys (a turn's key names its merged passage), over arrays."""
    import numpy as np

    arr = np.fromiter(keys, np.int64, len(keys))
    out = set(arr[arr < SUB].tolist())
    out.update(np.unique((arr[arr >= SUB] - SUB) // SLOTS).tolist())
    return out


def filter_docs(reader, terms: list[tuple[str, str]], parts=None) -> set[int]:
    """Passages holding every (field, value) of a filter; with `parts`, search keys: only the
    turns of a merged passage whose speaker is the one asked for."""
    docs = _filter_passages(reader, terms)
    if parts is None or not parts.merged:
        return docs
    speakers = {v for f, v in terms if f == "speaker"}
    out: set[int] = docs - parts.merged
    for d in docs & parts.merged:
        if not speakers:
            out.update(parts.keys(d))
        elif len(speakers) == 1:
            out.update(parts.speaker_keys(d, next(iter(speakers))))
    return out


def _filter_passages(reader, terms: list[tuple[str, str]]) -> set[int]:
    out: set[int] | None = None
    for fieldname, text in terms:
        from whoosh.reading import TermNotFound

        try:
            ids = set(_all_ids(reader.postings(fieldname, text)))
        except TermNotFound:
            return set()
        out = ids if out is None else out & ids
    return out if out is not None else set(reader.all_doc_ids())


def _all_ids(m, offset: int = 0) -> list[int]:
    """The passage numbers of matcher `m` (plus `offset`): whoosh 2.7's posting blocks read a
    block at a time (ids delta-decoded by `accumulate`, as columns.py reads them), segments
    and deletions as whole lists; any other matcher through `all_ids`."""
    kind = type(m).__name__
    ids: list[int] = []
    if kind == "W3LeafMatcher" and not m._byteids and all(
            hasattr(m, a) for a in ("_read_data", "_data", "_next_block", "_i")):
        while m.is_active():
            if m._data is None:
                m._read_data()
            block = accumulate(m._data[0])
            ids += islice(block, m._i, None) if m._i else block
            m._next_block()
    elif kind == "MultiMatcher" and hasattr(m, "offsets") and getattr(m, "current", 0) == 0:
        for sub_m, off in zip(m.matchers, m.offsets):
            ids += _all_ids(sub_m, off)
    elif kind == "FilterMatcher" and getattr(m, "_exclude", None) is True:
        ids = list(filterfalse(m._ids.__contains__, _all_ids(m.child)))
    else:
        return [i + offset for i in m.all_ids()]
    return list(map(offset.__add__, ids)) if offset else ids

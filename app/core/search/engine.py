"""Match a parsed query straight from the index's postings, collecting the character ranges of
what matched in the same pass.

Sitat never ranks hits (they are listed in document and text order), so whoosh's scoring
collector does work that is thrown away, and the hit ranges would then be read from the
postings a second time. For the queries the search box produces - terms, phrases, prefixes,
wildcards, fuzzy terms and AND/OR/NOT over them - this module walks the postings once: matched
passages are sets of document numbers, and each positive leaf brings its character ranges.
Anything else returns None, and the caller uses whoosh's own matcher (tests check that both
give the same hits).
"""

from __future__ import annotations

Spans = dict[int, list[tuple[int, int]]]  # passage docnum -> ranges relative to the passage


class Unsupported(Exception):
    """A query node this engine does not evaluate (the caller falls back to whoosh)."""


def match(reader, q, restrict: set[int] | None = None) -> tuple[set[int], Spans] | None:
    """(matched passage docnums, ranges per passage) for query `q`, limited to `restrict`
    when given; None when `q` holds a node this engine does not know."""
    try:
        docs, spans = _Eval(reader).run(q)
    except Unsupported:
        return None
    if restrict is not None:
        docs &= restrict
    return docs, {d: spans[d] for d in docs if d in spans}


class _Eval:
    def __init__(self, reader) -> None:
        self.reader = reader
        self._all: set[int] | None = None

    def all_docs(self) -> set[int]:
        if self._all is None:
            self._all = set(self.reader.all_doc_ids())
        return self._all

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

    def term(self, fieldname: str, text) -> tuple[set[int], Spans]:
        m = self.postings(fieldname, text)
        if m is None:
            return set(), {}
        decode = self.reader.schema[fieldname].format.decode_characters
        spans = {d: [(a, b) for _p, a, b in decode(v)] for d, v in _items(m)}
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
            raw.append(dict(_items(m)))
        docs = set.intersection(*(set(r) for r in sorted(raw, key=len)))
        decode = self.reader.schema[q.fieldname].format.decode_characters
        n = len(raw)
        spans: Spans = {}
        for d in docs:
            at = [{p: (a, b) for p, a, b in decode(r[d])} for r in raw]
            found = [(a, at[-1][p + n - 1][1]) for p, (a, _b) in at[0].items()
                     if all(p + k in at[k] for k in range(1, n))]
            if found:
                spans[d] = found
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


def _items(m):
    """(passage, encoded value) pairs of a postings matcher. (whoosh's generic
    `Matcher.all_items` stops early on wrapped matchers, e.g. a segment with deletions.)"""
    while m.is_active():
        yield m.id(), m.value()
        m.next()


def _merge_into(spans: Spans, more: Spans, keep: set[int]) -> None:
    for d, v in more.items():
        if d in keep:
            have = spans.get(d)
            spans[d] = v if have is None else have + v


def filter_docs(reader, terms: list[tuple[str, str]]) -> set[int]:
    """Passages holding every (field, value) of a filter."""
    out: set[int] | None = None
    for fieldname, text in terms:
        from whoosh.reading import TermNotFound

        try:
            ids = set(reader.postings(fieldname, text).all_ids())
        except TermNotFound:
            return set()
        out = ids if out is None else out & ids
    return out if out is not None else set(reader.all_doc_ids())

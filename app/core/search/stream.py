"""Searches that answer with the first screen: the first page of hits in text order with the
total and the count per document, further pages on demand (`open_search`, `SearchStream`).

The matches are counted a column at a time (columns.py): a passage matched by one term counts
from the term's posting weights, a phrase from sets of (passage, position) keys, without a
Python step per posting; ranges are decoded only for the passages matched by several columns
and, when a document is first shown, for its own passages. Hits - their document's text read,
`Hit` objects made - exist only for the page asked for: memory follows the page, not the hit
count. Pages list exactly the hits of `service.search`, in the same order (document name, then
text order), with the same ranges."""

from __future__ import annotations

from array import array
from functools import lru_cache
from collections.abc import Iterator, Sequence
from weakref import WeakKeyDictionary

from sqlalchemy import select

from app.core.search import engine
from app.core.search.passages import SUB, locate
from app.core.search.query import Hit, _keep_outer, check_syntax
from app.errors import ProjectError
from app.i18n import _

PAGE_SIZE = 200


@lru_cache(maxsize=1)
def _window_statement():
    """A part of a document's text (SQL substr counts code points, like Python)."""
    from sqlalchemy import bindparam, func

    from app.models import Document

    return select(func.substr(Document.text, bindparam("a"), bindparam("n"))).where(
        Document.id == bindparam("i"))

# searcher -> (docnum -> index into guids, guids): which document each passage belongs to, read
# once per open searcher from the postings of the `doc` field.
_doc_tables: WeakKeyDictionary = WeakKeyDictionary()


def doc_table(searcher) -> tuple[array, list[str], list, dict]:
    """(docnum -> document number or -1, document guids, runs, runs by document) of an open
    searcher: a run is a stretch of consecutive passages of one document, (first, after the
    last, document number) in `runs`, (first, after the last) in its document's list."""
    got = _doc_tables.get(searcher)
    if got is None:
        reader = searcher.reader()
        table = array("l", [-1]) * reader.doc_count_all()
        guids: list[str] = []
        for term in reader.lexicon("doc"):
            guid = term.decode("utf-8") if isinstance(term, bytes) else term
            n = len(guids)
            guids.append(guid)
            for d in reader.postings("doc", guid).all_ids():
                table[d] = n
        runs: list[tuple[int, int, int]] = []
        start, last = 0, -1
        for d, g in enumerate(table):
            if g != last:
                if last >= 0:
                    runs.append((start, d, last))
                start, last = d, g
        if last >= 0:
            runs.append((start, len(table), last))
        by_doc: dict[int, list[tuple[int, int]]] = {}
        for lo, hi, g in runs:
            by_doc.setdefault(g, []).append((lo, hi))
        got = _doc_tables[searcher] = (table, guids, runs, by_doc)
    return got


class _Doc:
    """A document with hits: its keys (search units) in text order once it is reached."""

    __slots__ = ("id", "guid", "name", "g", "keys", "hits", "ordered")

    def __init__(self, doc_id: int, guid: str, name: str, g: int) -> None:
        self.id, self.guid, self.name, self.g = doc_id, guid, name, g
        self.keys: list[int] | None = None  # filled when the document is first reached
        self.hits = 0
        self.ordered = False


class SearchStream:
    """The hits of one search, a page at a time (see `open_search`). `total`, `units` and
    `per_document()` are known at once; `next_page()` gives the next `page_size` hits in text
    order ([] at the end); `pages()` and `hits()` walk them all again from the start. Close it
    (or use it in a `with`) when done: it holds the project's open index; a stream that owns
    its index closes it."""

    def __init__(self, project, index, own: bool, status: str, spans: dict, docs: list[_Doc],
                 final: set[int], units: int, suggestions: dict, fill, page_size: int) -> None:
        self.project, self._index, self._own = project, index, own
        self.index_status, self.warning = status, index.warning
        self.suggestions = suggestions
        self.units = units
        self.page_size = page_size
        self._spans, self._docs, self._final, self._fill = spans, docs, final, fill
        self._searcher = index.current()
        self.total = sum(d.hits for d in docs)
        self._values: dict | None = None
        self._cursor = (0, 0, 0)
        self.shown = 0
        self.closed = False

    # -- totals -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.total

    def per_document(self) -> dict[str, int]:
        """document name -> hits, in document order."""
        return {d.name: d.hits for d in self._docs}

    @property
    def exhausted(self) -> bool:
        return self.closed or self._cursor[0] >= len(self._docs)

    # -- pages ------------------------------------------------------------------------------
    def next_page(self) -> list[Hit]:
        """The next page of hits ([] once every hit was given, or after `close`)."""
        if self.exhausted:
            return []
        page, self._cursor = self._page(self._cursor, self.page_size)
        self.shown += len(page)
        return page

    def pages(self, size: int | None = None, s=None) -> Iterator[list[Hit]]:
        """Every hit again from the first, a page (`size`, default `page_size`) at a time,
        without moving `next_page`'s place. Text is read through the session `s` when given
        (inside a write transaction), else through one read session of its own for the walk
        (opening one per page took about a third of a walk through 100,000 hits)."""
        if s is None:
            with self.project.read() as own:
                yield from self.pages(size, own)
            return
        cursor = (0, 0, 0)
        while not self.closed and cursor[0] < len(self._docs):
            page, cursor = self._page(cursor, size or self.page_size, s)
            if page:
                yield page

    def iter_hits(self, s=None) -> Iterator[Hit]:
        """Every hit from the first, read a page at a time (see `pages` for `s`)."""
        for page in self.pages(s=s):
            yield from page

    __iter__ = iter_hits

    @property
    def hits(self) -> StreamHits:
        """Every hit as a sequence (read a page at a time when walked), like
        `SearchResult.hits`."""
        return StreamHits(self)

    def _page(self, cursor: tuple[int, int, int], size: int, s=None) -> tuple[list[Hit], tuple]:
        from app.core.search.index import whoosh_errors
        from app.core.search.service import _no_collector_pauses

        try:
            if self._index.current() is not self._searcher:  # the index was opened again
                raise self._gone()
            with _no_collector_pauses():
                if s is not None:
                    return self._walk(cursor, size, s)
                with self.project.read() as own:
                    return self._walk(cursor, size, own)
        except whoosh_errors() as exc:
            raise self._gone() from exc

    def _gone(self) -> ProjectError:
        self.close()
        return ProjectError(_("The search index changed while the hits were listed; search "
                              "again."))

    def _walk(self, cursor, size: int, s):
        """The hits of one page from `cursor` (document, key in it, hit in the key's ranges),
        and the cursor after it."""
        i, j, k = cursor
        docs = self._docs
        plan: list[tuple[_Doc, dict, int, list]] = []  # (document, where, key, ranges)
        n = 0
        while n < size and i < len(docs):
            doc = docs[i]
            where = self._order(doc)
            while n < size and j < len(doc.keys):
                key = doc.keys[j]
                ranges = self._ranges(key)
                take = ranges[k:k + size - n]
                plan.append((doc, where, key, take))
                n += len(take)
                k += len(take)
                if k >= len(ranges):
                    j, k = j + 1, 0
            if j >= len(doc.keys):
                i, j, k = i + 1, 0, 0
        texts = self._windows(plan, s)
        values = self._attributes(s)
        out: list[Hit] = []
        for doc, where, key, take in plan:
            _guid, lo, hi, speaker = where[key]
            base, text = texts[doc.id]
            attributes = values.get(doc.id, {})
            out += [Hit(doc.name, doc.guid, lo + a, lo + b, speaker, attributes, text,
                        (lo, hi), base) for a, b in take]
        return out, (i, j, k)

    def _order(self, doc: _Doc) -> dict:
        """(guid, start, end, speaker) of the document's keys, which are put in text order the
        first time the document is reached."""
        self._fill(doc)
        where = self._index.passages(doc.keys)
        if not doc.ordered:
            doc.keys.sort(key=lambda key: where[key][1])
            doc.ordered = True
        return where

    def _ranges(self, key: int) -> list[tuple[int, int]]:
        got = self._spans[key]
        if key in self._final:
            return got
        ranges = engine.ranges(got)
        return _keep_outer(ranges) if len(ranges) > 1 else ranges

    def _windows(self, plan, s) -> dict[int, tuple[int, str]]:
        """document id -> (offset, text from it) covering the units of a page, read in one
        query (only the page's passages, never whole transcripts)."""
        spans: dict[int, list[int]] = {}
        for doc, where, key, _take in plan:
            _g, lo, hi, _s = where[key]
            got = spans.get(doc.id)
            if got is None:
                spans[doc.id] = [lo, hi]
            else:
                got[0], got[1] = min(got[0], lo), max(got[1], hi)
        out = {}
        if spans:
            window = _window_statement()
            for i, (a, b) in spans.items():
                out[i] = (a, s.execute(window, {"i": i, "a": a + 1, "n": b - a}).scalar())
        return out

    def _attributes(self, s) -> dict:
        if self._values is None:
            self._values = self._index.values(s)
        return self._values

    # -- the end ----------------------------------------------------------------------------
    def close(self) -> None:
        """Let go of everything the search holds (its index too, when it opened it)."""
        if self.closed:
            return
        self.closed = True
        self._spans, self._docs, self._final = {}, [], set()
        if self._own:
            self._index.close()

    def __enter__(self) -> SearchStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class StreamHits(Sequence):
    """The hits of a stream as a sequence: its length is the total; hits are read a page at a
    time as they are walked (looking one up by number reads the pages before it)."""

    def __init__(self, stream: SearchStream) -> None:
        self.stream = stream

    def __len__(self) -> int:
        return self.stream.total

    def __iter__(self) -> Iterator[Hit]:
        return self.stream.iter_hits()

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(self)[i]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        seen = 0
        for page in self.stream.pages():
            if i < seen + len(page):
                return page[i - seen]
            seen += len(page)
        raise IndexError(i)


def open_search(project, query: str, *, where: dict[str, str] | None = None,
                speaker: str | None = None, coders: list[str] | None = None,
                codes: list[str] | None = None, uncoded: bool = False, exact: bool = False,
                index=None, progress=None, scope: str | None = None,
                compounds: bool = False, page_size: int | None = None) -> SearchStream:
    """Start a search (the arguments of `service.search`): the returned stream knows the total
    and the count per document, and gives its hits a page at a time (`page_size`, default
    PAGE_SIZE)."""
    from app.core.search.index import ProjectIndex, whoosh_errors
    from app.core.search.service import _no_collector_pauses

    check_syntax(query)
    if not page_size or page_size < 1:
        page_size = PAGE_SIZE
    own = index is None
    index = index or ProjectIndex(project)
    try:
        status = index.ensure(progress)
        args = (query, where, speaker, coders, codes, uncoded, exact, scope, compounds)
        with _no_collector_pauses():
            try:
                found = _match(project, index, *args)
            except whoosh_errors():  # damage found only while reading: build it again, once
                index.rebuild(progress)
                status = "rebuilt"
                found = _match(project, index, *args)
    except BaseException:
        if own:
            index.close()
        raise
    return SearchStream(project, index, own, status, *found, page_size=page_size)


def _match(project, index, query, where, speaker, coders, codes, uncoded, exact, scope,
           compounds):
    """(spans by key, documents with hits in order, keys whose ranges are final, units
    matched, suggestions, the settled matches that fill a document's keys when reached)."""
    from app.core.search import columns, lexsearch
    from app.core.search.found import Found
    from app.core.search.service import _coded, _filter_terms
    from app.models import Document

    searcher = index.current()
    with project.read() as s:
        matched, entries = lexsearch.run(columns.match, searcher, query, exact, compounds,
                                         _filter_terms(s, where, speaker), index.parts())
        coded = _coded(s, coders, codes, scope) if (coders or codes or uncoded) else None
        rows = s.execute(select(Document.guid, Document.id, Document.name)).all() \
            if entries else []
    found = Found(entries)
    table, guids, runs, by_doc = doc_table(searcher)
    known = {g: (i, n) for g, i, n in rows}
    hits = found.per_document(table, runs, len(guids))
    by_guid: dict[int, _Doc] = {}
    for g, n in enumerate(hits):
        if n:
            doc_id, name = known[guids[g]]
            doc = by_guid[g] = _Doc(doc_id, guids[g], name, g)
            doc.hits = n
    spans: dict = {}
    final: set[int] = set()
    filler = _Filler(found, by_doc, spans, final)
    if coded is not None:
        _narrow(index, spans, by_guid, coded, final, uncoded, bool(coders or codes), filler)
    docs = sorted((d for d in by_guid.values() if d.hits), key=lambda d: d.name)
    return spans, docs, final, len(matched), lexsearch.suggestions(searcher, query), filler


class _Filler:
    """Puts a document's keys and their ranges in place when the document is first needed."""

    def __init__(self, found, by_doc: dict, spans: dict, final: set) -> None:
        self.found, self.by_doc, self.spans, self.final = found, by_doc, spans, final

    def __call__(self, doc: _Doc) -> None:
        if doc.keys is None:
            doc.keys = self.found.fill(doc.g, self.by_doc.get(doc.g, []), self.spans,
                                       self.final)


def _narrow(index, spans: dict, by_guid: dict, coded: dict, final: set, uncoded: bool,
            inside: bool, fill) -> None:
    """Keep the hits inside (or, `uncoded`, outside) the coded passages: only the documents
    with coded text are decoded; without any, a document keeps every hit (uncoded) or none."""
    from app.core.search.service import _inside, _touches

    for doc in by_guid.values():
        mine = coded.get(doc.id)
        if not mine:
            if not uncoded and inside:
                doc.keys, doc.hits = [], 0
            continue
        fill(doc)
        where = index.passages(doc.keys)
        for key in doc.keys:
            lo = where[key][1]
            ranges = engine.ranges(spans[key])
            if len(ranges) > 1:
                ranges = _keep_outer(ranges)
            spans[key] = [(a, b) for a, b in ranges
                          if (not _touches(mine, lo + a, lo + b) if uncoded
                              else _inside(mine, lo + a, lo + b))]
            final.add(key)
        doc.keys = [k for k in doc.keys if spans[k]]
        doc.hits = sum(len(spans[k]) for k in doc.keys)

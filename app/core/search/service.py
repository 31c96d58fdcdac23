"""Run a search on a project (index kept up to date first), filter it, and code all hits."""

from __future__ import annotations

import gc
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select

from app.core.search.index import ProjectIndex, attr_field, whoosh_errors
from app.core.search.query import Hit, HitList, SearchResult, _keep_outer, check_syntax
from app.errors import InvalidInput
from app.i18n import _

SPREADS = ("hit", "sentence", "paragraph", "turn")


def _filter_terms(s, where: dict[str, str] | None, speaker: str | None) -> list[tuple]:
    """(index field, value) pairs a passage must all have."""
    from app.core.attribute_filter import filter_values

    terms = []
    for key, value in (where or {}).items():
        d, values = filter_values(s, key, value)  # "alna" finds a text value "Alna"
        terms.append((attr_field(d.name), values[0]))
    if speaker:
        terms.append(("speaker", unicodedata.normalize("NFC", speaker)))  # labels are NFC
    return terms


def speaker_labels(s) -> list[str]:
    """The speaker labels of the project's transcripts, the most frequent first (for the
    search panel's speaker filter)."""
    from sqlalchemy import func

    from app.models import SpeakerTurn

    n = func.count(SpeakerTurn.id)
    return [label for label, _n in s.execute(
        select(SpeakerTurn.speaker, n).group_by(SpeakerTurn.speaker)
        .order_by(n.desc(), SpeakerTurn.speaker))]


def whoosh_match(searcher, q, filter_terms: list[tuple]) -> tuple[set[int], dict]:
    """Matched passages and their hit ranges through whoosh's own matcher (for queries the
    postings engine does not evaluate, and to check it in the tests)."""
    from whoosh import query as Q

    from app.core.search.query import _leaves, hit_spans

    flt = Q.And([Q.Term(f, v) for f, v in filter_terms]) if filter_terms else None
    docnums = list(searcher.search(q, filter=flt, limit=None, scored=False).docs())
    return set(docnums), hit_spans(searcher, docnums, list(_leaves(q)))


def match(searcher, q, filter_terms: list[tuple], parts=None,
          lazy: bool = False) -> tuple[set[int], dict]:
    """Matched units and their hit ranges, from the postings in one pass where possible. With
    `parts` (the index's `Parts`) units are search keys: each turn of a merged passage on its
    own (see passages.py). With `lazy`, ranges may be left as postings (engine.ranges)."""
    from app.core.search import engine

    reader = searcher.reader()
    restrict = engine.filter_docs(reader, filter_terms, parts) if filter_terms else None
    got = engine.match(reader, q, restrict, parts, lazy)
    if got is not None:
        return got
    docs, spans = whoosh_match(searcher, q, filter_terms)
    if parts is None or not parts.merged:
        return docs, spans
    keyed = engine.to_keys(spans, parts, restrict)  # whoosh's passages, split into turns
    for d in docs - set(spans):
        keyed.update({k: [] for k in parts.keys(d) if restrict is None or k in restrict})
    return set(keyed), {k: v for k, v in keyed.items() if v}


def _coded(s, coders: list[str] | None, codes: list[str] | None,
           scope: str | None = None) -> dict[int, list]:
    """document id -> sorted coded intervals of the given codes (and children) in the
    analysis `scope` (default segments) narrowed to `coders`: the union of the scope's
    passages, which is the union of its codings (the consensus scope: the consensus
    coder's)."""
    from app.core.codebook import resolve_code, subtree_ids
    from app.core.scope import AnalysisScope
    from app.models import Coding

    q = AnalysisScope.of(scope, coders).resolve(s).restrict(
        select(Coding.document_id, Coding.start, Coding.end))
    if codes:
        ids: set[int] = set()
        for path in codes:
            ids |= subtree_ids(s, resolve_code(s, path).id)
        q = q.where(Coding.code_id.in_(ids))
    raw: dict[int, list] = {}
    for doc_id, a, b in s.execute(q):
        raw.setdefault(doc_id, []).append((a, b))
    return {k: _union(v) for k, v in raw.items()}


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _inside(spans: list, a: int, b: int) -> bool:
    """[a, b) lies inside one of the sorted, disjoint `spans`."""
    i = bisect_right(spans, (a, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= a and b <= spans[i][1]


def _touches(spans: list, a: int, b: int) -> bool:
    """[a, b) overlaps one of the sorted, disjoint `spans`."""
    i = bisect_right(spans, (a, float("inf"))) - 1
    return (i >= 0 and spans[i][1] > a) or (i + 1 < len(spans) and spans[i + 1][0] < b)


@contextmanager
def _no_collector_pauses():
    """Hold off Python's cyclic garbage collector while a search runs. A search makes tens of
    thousands of short-lived tuples and lists (postings, ranges); when a collection lands in
    the middle, they look long-lived and trigger full collections of the whole program's
    heap (40-50 ms each on the Oslo corpus). They are all freed by reference counting before
    the search returns, and the result it keeps is a handful of arrays (`HitList`), so
    nothing is left for the collector to catch up on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def search(project, query: str, *, where: dict[str, str] | None = None,
           speaker: str | None = None, coders: list[str] | None = None,
           codes: list[str] | None = None, uncoded: bool = False, exact: bool = False,
           index: ProjectIndex | None = None, progress=None,
           scope: str | None = None, compounds: bool = False) -> SearchResult:
    """Every hit of `query`, in document and text order. `coders`, `codes` and `uncoded`
    keep the hits inside (or, uncoded, outside) the passages of the analysis `scope`
    (segments, consensus or codings; default segments). `progress` follows an index build
    (see `ProjectIndex.rebuild`). `compounds` also finds a word inside compounds
    ("tjeneste" in "hjemmetjenesten")."""
    check_syntax(query)  # a typing mistake is reported before any index work
    own = index is None
    index = index or ProjectIndex(project)
    status = index.ensure(progress)
    try:
        with _no_collector_pauses():
            try:
                return _search(project, index, status, query, where, speaker, coders, codes,
                               uncoded, exact, scope, compounds)
            except whoosh_errors():  # damage found only while reading: build it again, once
                index.rebuild(progress)
        return _search(project, index, "rebuilt", query, where, speaker, coders, codes,
                       uncoded, exact, scope, compounds)
    finally:
        if own:
            index.close()


def _search(project, index, status, query, where, speaker, coders, codes, uncoded, exact,
            scope=None, compounds=False):
    """The search itself, on an index that is up to date."""
    from app.core.search import lexsearch

    with project.read() as s:
        searcher = index.current()
        matched, spans = lexsearch.run(match, searcher, query, exact, compounds,
                                       _filter_terms(s, where, speaker), index.parts())
        passages = index.passages(matched)
        docs = index.texts(s, {p[0] for p in passages.values()})
        coded = _coded(s, coders, codes, scope) if (coders or codes or uncoded) else {}
        values = index.values(s) if matched else {}
    hits = HitList()
    order = sorted(spans, key=lambda d: (docs[passages[d][0]][1], passages[d][1]))
    inside = bool(coders or codes) and not uncoded
    for d in order:
        guid, lo, hi, speaker_label = passages[d]
        doc_id, name, text = docs[guid]
        ranges = spans[d]
        if len(ranges) > 1:
            ranges = _keep_outer(ranges)
        if uncoded or inside:
            mine = coded.get(doc_id, [])
            ranges = [(a, b) for a, b in ranges
                      if (not _touches(mine, lo + a, lo + b) if uncoded
                          else _inside(mine, lo + a, lo + b))]
            if not ranges:
                continue
        hits.add_passage(lo, hi, hits.document(guid, name, values.get(doc_id, {}), text),
                         speaker_label, ranges)
    return SearchResult(hits, len(matched), status, index.warning,
                        lexsearch.suggestions(searcher, query))


@dataclass(frozen=True)
class SpreadSpan:
    document_guid: str
    start: int
    end: int


def spread(s, hits: Sequence[Hit], how: str) -> list[SpreadSpan]:
    """The ranges to code for each hit: the hit, its sentence, paragraph or speaker turn
    (overlapping ranges in one document merged)."""
    from app.core.snapping import snap_to_turns
    from app.models import Document, SpeakerTurn

    if how not in SPREADS:
        raise InvalidInput(_("Spread is one of: {choices}.").format(choices=", ".join(SPREADS)))
    out: dict[str, list[tuple[int, int]]] = {}
    texts: dict[str, tuple[str, list]] = {}
    for h in hits:
        if h.document_guid not in texts:
            doc = s.scalar(select(Document).where(Document.guid == h.document_guid))
            turns = [(a, b) for a, b in s.execute(
                select(SpeakerTurn.start, SpeakerTurn.end)
                .where(SpeakerTurn.document_id == doc.id).order_by(SpeakerTurn.start))]
            texts[h.document_guid] = (doc.text, turns)
        text, turns = texts[h.document_guid]
        a, b = h.start, h.end
        if how == "sentence":
            a, b = h.context_start, h.context_start + len(h.context)
        elif how == "paragraph":
            a = text.rfind("\n\n", 0, a)
            a = 0 if a < 0 else a + 2
            e = text.find("\n\n", b)
            b = len(text) if e < 0 else e
        elif how == "turn":
            a, b = snap_to_turns(turns, a, b)
        out.setdefault(h.document_guid, []).append((a, b))
    return [SpreadSpan(g, a, b) for g, spans in out.items() for a, b in _union(spans)]


CODE_BATCH = 20_000  # hits spread and inserted together by `code_hits`


def code_hits(s, hits: Iterable[Hit], code_path: str, coder: str, how: str = "hit") -> int:
    """Code every hit (spread as asked) with one code for one coder, in the caller's
    transaction; exact duplicates are skipped. Returns the number of codings made. `hits` may
    be a stream (`stream.SearchStream`, in document order): they are coded in batches of
    whole documents, so memory follows a batch, not the hit count."""
    from app.core.codebook import resolve_code
    from app.core.coding import NewCoding, add_codings_bulk, get_or_create_coder
    from app.models import Document

    code = resolve_code(s, code_path)
    if not code.codable:
        raise InvalidInput(_("The code {name} only groups other codes and cannot be applied "
                             "to text.").format(name=code.name))
    if how not in SPREADS:
        raise InvalidInput(_("Spread is one of: {choices}.").format(choices=", ".join(SPREADS)))
    who = get_or_create_coder(s, coder)
    ids = {g: i for g, i in s.execute(select(Document.guid, Document.id))}
    if hasattr(hits, "iter_hits"):  # a stream reads its text through this transaction
        hits = hits.iter_hits(s)
    made = 0
    for batch in _batches(hits, CODE_BATCH):
        made += add_codings_bulk(s, [NewCoding(ids[x.document_guid], code.id, who.id, x.start,
                                               x.end) for x in spread(s, batch, how)])
    return made


def _batches(hits: Iterable[Hit], size: int):
    """Lists of about `size` hits, cut only where the document changes (overlapping spreads
    of one document are joined within a batch)."""
    batch: list[Hit] = []
    for h in hits:
        if len(batch) >= size and h.document_guid != batch[-1].document_guid:
            yield batch
            batch = []
        batch.append(h)
    if batch:
        yield batch


def code_hits_made(s, hits: Iterable[Hit], code_path: str, coder: str, how: str = "hit") -> list[str]:
    """Like code_hits, but returns the guids of the codings it made (for exact undo)."""
    from app.models import Coding

    before = set(s.scalars(select(Coding.guid)))
    code_hits(s, hits, code_path, coder, how)
    return sorted(set(s.scalars(select(Coding.guid))) - before)

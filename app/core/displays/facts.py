"""Where a matrix display's figures come from: facts, one per coding or passage, or one per
group of them with a count.

A fact is (code id, document id, coder id, valence, n, quote, column keys, passage key):
the axes turn code, document and coder into a row and column key; `column keys` (a set) is
given for co-occurrence, where a fact lands in the column of every code it overlaps; the
passage key is set when one passage gives several facts (one per coder of a passage on a
coders axis) so that totals count it once.

In the `codings` scope counts come from one SQL GROUP BY over the codings and co-occurrence
from one SQL self-join; in the `segments` and `consensus` scopes from the scope's passages
(app.core.scope). Documents and shares are the same in every scope (a document has a passage
of a code exactly when it has a coding of it), so they always come from the GROUP BY.
"""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from app.core.displays.axes import Codes, Scope
from app.core.export.sources import Sources
from app.core.scope import passage_counts, passages
from app.models import Coding

_COLUMNS = {"code": Coding.code_id, "doc": Coding.document_id, "coder": Coding.coder_id,
            "valence": Coding.valence}


def restrict(q, scope: Scope, coding=Coding):
    """`q` narrowed to the display's documents and codes and its scope's coders and round."""
    if scope.doc_ids is not None:
        q = q.where(coding.document_id.in_(sorted(scope.doc_ids)))
    if scope.code_ids is not None:
        q = q.where(coding.code_id.in_(sorted(scope.code_ids)))
    return scope.analysis.restrict(q, coding)


def grouped(s: Session, scope: Scope, needs: set[str]):
    """One GROUP BY over the codings on just the columns the axes and cell kind need."""
    names = [n for n in ("code", "doc", "coder", "valence") if n in needs]
    chosen = [_COLUMNS[n] for n in names]
    for row in s.execute(restrict(select(*chosen, func.count()).group_by(*chosen), scope)):
        got = dict(zip(names, row))
        yield (got.get("code"), got.get("doc"), got.get("coder"), got.get("valence"), row[-1],
               None, None, None)


def _members(codes: Codes | None) -> dict[int, int] | None:
    return None if codes is None else codes.map


def counted_passages(s: Session, scope: Scope, codes: Codes | None):
    """Passages counted per document and code (rolled up on a codes axis), for count cells
    without a coders axis: one fact per document and code."""
    code_map = _members(codes)
    rep = {} if code_map is None else {t: c for c, t in code_map.items()}
    counts = passage_counts(s, scope.analysis, code_ids=scope.code_ids, doc_ids=scope.doc_ids,
                            code_map=code_map)
    for (doc_id, code_id), n in counts.items():
        yield rep.get(code_id, code_id), doc_id, None, None, n, None, None, None


def passage_facts(s: Session, scope: Scope, codes: Codes | None, by_coder: bool,
                  quotes: bool):
    """One fact per passage (per coder of it when `by_coder`), with its quote when asked."""
    found = passages(s, scope.analysis, code_ids=scope.code_ids, doc_ids=scope.doc_ids,
                     code_map=_members(codes), details=quotes)
    made = _quotes(s, scope, found) if quotes else None
    order = _text_order(found, scope) if quotes else range(len(found))
    for i in order:
        p = found[i]
        quote = made[i] if made is not None else None
        valence = p.valence
        if by_coder:
            for coder_id in p.coder_ids:
                yield p.code_ids[0], p.document_id, coder_id, valence, 1, quote, None, i
        else:
            yield p.code_ids[0], p.document_id, p.coder_ids[0], valence, 1, quote, None, None


def _text_order(found: list, scope: Scope) -> list[int]:
    """Passage indexes by document name, then text order."""
    return sorted(range(len(found)), key=lambda i: (
        scope.docs.get(found[i].document_id, ""), found[i].start, found[i].end,
        found[i].code_id))


def _quotes(s: Session, scope: Scope, found: list) -> list[dict]:
    """The quote dict of every passage: exact text, its coders, codings, rounds, versions,
    speaker and paragraph (what the source line under a quote in Word says)."""
    src = Sources(s, {p.document_id for p in found})
    out = []
    for p in found:
        out.append({"document": scope.docs.get(p.document_id, ""), "start": p.start,
                    "end": p.end, "text": src.quote(p.document_id, p.start, p.end),
                    "coder": ", ".join(p.coders), "coders": list(p.coders),
                    "valence": p.valence, "guids": list(p.guids), "rounds": list(p.rounds),
                    "codebook_versions": list(p.versions),
                    "speaker": src.speaker(p.document_id, p.start, p.end),
                    "paragraph": src.paragraph(p.document_id, p.start)})
    return out


# -- co-occurrence ---------------------------------------------------------------------------
def cooccurring(s: Session, scope: Scope, quotes: bool, codes: Codes):
    """Each coding or passage that overlaps another of another code, with the (rolled-up)
    codes of those others."""
    if scope.analysis.unites:
        yield from _cooccurring_passages(s, scope, quotes, codes)
        return
    x, y = aliased(Coding), aliased(Coding)
    cols = (x.id, x.code_id, x.document_id, x.coder_id, x.valence,
            y.id, y.code_id, y.document_id, y.coder_id, y.valence)
    # y starts at or after x's start and before x's end (half-open ranges, so touching codings
    # do not overlap): the index on (document, start) answers it as a range scan.
    q = select(*cols).join(y, and_(y.document_id == x.document_id, y.start >= x.start,
                                   y.start < x.end, y.id != x.id))
    q = restrict(restrict(q, scope, x), scope, y)
    found: dict[int, set] = {}
    info: dict[int, tuple] = {}
    for row in s.execute(q):
        kx, ky = codes.map.get(row[1]), codes.map.get(row[6])
        if kx is None or ky is None:
            continue
        found.setdefault(row[0], set()).add(ky)
        found.setdefault(row[5], set()).add(kx)
        info[row[0]], info[row[5]] = row[1:5], row[6:10]
    if quotes:
        every = passages(s, scope.analysis, code_ids=scope.code_ids, doc_ids=scope.doc_ids,
                         details=True)
        made = _quotes(s, scope, every)
        for i in _text_order(every, scope):
            p = every[i]
            if p.coding_ids[0] in found:
                yield (p.code_id, p.document_id, p.coder_ids[0], p.valence, 1, made[i],
                       found[p.coding_ids[0]], None)
        return
    for coding_id, keys in found.items():
        code_id, doc_id, coder_id, valence = info[coding_id]
        yield code_id, doc_id, coder_id, valence, 1, None, keys, None


def _cooccurring_passages(s: Session, scope: Scope, quotes: bool, codes: Codes):
    found = passages(s, scope.analysis, code_ids=scope.code_ids, doc_ids=scope.doc_ids,
                     code_map=codes.map, details=quotes)
    by_doc: dict[int, list[int]] = {}
    for i, p in enumerate(found):
        by_doc.setdefault(p.document_id, []).append(i)
    keys: dict[int, set] = {}
    for members in by_doc.values():
        members.sort(key=lambda i: (found[i].start, found[i].end))
        for k, i in enumerate(members):
            p = found[i]
            for j in members[k + 1:]:
                q = found[j]
                if q.start >= p.end:
                    break
                if q.code_id != p.code_id:
                    keys.setdefault(i, set()).add(q.code_id)
                    keys.setdefault(j, set()).add(p.code_id)
    made = _quotes(s, scope, found) if quotes else None
    order = _text_order(found, scope) if quotes else sorted(keys)
    for i in order:
        if i in keys:
            p = found[i]
            yield (p.code_ids[0], p.document_id, p.coder_ids[0], p.valence, 1,
                   made[i] if made is not None else None, keys[i], None)

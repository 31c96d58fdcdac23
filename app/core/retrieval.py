"""Retrieval: every segment coded with a code (and its child codes) across documents, with the
document's attributes (district, service ...) and the coder, for the retrieval list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import attributes as attrs
from app.core.codetree import subtree_guids
from app.models import Code, Coder, Coding, Document


@dataclass(frozen=True)
class RetrievedSegment:
    guid: str
    document_guid: str
    document: str
    start: int
    end: int
    quote: str
    code_guid: str
    code: str
    coder: str
    coder_colour: str
    memo: str
    valence: int | None
    attributes: dict[str, str] = field(default_factory=dict)


def retrieve(s: Session, code_guid: str, coder_ids: Iterable[int] | None = None,
             include_children: bool = True) -> list[RetrievedSegment]:
    """Segments coded with `code_guid` in document-name and text order."""
    guids = subtree_guids(s, code_guid) if include_children else {code_guid}
    if not guids:
        return []
    code_ids = list(s.scalars(select(Code.id).where(Code.guid.in_(guids))))
    q = _segments().where(Coding.code_id.in_(code_ids))
    if coder_ids is not None:
        q = q.where(Coding.coder_id.in_(list(coder_ids)))
    return _segments_of(s, q)


def segment(s: Session, coding_guid: str) -> RetrievedSegment | None:
    """One coding as the retrieval list shows it (None if it is gone): what the list adds
    after a coding instead of retrieving every segment of the code again."""
    found = _segments_of(s, _segments().where(Coding.guid == coding_guid))
    return found[0] if found else None


def sort_key(segment: RetrievedSegment) -> tuple:
    """The order of the retrieval list (document name, then text order) for one segment."""
    return segment.document, segment.start, segment.end


def _segments():
    return select(Coding.id, Coding.guid, Coding.document_id, Coding.code_id, Coding.coder_id,
                  Coding.start, Coding.end, Coding.memo, Coding.valence)


def _segments_of(s: Session, q) -> list[RetrievedSegment]:
    """The codings `q` selects as segments in list order, with names looked up in the small
    tables and quotes cut from each document's text read once (cutting in SQL reads the
    whole text again for every segment: seconds for 20,000)."""
    rows = list(s.connection().execute(q))
    if not rows:
        return []
    doc_ids = sorted({r[2] for r in rows})
    docs = {i: (g, n, t) for i, g, n, t in s.connection().execute(
        select(Document.id, Document.guid, Document.name, Document.text)
        .where(Document.id.in_(doc_ids)))}
    codes = {i: (g, n) for i, g, n in s.connection().execute(
        select(Code.id, Code.guid, Code.name))}
    coders = {i: (n, c) for i, n, c in s.connection().execute(
        select(Coder.id, Coder.name, Coder.color))}
    values = attrs.values_by_document(s)
    rows.sort(key=lambda r: (docs[r[2]][1], r[5], r[6], r[0]))
    out = []
    for _id, guid, did, code_id, coder_id, a, b, memo, valence in rows:
        dguid, dname, text = docs[did]
        cguid, cname = codes[code_id]
        coder, colour = coders[coder_id]
        out.append(RetrievedSegment(guid, dguid, dname, a, b, text[a:b], cguid, cname, coder,
                                    colour, memo or "", valence, values.get(did, {})))
    return out

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
    q = _segments().where(Code.guid.in_(guids)).order_by(Document.name, Coding.start,
                                                          Coding.end, Coding.id)
    if coder_ids is not None:
        q = q.where(Coding.coder_id.in_(list(coder_ids)))
    return _with_quotes(s, list(s.execute(q)))


def segment(s: Session, coding_guid: str) -> RetrievedSegment | None:
    """One coding as the retrieval list shows it (None if it is gone): what the list adds
    after a coding instead of retrieving every segment of the code again."""
    rows = list(s.execute(_segments().where(Coding.guid == coding_guid)))
    return _with_quotes(s, rows)[0] if rows else None


def sort_key(segment: RetrievedSegment) -> tuple:
    """The order of the retrieval list (document name, then text order) for one segment."""
    return segment.document, segment.start, segment.end


def _segments():
    return (select(Coding.guid, Document.id, Document.guid, Document.name, Coding.start,
                   Coding.end, Code.guid, Code.name, Coder.name, Coder.color, Coding.memo,
                   Coding.valence)
            .join(Document, Document.id == Coding.document_id)
            .join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id))


def _with_quotes(s: Session, rows: list) -> list[RetrievedSegment]:
    """The rows with their quotes cut from each document's text, read once per document
    (cutting in SQL reads the whole text again for every segment: seconds for 20,000)."""
    if not rows:
        return []
    texts = dict(s.execute(select(Document.id, Document.text)
                           .where(Document.id.in_(sorted({r[1] for r in rows})))).all())
    values = attrs.values_by_document(s)
    return [
        RetrievedSegment(guid, dguid, dname, a, b, texts[did][a:b], cguid, cname, coder, ccol,
                         memo or "", valence, values.get(did, {}))
        for guid, did, dguid, dname, a, b, cguid, cname, coder, ccol, memo, valence in rows
    ]

"""Retrieval: every segment coded with a code (and its child codes) across documents, with the
document's attributes (district, service ...) and the coder, for the retrieval list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import func, select
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
    # The quote is cut out by SQLite (substr counts characters, i.e. code points, from 1), so
    # no whole transcript is loaded into Python for a list of segments.
    quote = func.substr(Document.text, Coding.start + 1, Coding.end - Coding.start)
    q = (select(Coding.guid, Document.id, Document.guid, Document.name, Coding.start, Coding.end,
                quote, Code.guid, Code.name, Coder.name, Coder.color, Coding.memo,
                Coding.valence)
         .join(Document, Document.id == Coding.document_id)
         .join(Code, Code.id == Coding.code_id)
         .join(Coder, Coder.id == Coding.coder_id)
         .where(Code.guid.in_(guids))
         .order_by(Document.name, Coding.start, Coding.end, Coding.id))
    if coder_ids is not None:
        q = q.where(Coding.coder_id.in_(list(coder_ids)))
    rows = list(s.execute(q))
    if not rows:
        return []
    values = attrs.values_by_document(s)
    return [
        RetrievedSegment(guid, dguid, dname, a, b, text, cguid, cname, coder, ccol,
                         memo or "", valence, values.get(did, {}))
        for guid, did, dguid, dname, a, b, text, cguid, cname, coder, ccol, memo, valence in rows
    ]

"""Helpers for the pseudonymisation tests: synthetic documents with codings, turns, decisions."""

from __future__ import annotations

from sqlalchemy import select

from app.core import codebook as cb
from app.core.documents import text_sha256
from app.models import Coder, Coding, Document, ReviewDecision, SpeakerTurn


def add_document(s, name: str, text: str, codings=(), turns=(), decisions=()) -> Document:
    """A document with codings [(start, end)], turns [(start, end, speaker)], decisions."""
    code = s.scalar(select(cb.Code).where(cb.Code.name == "Respekt")) or cb.create_code(
        s, "Respekt")
    coder = s.scalar(select(Coder).where(Coder.name == "Hanne"))
    if coder is None:
        coder = Coder(name="Hanne")
        s.add(coder)
    doc = Document(name=name, text=text, length=len(text), sha256=text_sha256(text))
    s.add(doc)
    s.flush()
    for start, end in codings:
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id,
                     start=start, end=end))
    for start, end, speaker in turns:
        s.add(SpeakerTurn(document_id=doc.id, start=start, end=end, speaker=speaker))
    for start, end in decisions:
        s.add(ReviewDecision(document_id=doc.id, code_guid=code.guid, coder_a="Hanne",
                             coder_b="Tor", start=start, end=end, decision="a",
                             consensus="Konsensus"))
    s.flush()
    return doc


def snapshot(project) -> dict:
    """Everything pseudonymisation may touch, to compare before and after."""
    with project.read() as s:
        docs = s.execute(select(Document.name, Document.text, Document.length,
                                Document.sha256).order_by(Document.name)).all()
        codings = s.execute(select(Coding.guid, Coding.start, Coding.end)
                            .order_by(Coding.guid)).all()
        turns = s.execute(select(SpeakerTurn.id, SpeakerTurn.start, SpeakerTurn.end,
                                 SpeakerTurn.speaker).order_by(SpeakerTurn.id)).all()
        from app.core.privacy.terms import terms

        return {"docs": docs, "codings": codings, "turns": turns, "terms": terms(s)}

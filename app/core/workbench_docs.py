"""Document edits the workbench makes undoable: an import that can be taken back and redone with
the same guids, attribute values set and restored, and the table rows of the documents panel.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core import attributes as attrs
from app.core.documents import PreparedDocument, add_prepared
from app.core.workbench import get_document_by_guid
from app.models import Coding, Document, SpeakerTurn
from app.models.survey import SURVEY_FORMAT


@dataclass(frozen=True)
class AttributeColumn:
    name: str
    type: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class DocumentRow:
    guid: str
    name: str
    chars: int
    codings: int
    speakers: tuple[str, ...]
    attributes: dict
    survey: bool = False  # a respondent's free-text answer (listed after the transcripts)


def document_rows(s: Session) -> tuple[list[AttributeColumn], list[DocumentRow]]:
    """Attribute columns (in definition order) and one row per document."""
    columns = [AttributeColumn(d.name, d.type, tuple(d.choice_list()))
               for d in attrs.definitions(s)]
    counts = {i: n for i, n in s.execute(
        select(Coding.document_id, func.count()).group_by(Coding.document_id))}
    speakers: dict[int, list[str]] = {}
    for doc_id, speaker in s.execute(select(SpeakerTurn.document_id, SpeakerTurn.speaker)
                                     .distinct().order_by(SpeakerTurn.document_id,
                                                          SpeakerTurn.speaker)):
        speakers.setdefault(doc_id, []).append(speaker)
    values = attrs.values_by_document(s)
    found = s.execute(select(Document.id, Document.guid, Document.name, Document.length,
                             Document.source_format).order_by(Document.name)).all()
    # Transcripts first, then survey comments (many short documents of one survey), each in
    # name order.
    found.sort(key=lambda r: r.source_format == SURVEY_FORMAT)
    rows = [DocumentRow(guid, name, length, counts.get(i, 0), tuple(speakers.get(i, ())),
                        values.get(i, {}), kind == SURVEY_FORMAT)
            for i, guid, name, length, kind in found]
    return columns, rows


def add_documents(s: Session, batch: list[PreparedDocument],
                  guids: list[str] | None = None) -> list[str]:
    """Add prepared documents (caller's transaction); with `guids`, they get those guids again
    (redo of an import). Returns the documents' guids in batch order."""
    add_prepared(s, batch)
    out = []
    for i, p in enumerate(batch):
        doc = s.scalar(select(Document).where(Document.name == p.name))
        if guids is not None:
            doc.guid = guids[i]
        out.append(doc.guid)
    s.flush()
    return out


def remove_documents(s: Session, guids: list[str]) -> None:
    """Delete documents by guid; their codings, turns and values go with them (cascade)."""
    for guid in guids:
        s.delete(get_document_by_guid(s, guid))
    s.flush()


def set_attribute(s: Session, document_guid: str, name: str, value: str) -> str:
    """Set (or with '' remove) one attribute value; returns the previous value ('' if none).
    The value is checked against the attribute's type (app.core.attributes)."""
    doc = get_document_by_guid(s, document_guid)
    old = attrs.values_by_document(s).get(doc.id, {}).get(name, "")
    attrs.set_values(s, doc, {name: value}, create_missing=False)
    return old


@dataclass(frozen=True)
class DocumentsSnapshot:
    """Every row that belongs to some documents, so a deletion can be undone exactly."""

    rows: tuple[tuple[str, tuple[dict, ...]], ...]


def snapshot_documents(s: Session, guids: list[str]) -> DocumentsSnapshot:
    from app.models import AttributeValue

    ids = [get_document_by_guid(s, g).id for g in guids]
    out = []
    for model, column in ((Document, Document.id), (SpeakerTurn, SpeakerTurn.document_id),
                          (AttributeValue, AttributeValue.document_id),
                          (Coding, Coding.document_id)):
        table = model.__table__
        rows = tuple(dict(r._mapping) for r in s.execute(table.select().where(column.in_(ids))))
        out.append((table.name, rows))
    return DocumentsSnapshot(tuple(out))


def restore_documents(s: Session, snap: DocumentsSnapshot) -> None:
    """Put back what `snapshot_documents` saw, with the same ids and guids (caller's transaction)."""
    from app.models import Base

    s.flush()
    for name, rows in snap.rows:
        if rows:
            s.execute(Base.metadata.tables[name].insert(), list(rows))
    s.expire_all()

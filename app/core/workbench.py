"""What the coding workbench shows and changes: a document with its turns and codings, coders,
and coding edits by guid that can be undone exactly (a removed coding comes back with its guid).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models import Code, Coder, Coding, Document, SpeakerTurn


@dataclass(frozen=True, slots=True)
class Turn:
    """A speaker turn: the label runs from `label_start` to `start`, the speech to `end`."""

    label_start: int
    start: int
    end: int
    speaker: str


@dataclass(frozen=True, slots=True)
class ShownCoding:
    guid: str
    code_guid: str
    code_name: str
    code_colour: str
    coder_id: int
    coder_name: str
    coder_colour: str
    start: int
    end: int
    memo: str = ""
    valence: int | None = None


@dataclass
class DocumentContent:
    guid: str
    name: str
    text: str
    turns: list[Turn]
    codings: list[ShownCoding] = field(default_factory=list)


@dataclass(frozen=True)
class CoderInfo:
    id: int
    guid: str
    name: str
    colour: str


def get_document_by_guid(s: Session, guid: str) -> Document:
    doc = s.scalar(select(Document).where(Document.guid == guid))
    if doc is None:
        raise NotFound(_("That document is no longer in the project."))
    return doc


def get_code_by_guid(s: Session, guid: str) -> Code:
    code = s.scalar(select(Code).where(Code.guid == guid))
    if code is None:
        raise NotFound(_("That code is no longer in the codebook."))
    return code


def document_turns(s: Session, doc: Document) -> list[Turn]:
    text = doc.text
    out = []
    for start, end, speaker in s.execute(
        select(SpeakerTurn.start, SpeakerTurn.end, SpeakerTurn.speaker)
        .where(SpeakerTurn.document_id == doc.id).order_by(SpeakerTurn.start)
    ):
        label_start = text.rfind("\n", 0, start) + 1
        out.append(Turn(label_start, start, end, speaker))
    return out


def _shown_select():
    return (select(Coding.guid, Code.guid, Code.name, Code.color, Coder.id, Coder.name,
                   Coder.color, Coding.start, Coding.end, Coding.memo, Coding.valence)
            .join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id))


def _shown(row) -> ShownCoding:
    return ShownCoding(*row[:9], row[9] or "", row[10])


def document_codings(s: Session, doc_id: int) -> list[ShownCoding]:
    """Every coding of one document with its code's and coder's name and colour, in text order."""
    rows = s.execute(_shown_select().where(Coding.document_id == doc_id)
                     .order_by(Coding.start, Coding.end, Coding.id))
    return [_shown(r) for r in rows]


def shown_coding(s: Session, guid: str) -> ShownCoding:
    row = s.execute(_shown_select().where(Coding.guid == guid)).first()
    if row is None:
        raise NotFound(_("That coding no longer exists."))
    return _shown(row)


def load_document(s: Session, guid: str) -> DocumentContent:
    doc = get_document_by_guid(s, guid)
    return DocumentContent(doc.guid, doc.name, doc.text, document_turns(s, doc),
                           document_codings(s, doc.id))


def coders(s: Session) -> list[CoderInfo]:
    return [CoderInfo(*r) for r in s.execute(
        select(Coder.id, Coder.guid, Coder.name, Coder.color).order_by(Coder.name))]


def ensure_coder(s: Session, name: str) -> CoderInfo:
    from app.core.coding import get_or_create_coder

    c = get_or_create_coder(s, name)
    return CoderInfo(c.id, c.guid, c.name, c.color)


# -- coding edits, each undoable ------------------------------------------------------------
@dataclass(frozen=True)
class CodingSnapshot:
    """Everything needed to put a coding back exactly as it was (same guid)."""

    guid: str
    document_guid: str
    code_guid: str
    coder_id: int
    start: int
    end: int
    memo: str
    valence: int | None
    created_at: datetime | None
    round_id: int | None = None  # provenance, put back as it was
    codebook_version_id: int | None = None


def snapshot_coding(s: Session, guid: str) -> CodingSnapshot:
    row = s.execute(
        select(Coding.guid, Document.guid, Code.guid, Coding.coder_id, Coding.start, Coding.end,
               Coding.memo, Coding.valence, Coding.created_at, Coding.round_id,
               Coding.codebook_version_id)
        .join(Document, Document.id == Coding.document_id)
        .join(Code, Code.id == Coding.code_id)
        .where(Coding.guid == guid)
    ).first()
    if row is None:
        raise NotFound(_("That coding no longer exists."))
    return CodingSnapshot(*row)


def apply_code(
    s: Session, document_guid: str, code_guid: str, coder_id: int, start: int, end: int,
    memo: str = "",
) -> CodingSnapshot:
    """Code [start, end) of a document (checked by app.core.coding); returns the new coding."""
    from app.core.coding import apply_coding

    doc = get_document_by_guid(s, document_guid)
    code = get_code_by_guid(s, code_guid)
    coder = s.get(Coder, coder_id)
    if coder is None:
        raise NotFound(_("That coder is no longer in the project."))
    coding = apply_coding(s, doc, code, coder, start, end, memo)
    return snapshot_coding(s, coding.guid)


def restore_coding(s: Session, snap: CodingSnapshot) -> None:
    """Insert a coding again with its original guid (undo of a removal, redo of an apply)."""
    if s.scalar(select(Coding.id).where(Coding.guid == snap.guid)) is not None:
        return
    doc = get_document_by_guid(s, snap.document_guid)
    code = get_code_by_guid(s, snap.code_guid)
    if not 0 <= snap.start < snap.end <= doc.length:
        raise InvalidInput(_("That coding no longer fits its document."))
    values = dict(guid=snap.guid, document_id=doc.id, code_id=code.id, coder_id=snap.coder_id,
                  start=snap.start, end=snap.end, memo=snap.memo, valence=snap.valence,
                  round_id=snap.round_id, codebook_version_id=snap.codebook_version_id)
    if snap.created_at is not None:
        values["created_at"] = snap.created_at
    s.add(Coding(**values))
    s.flush()


def delete_coding(s: Session, guid: str) -> CodingSnapshot:
    """Remove a coding by guid; returns its snapshot for undo."""
    snap = snapshot_coding(s, guid)
    coding = s.scalar(select(Coding).where(Coding.guid == guid))
    s.delete(coding)
    s.flush()
    return snap


def set_coding_memo(s: Session, guid: str, memo: str) -> str:
    """Set a coding's memo; returns the previous memo."""
    coding = s.scalar(select(Coding).where(Coding.guid == guid))
    if coding is None:
        raise NotFound(_("That coding no longer exists."))
    old = coding.memo or ""
    coding.memo = memo
    s.flush()
    return old

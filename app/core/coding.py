"""Apply, change, remove and list codings; coders. Ranges are code points, half-open [start, end)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.codebook import code_paths, resolve_code, subtree_ids
from app.core.lookup import get_coder, get_document, nfc
from app.core.team.provenance import Provenance, iso_utc, provenance_for
from app.errors import EditConflict, InvalidInput, NotFound
from app.i18n import _, counts
from app.models import CodebookVersion, Code, Coder, Coding, Document, Round

CODER_COLOURS = [
    "#1F77B4", "#D62728", "#2CA02C", "#9467BD", "#FF7F0E", "#17BECF", "#8C564B", "#E377C2",
]
VALENCE_TEXT = {1: "+", -1: "-", None: ""}


def parse_valence(value: str | int | None) -> int | None:
    if value in (None, "", 0):
        return None
    if value in ("+", 1, "1", "+1", "positive", "positiv"):
        return 1
    if value in ("-", -1, "-1", "negative", "negativ", "critical", "kritisk"):
        return -1
    raise InvalidInput(_("Valence must be + (positive), - (critical) or empty."))


def get_or_create_coder(s: Session, name: str, color: str | None = None) -> Coder:
    name = nfc(name.strip())
    if not name:
        raise InvalidInput(_("A coder needs a name."))
    coder = s.scalar(select(Coder).where(Coder.name == name))
    if coder is None:
        n = s.scalar(select(func.count()).select_from(Coder)) or 0
        coder = Coder(name=name, color=color or CODER_COLOURS[n % len(CODER_COLOURS)])
        s.add(coder)
        s.flush()
    return coder


def check_span(doc: Document, start: int, end: int) -> None:
    if start < 0 or end > doc.length or start >= end:
        raise InvalidInput(
            _("The range {start}-{end} is not inside the document {name}, which has "
              "{characters} (start must be smaller than end).").format(
                start=start, end=end, name=doc.name, characters=counts.characters(doc.length)
            )
        )


def apply_coding(
    s: Session,
    doc: Document,
    code: Code,
    coder: Coder,
    start: int,
    end: int,
    memo: str = "",
    valence: int | None = None,
) -> Coding:
    """Code [start, end) of `doc` with `code` by `coder` (caller's transaction)."""
    check_span(doc, start, end)
    if not code.codable:
        raise InvalidInput(
            _("The code {name} only groups other codes and cannot be applied to text.").format(
                name=code.name
            )
        )
    if not doc.text[start:end].strip():
        raise InvalidInput(_("The selected text is only white space; select some words."))
    round_id, version_id = provenance_for(s, doc.id, coder.id)
    exists = s.scalar(
        select(Coding.id).where(
            Coding.document_id == doc.id, Coding.code_id == code.id, Coding.coder_id == coder.id,
            Coding.start == start, Coding.end == end,
            func.coalesce(Coding.round_id, 0) == (round_id or 0),
        )
    )
    if exists:
        raise InvalidInput(_("{coder} has already coded exactly this text with {code}.").format(
            coder=coder.name, code=code.name))
    coding = Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=start, end=end,
                    memo=memo, valence=valence, round_id=round_id,
                    codebook_version_id=version_id)
    s.add(coding)
    s.flush()
    return coding


def code_still_there(s: Session, code_guid: str, name: str, coding: bool = True) -> Code:
    """The code a coding (or, `coding` False, another change) is about to use; EditConflict
    naming it when it is gone (deleted by someone else on a shared project since the window
    showed it) - nothing is saved then."""
    code = s.scalar(select(Code).where(Code.guid == code_guid))
    if code is None:
        raise EditConflict((_("The code {name} was deleted by someone else; your coding was not "
                              "saved.") if coding else
                            _("The code {name} was deleted by someone else; your change was not "
                              "saved.")).format(name=name or "?"))
    return code


def coding_unchanged(s: Session, snap, action: str) -> None:
    """Before undoing `action`: the coding `snap` (a workbench.CodingSnapshot) still exists
    exactly as this window made it; else EditConflict saying what someone else did."""
    from dataclasses import astuple

    now = s.execute(
        select(Coding.guid, Document.guid, Code.guid, Coding.coder_id, Coding.start, Coding.end,
               Coding.memo, Coding.valence, Coding.created_at, Coding.round_id,
               Coding.codebook_version_id)
        .join(Document, Document.id == Coding.document_id)
        .join(Code, Code.id == Coding.code_id)
        .where(Coding.guid == snap.guid)).first()
    if now is None:
        raise EditConflict(_("Someone else has removed the coding made by \u00ab{action}\u00bb, "
                             "so it was not undone and nothing was changed.").format(
                                 action=action))
    if tuple(now) != astuple(snap):
        raise EditConflict(_("Someone else has changed the coding made by \u00ab{action}\u00bb "
                             "(its code, place, memo or valence), so it was not undone and "
                             "nothing was changed.").format(action=action))


def code_text(
    s: Session, doc_name: str, code_ref: str, coder_name: str, start: int, end: int,
    memo: str = "", valence: int | None = None,
) -> Coding:
    """apply_coding by names, creating the coder if new (what the CLI `code` command does)."""
    doc = get_document(s, doc_name)
    code = resolve_code(s, code_ref)
    coder = get_or_create_coder(s, coder_name)
    return apply_coding(s, doc, code, coder, start, end, memo, valence)


def get_coding(s: Session, guid_or_id: str | int) -> Coding:
    if isinstance(guid_or_id, int) or str(guid_or_id).isdigit():
        coding = s.get(Coding, int(guid_or_id))
    else:
        coding = s.scalar(select(Coding).where(Coding.guid == guid_or_id))
    if coding is None:
        raise NotFound(_("That coding no longer exists."))
    return coding


def coding_counts(s: Session) -> dict[int, int]:
    """code id -> how many codings it has (its own, not its children's), in one query."""
    return dict(s.execute(select(Coding.code_id, func.count()).group_by(Coding.code_id)).all())


def remove_coding(s: Session, coding: Coding) -> None:
    s.delete(coding)
    s.flush()


def set_memo(s: Session, coding: Coding, memo: str) -> None:
    coding.memo = memo
    s.flush()


def set_valence(s: Session, coding: Coding, valence: int | None) -> None:
    coding.valence = valence
    s.flush()


def change_span(s: Session, coding: Coding, start: int, end: int) -> None:
    check_span(s.get(Document, coding.document_id), start, end)
    coding.start, coding.end = start, end
    s.flush()


@dataclass
class CodingRow:
    guid: str
    document: str
    code: str
    coder: str
    start: int
    end: int
    text: str
    memo: str
    valence: int | None
    created_at: datetime | None = None
    round: str | None = None
    codebook_version: str | None = None

    def as_json(self) -> dict:
        return {"document": self.document, "code": self.code, "coder": self.coder,
                "start": self.start, "end": self.end, "text": self.text, "memo": self.memo,
                "valence": VALENCE_TEXT[self.valence], "guid": self.guid,
                "created_at": iso_utc(self.created_at), "round": self.round,
                "codebook_version": self.codebook_version}


def list_codings(
    s: Session,
    coders: list[str] | None = None,
    codes: list[str] | None = None,
    documents: list[str] | None = None,
    include_children: bool = True,
) -> list[CodingRow]:
    """Codings filtered by coder, code (with its child codes) and document, in text order."""
    q = (
        select(Coding.guid, Coding.document_id, Coding.code_id, Coder.name, Coding.start,
               Coding.end, Coding.memo, Coding.valence, Document.name, Coding.created_at,
               Round.name, CodebookVersion.name)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Document, Document.id == Coding.document_id)
        .outerjoin(Round, Round.id == Coding.round_id)
        .outerjoin(CodebookVersion, CodebookVersion.id == Coding.codebook_version_id)
        .order_by(Document.name, Coding.start, Coding.end, Coding.id)
    )
    if coders:
        q = q.where(Coding.coder_id.in_([get_coder(s, c).id for c in coders]))
    if codes:
        ids: set[int] = set()
        for ref in codes:
            code = resolve_code(s, ref)
            ids |= subtree_ids(s, code.id) if include_children else {code.id}
        q = q.where(Coding.code_id.in_(ids))
    if documents:
        q = q.where(Coding.document_id.in_([get_document(s, d).id for d in documents]))
    paths = code_paths(s)
    texts: dict[int, str] = {}
    out = []
    for (guid, doc_id, code_id, coder, start, end, memo, valence, doc_name, created,
         round_name, version_name) in s.execute(q):
        if doc_id not in texts:
            texts[doc_id] = s.scalar(select(Document.text).where(Document.id == doc_id))
        out.append(CodingRow(guid, doc_name, paths[code_id], coder, start, end,
                             texts[doc_id][start:end], memo, valence, created, round_name,
                             version_name))
    return out


@dataclass
class NewCoding:
    """One coding to add in bulk. Its round and codebook version follow the provenance rule;
    `guid` and `created_at` are kept when given (REFI import) and the guid is free."""

    document_id: int
    code_id: int
    coder_id: int
    start: int
    end: int
    memo: str = ""
    valence: int | None = None
    guid: str | None = None
    created_at: datetime | None = None


def add_codings_bulk(s: Session, rows: list[NewCoding]) -> int:
    """Insert many codings in the caller's transaction (imports, search hits, generated
    corpora), each with its round and codebook version (app.core.team.provenance).

    Ranges are checked against each document's length; a row identical to a coding already
    there in the same round (document, code, coder, start, end, round) is skipped as a
    duplicate. Returns how many were added.
    """
    from app.models import new_guid, utcnow

    lengths = dict(s.execute(select(Document.id, Document.length)).all())
    existing = set(
        s.execute(select(Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start,
                         Coding.end, func.coalesce(Coding.round_id, 0))).all()
    ) if rows else set()
    guids = set(s.scalars(select(Coding.guid))) if any(r.guid for r in rows) else set()
    provenance = Provenance(s) if rows else None
    now = utcnow()
    batch = []
    for r in rows:
        length = lengths.get(r.document_id)
        if length is None or not (0 <= r.start < r.end <= length):
            raise InvalidInput(_("A coding range {start}-{end} is outside its document.").format(
                start=r.start, end=r.end))
        round_id, version_id = provenance(r.document_id, r.coder_id)
        key = (r.document_id, r.code_id, r.coder_id, r.start, r.end, round_id or 0)
        if key in existing:
            continue
        existing.add(key)
        guid = r.guid if r.guid and r.guid not in guids else new_guid()
        guids.add(guid)
        batch.append({"guid": guid, "document_id": r.document_id, "code_id": r.code_id,
                      "coder_id": r.coder_id, "start": r.start, "end": r.end, "memo": r.memo,
                      "valence": r.valence, "created_at": r.created_at or now,
                      "round_id": round_id, "codebook_version_id": version_id})
    if batch:
        s.execute(Coding.__table__.insert(), batch)
    return len(batch)

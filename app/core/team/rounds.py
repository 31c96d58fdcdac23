"""Coding rounds: a named document set, its coders and the codebook version in force; creating
a round can also write a blind coder copy for each coder (closing a round as a record:
team.round_records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.core.coding import get_or_create_coder
from app.core.lookup import get_document, suggestion
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models import Coder, Document, Round, round_coder, round_document


@dataclass(frozen=True)
class RoundInfo:
    name: str
    version: str | None
    documents: tuple[str, ...]
    coders: tuple[str, ...]
    memo: str
    guid: str = ""
    position: int = 0
    closed_at: datetime | None = None
    closed_by: str | None = None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    def as_json(self) -> dict:
        from app.core.team.provenance import iso_utc

        return {"name": self.name, "codebook_version": self.version,
                "documents": list(self.documents), "coders": list(self.coders),
                "memo": self.memo, "closed_at": iso_utc(self.closed_at),
                "closed_by": self.closed_by}


def create_round(s: Session, name: str, documents: list[str], coders: list[str],
                 version: str | None = None, memo: str = "") -> RoundInfo:
    from app.core.team.versions import get_version

    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A round needs a name."))
    if s.scalar(select(Round.id).where(Round.name == name)):
        raise InvalidInput(_("There is already a round named {name}.").format(name=name))
    if not documents:
        raise InvalidInput(_("A round needs at least one document."))
    if not coders:
        raise InvalidInput(_("A round needs at least one coder."))
    docs = [get_document(s, d) for d in documents]
    people = [get_or_create_coder(s, c) for c in coders]
    v = get_version(s, version) if version else None
    position = (s.scalar(select(func.max(Round.position))) or 0) + 1
    r = Round(name=name, codebook_version_id=v.id if v else None, memo=memo, position=position)
    s.add(r)
    s.flush()
    s.execute(insert(round_document), [{"round_id": r.id, "document_id": d.id}
                                       for d in {d.id: d for d in docs}.values()])
    s.execute(insert(round_coder), [{"round_id": r.id, "coder_id": c.id}
                                    for c in {c.id: c for c in people}.values()])
    return round_info(s, name)


def rounds(s: Session) -> list[RoundInfo]:
    return [round_info(s, n) for n in s.scalars(select(Round.name).order_by(Round.position))]


def get_round(s: Session, name: str) -> Round:
    r = s.scalar(select(Round).where(Round.name == name))
    if r is None:
        names = list(s.scalars(select(Round.name)))
        raise NotFound(_("There is no round named {name}.").format(name=name)
                       + suggestion(name, names))
    return r


def round_info(s: Session, name: str) -> RoundInfo:
    r = get_round(s, name)
    docs = tuple(s.scalars(select(Document.name).join(
        round_document, round_document.c.document_id == Document.id)
        .where(round_document.c.round_id == r.id).order_by(Document.name)))
    coders = tuple(s.scalars(select(Coder.name).join(
        round_coder, round_coder.c.coder_id == Coder.id)
        .where(round_coder.c.round_id == r.id).order_by(Coder.name)))
    return RoundInfo(r.name, r.version.name if r.version else None, docs, coders, r.memo,
                     r.guid, r.position, r.closed_at, r.closed_by)


def copy_paths(info: RoundInfo, folder: Path) -> list[Path]:
    """Where `round_copies` writes each coder's copy of round `info`: `ROUND-CODER.sitat`."""
    out = []
    for coder in info.coders:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in f"{info.name}-{coder}")
        out.append(Path(folder) / f"{safe}.sitat")
    return out


def round_copies(project, info: RoundInfo, folder: Path) -> list[Path]:
    """A blind coder copy of the round's documents for each of its coders, in `folder`, made
    from the project as last committed: each holds the round, its frozen codebook and none of
    the coder's codings of other rounds (team.copies). If one fails, those already written
    (and the folders made for them) are removed again."""
    from app.core.backup import remove_database
    from app.core.team.copies import coder_copy

    made = []  # the folders this call creates, deepest first
    cur = Path(folder)
    while not cur.exists() and cur.parent != cur:
        made.append(cur)
        cur = cur.parent
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    try:
        for coder, path in zip(info.coders, copy_paths(info, folder)):
            coder_copy(project, coder, path, list(info.documents), blind=True, round_=info)
            out.append(path)
    except BaseException:
        for path in out:
            remove_database(path)
        for made_folder in made:
            try:
                made_folder.rmdir()
            except OSError:
                break
        raise
    return out

"""Coder copies: a new project file for one coder to work in alone, merged back later by guid.

A copy made for a round holds the round (same guid, so codings made in the copy get it and
merge back into it), carries the round's frozen codebook (codes set to the version's snapshot
by guid) and, when blind, none of the coder's codings of other rounds."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete, func, insert, select, update

from app.core.backup import copy_database, remove_database
from app.core.coding import get_or_create_coder
from app.core.lookup import get_document
from app.core.project import Project
from app.errors import InvalidInput, ProjectError
from app.i18n import _
from app.models import (
    Code,
    Coder,
    Coding,
    Condensate,
    Document,
    ProjectInfo,
    ReviewDecision,
    Round,
    Synthesis,
    new_guid,
    round_coder,
    round_document,
)


class RoundLike(Protocol):
    """What a copy needs to know of its round (app.core.team.rounds.RoundInfo)."""

    name: str
    guid: str
    version: str | None
    memo: str
    position: int
    documents: tuple[str, ...]
    coders: tuple[str, ...]


@dataclass(frozen=True)
class CopyReport:
    """What the coder copy holds."""

    path: str
    coder: str
    documents: int
    codings: int
    blind: bool
    round: str | None = None
    codes_changed: int = 0  # codes set to, added from or removed for the round's codebook

    def as_json(self) -> dict:
        return {"path": self.path, "coder": self.coder, "documents": self.documents,
                "codings": self.codings, "blind": self.blind, "round": self.round,
                "codes_changed": self.codes_changed}


def _check_out(out: Path) -> None:
    if out.exists() or Path(f"{out}-wal").exists():
        raise ProjectError(
            _("{name} already exists; choose another file name.").format(name=out.name))
    if not out.parent.is_dir():
        raise ProjectError(
            _("The folder {folder} does not exist.").format(folder=str(out.parent)))


def _prepare(copy: Project, coder: str, keep: set[int] | None, blind: bool,
             round_: "RoundLike | None" = None) -> tuple[int, int, int]:
    """Cut the copy down (one transaction). Returns (documents, codings, codes changed)."""
    changed = 0
    with copy.write() as s:
        if keep is not None:
            s.execute(delete(Document).where(Document.id.not_in(keep)))
        me = get_or_create_coder(s, coder)
        round_id = None
        if round_ is not None:
            round_id = _ensure_round(s, round_, me.id)
            changed = _frozen_codebook(s, round_)
        if blind:
            s.execute(delete(Coding).where(Coding.coder_id != me.id))
            if round_id is not None:  # the coder's own codings of other rounds go too
                s.execute(delete(Coding).where(
                    (Coding.round_id != round_id) | Coding.round_id.is_(None)))
            # Decisions and condensates reveal how others read the text.
            s.execute(delete(ReviewDecision))
            s.execute(delete(Condensate))
            s.execute(delete(Synthesis))
        info = s.scalar(select(ProjectInfo))
        title = _("{title} – copy for {coder}").format(title=info.title, coder=me.name)
        s.execute(update(ProjectInfo).values(id=new_guid(), title=title[:500]))
        docs = s.scalar(select(func.count()).select_from(Document)) or 0
        codings = s.scalar(select(func.count()).select_from(Coding)) or 0
    return int(docs), int(codings), changed


def _ensure_round(s, info: "RoundLike", me: int) -> int:
    """The round in the copy (by guid, else name); written from `info` when the copy was
    taken before the round was committed. The coder and the round's documents present in
    the copy are its members."""
    from app.core.team.versions import get_version

    r = s.scalar(select(Round).where(Round.guid == info.guid)) if info.guid else None
    if r is None:
        r = s.scalar(select(Round).where(Round.name == info.name))
    if r is None:
        version = get_version(s, info.version) if info.version else None
        r = Round(guid=info.guid or new_guid(), name=info.name, memo=info.memo,
                  position=info.position, codebook_version_id=version.id if version else None)
        s.add(r)
        s.flush()
    docs = set(s.scalars(select(Document.id).where(Document.name.in_(info.documents))))
    coders = set(s.scalars(select(Coder.id).where(Coder.name.in_(info.coders)))) | {me}
    have_docs = set(s.scalars(select(round_document.c.document_id)
                              .where(round_document.c.round_id == r.id)))
    have_coders = set(s.scalars(select(round_coder.c.coder_id)
                                .where(round_coder.c.round_id == r.id)))
    if docs - have_docs:
        s.execute(insert(round_document), [{"round_id": r.id, "document_id": d}
                                           for d in sorted(docs - have_docs)])
    if coders - have_coders:
        s.execute(insert(round_coder), [{"round_id": r.id, "coder_id": c}
                                        for c in sorted(coders - have_coders)])
    return r.id


_SNAPSHOT_FIELDS = (("name", "name"), ("order", "sort_order"), ("description", "description"),
                    ("inclusion", "inclusion"), ("exclusion", "exclusion"),
                    ("example", "example"), ("colour", "color"), ("codable", "codable"))


def _frozen_codebook(s, info: "RoundLike") -> int:
    """Set the copy's codes to the round's frozen version (matched by guid): changed codes are
    updated, missing ones created with their snapshot guid, others removed (with their
    codings). Nothing is logged: the copy's log keeps only what its coder does. Returns how
    many codes were changed, added or removed."""
    import json

    from app.core.team.versions import get_version

    if not info.version:
        return 0
    wanted = json.loads(get_version(s, info.version).snapshot)  # tree order: parents first
    mine = {c.guid: c for c in s.scalars(select(Code))}
    ids: dict[str, int] = {}
    changed = 0
    for row in wanted:
        code = mine.get(row["guid"])
        if code is None:
            code = Code(guid=row["guid"])
            s.add(code)
            changed += 1
        else:
            parent = ids.get(row["parent"]) if row["parent"] else None
            if code.parent_id != parent or any(
                    getattr(code, attr) != row.get(key) for key, attr in _SNAPSHOT_FIELDS
                    if key in row):
                changed += 1
        for key, attr in _SNAPSHOT_FIELDS:
            if key in row:
                setattr(code, attr, row[key])
        code.parent_id = ids.get(row["parent"]) if row["parent"] else None
        s.flush()
        ids[row["guid"]] = code.id
    extra = [c.id for g, c in mine.items() if g not in ids]
    if extra:
        # children first is not needed: the schema cascades, and every kept code was re-hung
        s.execute(update(Code).where(Code.id.in_(extra)).values(parent_id=None))
        s.execute(delete(Code).where(Code.id.in_(extra)))
        s.expire_all()
    return changed + len(extra)


def _compact(copy: Project) -> None:
    raw = copy.engine.raw_connection()
    try:
        con = raw.driver_connection
        con.execute("VACUUM")
        # Everything into the main file, so it can be moved alone (it stays in WAL mode, as
        # every project file is, so opening it later does not rewrite its header).
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def coder_copy(project: Project, coder: str, out: Path, documents: list[str] | None = None,
               blind: bool = False, round_: "RoundLike | None" = None) -> CopyReport:
    """Write a copy of `project` to `out` for `coder`: only the named `documents` (all when
    None), only the coder's own codings when `blind`. Guids stay as they are, so the copy
    merges back; the copy gets a new project id and title. With `round_`, the copy is made
    for that round (see the module docstring). `project` is only read."""
    out = Path(out)
    coder = (coder or "").strip()
    if not coder:
        raise InvalidInput(_("A coder needs a name."))
    _check_out(out)
    keep = None
    if documents is not None:
        with project.read() as s:
            keep = {get_document(s, name).id for name in documents}
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        copy_database(project, tmp)
        copy = Project.open(tmp)
        try:
            n_docs, n_codings, n_changed = _prepare(copy, coder, keep, blind, round_)
            _compact(copy)
        finally:
            copy.close()
        wal = Path(f"{tmp}-wal")
        if wal.exists() and wal.stat().st_size:
            raise ProjectError(_("Could not copy {name}: {reason}").format(
                name=project.path.name, reason="WAL"))
        wal.unlink(missing_ok=True)
        Path(f"{tmp}-shm").unlink(missing_ok=True)
        from app.core.files.atomic import _file_mode

        os.chmod(tmp, _file_mode(out))  # mkstemp makes it private: what the umask gives
        _check_out(out)
        os.replace(tmp, out)
    except BaseException:
        remove_database(tmp)
        raise
    return CopyReport(str(out), coder, n_docs, n_codings, blind,
                      round_.name if round_ is not None else None, n_changed)

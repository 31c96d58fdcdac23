"""Coder copies: a new project file for one coder to work in alone, merged back later by guid."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select, update

from app.core.backup import copy_database, remove_database
from app.core.coding import get_or_create_coder
from app.core.lookup import get_document
from app.core.project import Project
from app.errors import InvalidInput, ProjectError
from app.i18n import _
from app.models import (
    Coding,
    Condensate,
    Document,
    ProjectInfo,
    ReviewDecision,
    Synthesis,
    new_guid,
)


@dataclass(frozen=True)
class CopyReport:
    """What the coder copy holds."""

    path: str
    coder: str
    documents: int
    codings: int
    blind: bool

    def as_json(self) -> dict:
        return {"path": self.path, "coder": self.coder, "documents": self.documents,
                "codings": self.codings, "blind": self.blind}


def _check_out(out: Path) -> None:
    if out.exists() or Path(f"{out}-wal").exists():
        raise ProjectError(
            _("{name} already exists; choose another file name.").format(name=out.name))
    if not out.parent.is_dir():
        raise ProjectError(
            _("The folder {folder} does not exist.").format(folder=str(out.parent)))


def _prepare(copy: Project, coder: str, keep: set[int] | None, blind: bool) -> tuple[int, int]:
    """Cut the copy down (one transaction). Returns (documents, codings) left in it."""
    with copy.write() as s:
        if keep is not None:
            s.execute(delete(Document).where(Document.id.not_in(keep)))
        me = get_or_create_coder(s, coder)
        if blind:
            s.execute(delete(Coding).where(Coding.coder_id != me.id))
            # Decisions and condensates reveal how others read the text.
            s.execute(delete(ReviewDecision))
            s.execute(delete(Condensate))
            s.execute(delete(Synthesis))
        info = s.scalar(select(ProjectInfo))
        title = _("{title} – copy for {coder}").format(title=info.title, coder=me.name)
        s.execute(update(ProjectInfo).values(id=new_guid(), title=title[:500]))
        docs = s.scalar(select(func.count()).select_from(Document)) or 0
        codings = s.scalar(select(func.count()).select_from(Coding)) or 0
    return int(docs), int(codings)


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
               blind: bool = False) -> CopyReport:
    """Write a copy of `project` to `out` for `coder`: only the named `documents` (all when
    None), only the coder's own codings when `blind`. Guids stay as they are, so the copy
    merges back; the copy gets a new project id and title. `project` is only read."""
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
            n_docs, n_codings = _prepare(copy, coder, keep, blind)
            _compact(copy)
        finally:
            copy.close()
        wal = Path(f"{tmp}-wal")
        if wal.exists() and wal.stat().st_size:
            raise ProjectError(_("Could not copy {name}: {reason}").format(
                name=project.path.name, reason="WAL"))
        wal.unlink(missing_ok=True)
        Path(f"{tmp}-shm").unlink(missing_ok=True)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a project file is an ordinary file
        _check_out(out)
        os.replace(tmp, out)
    except BaseException:
        remove_database(tmp)
        raise
    return CopyReport(str(out), coder, n_docs, n_codings, blind)

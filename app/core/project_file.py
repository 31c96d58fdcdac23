"""Looking at a project file without writing to it: what it is (application id, schema
revision), how to read it where SQLite cannot keep its shared-memory file beside it (a
read-only folder or a full disk: `immutable=1` when no -wal holds changes), and what to say
when the disk is full."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from app.errors import ProjectError
from app.i18n import _


class ProjectReadOnly(ProjectError):
    """The project (or its folder) cannot be written to: it can only be opened read-only."""


def file_uri(path: Path, immutable: bool = False) -> str:
    """An SQLite URI for reading `path`: `mode=ro`, or `immutable=1` where SQLite cannot keep
    its shared-memory file beside the project (a read-only folder, a full disk)."""
    from urllib.parse import quote

    return f"file:{quote(str(path.absolute()))}?" + ("immutable=1" if immutable else "mode=ro")


def _no_wal(path: Path) -> bool:
    """No committed changes wait in a -wal file beside `path` (immutable reading would miss
    them)."""
    try:
        return os.lstat(f"{path}-wal").st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _cannot_share(exc: Exception) -> bool:
    """SQLite could not create or grow its -shm file for a reader."""
    reason = str(exc).lower()
    return any(w in reason for w in ("readonly", "read-only", "unable to open", "disk i/o",
                                     "disk is full", "database or disk is full"))


def disk_full(folder: Path) -> bool:
    """Less room left on the disk holding `folder` than SQLite needs to open a project."""
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):
        return False
    return st.f_bavail * st.f_frsize < 8 * 1024 * 1024


def _full_error(path: Path) -> ProjectError:
    from app.core.files.own import DiskFull

    return DiskFull(_("The disk holding {name} is full: nothing was changed. Free some space "
                      "and try again (reading the project still works).").format(name=path.name))


def _inspect_file(path: Path) -> tuple[int, str | None, bool]:
    """(application_id, alembic revision or None, has project table) read without writing."""
    return _inspect(path)[:3]


def _inspect(path: Path) -> tuple[int, str | None, bool, bool]:
    """`_inspect_file` plus whether the file must be read as immutable (see `file_uri`)."""
    from app.core.files.reading import regular_file

    regular_file(path, ProjectError)  # SQLite would wait forever on a named pipe
    shared = [Path(f"{path}{end}") for end in ("-wal", "-shm")]
    unshared = not any(os.path.lexists(p) for p in shared)
    if unshared and (not os.access(path.parent, os.W_OK) or disk_full(path.parent)):
        return (*_inspect_with(path, True), True)  # SQLite could not make its -shm here
    try:
        return (*_inspect_with(path, False), False)
    except ProjectError as exc:
        if unshared:
            _remove_unborn(shared)
        if not _cannot_share(exc.__cause__ or exc) or not _no_wal(path):
            if disk_full(path.parent) and "disk" in str(exc.__cause__ or exc).lower():
                raise ProjectError(_("The disk holding {name} is full, and {name} cannot be "
                                     "read until some space is freed.").format(
                                         name=path.name)) from exc
            raise
    return (*_inspect_with(path, True), True)


def _remove_unborn(shared: list[Path]) -> None:
    """Remove the -wal and -shm a failed reader just left (empty, never set up): SQLite leaves
    them when it cannot grow them on a full disk."""
    try:
        wal, shm = (os.lstat(p) for p in shared)
    except OSError:
        return
    from app.core.files.own import owned_by_me

    if wal.st_size == 0 and shm.st_size < 32768 and owned_by_me(shm):
        for p in shared:
            try:
                os.unlink(p)
            except OSError:
                pass


def _inspect_with(path: Path, immutable: bool) -> tuple[int, str | None, bool]:
    try:
        con = sqlite3.connect(file_uri(path, immutable), uri=True)
    except sqlite3.Error as exc:
        raise ProjectError(
            _("Cannot open {name}: {reason}").format(name=path.name, reason=exc)
        ) from exc
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return app_id, revision, "project" in tables
    except sqlite3.DatabaseError as exc:
        raise ProjectError(
            _("{name} is damaged or is not a Sitat project ({reason}).").format(
                name=path.name, reason=exc
            )
        ) from exc
    finally:
        con.close()


def _refuse_linked_companions(path: Path) -> None:
    """SQLite would write through a symbolic link planted as the project's -wal, -shm or
    -journal file (or the project itself, when it is created)."""
    from app.core.files.own import refuse_link

    for end in ("-wal", "-shm", "-journal"):
        refuse_link(Path(f"{path}{end}"))

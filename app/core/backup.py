"""Consistent copies of an open project: a project file through SQLite's online backup API,
a shared project (PostgreSQL) row by row from one snapshot into a new project file."""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
from datetime import datetime
from pathlib import Path

from app.core.project import PROJECT_SUFFIX, Project
from app.core.server import is_server_url
from app.core.files.own import create_exclusive, is_link, refuse_link
from app.errors import ProjectError
from app.i18n import _


def copy_database(project: Project, dest: Path) -> None:
    """Write a consistent copy of `project` (as last committed) into the file `dest`.

    `dest` must be absent or an empty file the caller has just created. The copy is a complete
    SQLite file of its own (no -wal beside it); the source is only read. A shared project is
    copied into a new project file (same schema, same rows, same ids and guids).
    """
    if project.shared:
        _copy_from_server(project, dest)
        return
    raw = project.engine.raw_connection()
    target = None
    try:
        source = raw.driver_connection
        target = sqlite3.connect(str(dest), isolation_level=None)
        source.backup(target)
        # The copy keeps the source's WAL flag; fold everything into the main file now.
        target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except (sqlite3.Error, OSError) as exc:
        raise ProjectError(
            _("Could not copy {name}: {reason}").format(name=project.path.name, reason=exc)
        ) from exc
    finally:
        if target is not None:
            target.close()
        raw.close()


# Rows that belong to the server, not to the project: which login writes as which coder. A
# file made from a shared project (a checkout, a backup, a coder's copy) leaves them behind.
SERVER_ONLY = frozenset({"server_member"})


def _copy_from_server(project: Project, dest: Path) -> None:
    """Every row of a shared project the connection may read (a coder's own, under the
    server's row-level security), in one snapshot (REPEATABLE READ, read-only, so the copy is
    consistent while others work), written into a new project file at `dest`; the server's
    own rows (SERVER_ONLY) are left out."""
    from sqlalchemy import select
    from sqlalchemy.exc import DBAPIError

    from app.core.project import APPLICATION_ID, _make_engine, command_upgrade
    from app.models import Base

    tables = Base.metadata.sorted_tables  # parents before children
    target = _make_engine(Path(dest), read_only=False)
    try:
        with project.engine.connect().execution_options(
                isolation_level="REPEATABLE READ") as src, target.begin() as dst:
            src.exec_driver_sql("SET TRANSACTION READ ONLY")
            dst.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            command_upgrade(dst)
            dst.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # a code before its parent
            for table in reversed(tables):
                dst.execute(table.delete())  # nothing is expected: the schema alone
            for table in tables:
                if table.name in SERVER_ONLY:
                    continue
                order = list(table.primary_key.columns) or list(table.columns)
                rows = src.execution_options(yield_per=5000).execute(
                    select(table).order_by(*order))
                for part in rows.mappings().partitions():
                    dst.execute(table.insert(), [dict(r) for r in part])
        with target.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except (DBAPIError, OSError) as exc:
        raise ProjectError(_("Could not copy {name}: {reason}").format(
            name=project.path.name, reason=getattr(exc, "orig", exc))) from exc
    finally:
        target.dispose()


def companions(path: Path) -> list[Path]:
    """The files SQLite keeps beside a database file."""
    return [Path(f"{path}{end}") for end in ("-wal", "-shm", "-journal")]


def remove_database(path: Path) -> None:
    """Delete a database file and its -wal/-shm companions, if present (a symbolic link is
    removed itself, never what it points to)."""
    for p in (path, *companions(path)):
        try:
            p.unlink(missing_ok=True)
        except OSError:
            pass


def _reserve(folder: Path, stem: str) -> Path:
    """Create (exclusively) an empty file named `stem` + suffix in `folder`, adding -2, -3 ...
    when the name is taken, so no existing file is ever overwritten."""
    n = 1
    while True:
        name = f"{stem}{'' if n == 1 else f'-{n}'}{PROJECT_SUFFIX}"
        path = folder / name
        try:
            if any(os.path.lexists(p) for p in companions(path)):
                raise FileExistsError(path)  # SQLite would write through whatever is there
            fd = create_exclusive(path, 0o644)
        except FileExistsError:
            n += 1
            continue
        except OSError as exc:
            raise ProjectError(
                _("Could not write a backup in {folder}: {reason}").format(
                    folder=str(folder), reason=exc.strerror or exc)
            ) from exc
        os.close(fd)
        return path


def backup_project(project: Project, folder: Path | None = None) -> Path:
    """Back up the open project to `<stem>.backup-YYYYmmdd-HHMMSS.sitat` beside it (or in
    `folder`), never overwriting a file. Returns the backup's path. A shared project has no
    folder of its own: it is copied into a project file in `folder`, which must be given."""
    if project.shared and folder is None:
        raise ProjectError(_("{name} is a shared project on a server: its backups are the "
                             "server's (pg_dump). Choose a folder to save a copy of it as a "
                             "project file.").format(name=project.path.name))
    folder = Path(folder) if folder is not None else project.path.parent
    if project.shared or folder != project.path.parent:
        refuse_link(folder)
    if not folder.is_dir():
        raise ProjectError(_("The folder {folder} does not exist.").format(folder=str(folder)))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = _reserve(folder, f"{project.path.stem}.backup-{stamp}")
    try:
        copy_database(project, path)
    except BaseException:
        remove_database(path)
        raise
    return path


# -- rotating backups on open -------------------------------------------------------------------
def backups_folder(project_path: Path) -> Path:
    return project_path.parent / f"{project_path.stem}.backups"


def list_backups(project_path: Path) -> list[Path]:
    """The rotating backups of a project, newest first: only regular files named as Sitat names
    them, in a backups folder that is a real folder (not a symbolic link to somewhere else)."""
    if is_server_url(project_path):
        return []  # a shared project's backups are the server's
    project_path = Path(project_path)
    folder = backups_folder(project_path)
    if is_link(folder) or not folder.is_dir():
        return []
    name = re.compile(re.escape(f"{project_path.stem}.backup-") + r"\d{8}-\d{6}(-\d+)?"
                      + re.escape(PROJECT_SUFFIX))
    out = []
    for entry in os.scandir(folder):
        if name.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            out.append(Path(entry.path))
    return sorted(out, key=lambda p: p.name, reverse=True)


def rotate_backup(project: Project, keep: int = 10) -> Path | None:
    """A consistent copy of the project in `<stem>.backups/`, keeping the newest `keep`
    (0 turns rotating backups off). Returns the new backup's path. A shared project gets none:
    it has no folder, and the server keeps its backups."""
    if keep <= 0 or project.shared:
        return None
    folder = backups_folder(project.path)
    refuse_link(folder)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise ProjectError(_("Could not write a backup in {folder}: {reason}").format(
            folder=str(folder), reason=exc.strerror or exc)) from exc
    path = backup_project(project, folder)
    for old in list_backups(project.path)[keep:]:
        remove_database(old)
    return path


def restore_backup(backup: Path, project_path: Path) -> Path:
    """Put a backup in the place of a (closed) project. The project as it was is kept as a
    backup first, so a restore can itself be undone. Returns that safety copy."""
    backup, project_path = Path(backup), Path(project_path)
    with Project.open(backup, read_only=True):
        pass  # a damaged or foreign file is refused before anything changes
    folder = backups_folder(project_path)
    with Project.open(project_path) as current:
        safety = backup_project(current, folder if folder.is_dir() and not is_link(folder)
                                else None)
    tmp = _reserve(project_path.parent, f".{project_path.name}.restoring-{secrets.token_hex(4)}")
    try:
        with Project.open(backup, read_only=True) as source:
            copy_database(source, tmp)
        for p in (Path(f"{project_path}-wal"), Path(f"{project_path}-shm")):
            p.unlink(missing_ok=True)
        os.replace(tmp, project_path)
    except BaseException:
        remove_database(tmp)
        raise
    return safety

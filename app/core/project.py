"""Create and open projects - a .sitat file, or a shared project at a PostgreSQL URL (see
app.core.server) - validation, SQLite pragmas, schema upgrades, transactions."""

from __future__ import annotations

import contextvars
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.core.project_file import (ProjectReadOnly, _full_error, _inspect, _inspect_file,
                                   _refuse_linked_companions, disk_full, file_uri)
from app.core.server import ServerLocation, is_server_url
from app.errors import ProjectError
from app.i18n import _
from app.models import ProjectInfo

__all__ = ["APPLICATION_ID", "PROJECT_SUFFIX", "Project", "ProjectReadOnly", "ProjectSummary",
           "disk_full", "known_revisions", "schema_head"]

PROJECT_SUFFIX = ".sitat"
# PRAGMA application_id marks the file as Sitat's ("SITA" in ASCII).
APPLICATION_ID = 0x53495441
SQLITE_MAGIC = b"SQLite format 3\x00"

_begin_mode: contextvars.ContextVar[str] = contextvars.ContextVar("sitat_begin", default="DEFERRED")


@dataclass(frozen=True)
class ProjectSummary:
    id: str
    title: str
    documents: int
    characters: int
    codes: int
    coders: int
    codings: int


def _migrations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "migrations"


def _alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def schema_head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def _make_engine(path: Path, read_only: bool, immutable: bool = False) -> Engine:
    # A reader where the file and its folder can be written connects read-write but with
    # query_only on: SQLite then removes the -wal and -shm it made when the reader closes
    # (a `mode=ro` reader leaves them behind). Elsewhere `mode=ro`, or `immutable=1` where
    # SQLite cannot keep its shared-memory file (see project_file.file_uri).
    guarded = read_only and not immutable and os.access(path, os.W_OK) \
        and os.access(path.parent, os.W_OK | os.X_OK)
    if read_only and not guarded:
        url = f"sqlite:///{file_uri(path, immutable)}&uri=true"
    else:
        url = f"sqlite:///{path}"
    engine = create_engine(url, poolclass=NullPool)
    engine.sitat_connections = set()  # pool records still open: closed by Project.close

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_conn, record):
        engine.sitat_connections.discard(record)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, record):  # the one place SQLite pragmas are set
        engine.sitat_connections.add(record)
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA busy_timeout = 5000")
        if not read_only:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
        elif guarded:
            cur.execute("PRAGMA query_only = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # a reader never asks for the write lock, even inside another project's write
        conn.exec_driver_sql("BEGIN" if read_only else f"BEGIN {_begin_mode.get()}")

    return engine


def _init_schema(conn, title: str) -> None:
    """Sitat's schema (the Alembic migrations) and the project row, on a new database."""
    from alembic import command

    command.upgrade(_alembic_config(conn), "head")
    conn.execute(
        ProjectInfo.__table__.insert().values(
            id=_new_id(), title=title, memo="", revision=0, created_at=_now(),
        )
    )


class Project:
    """An open project file (or shared project: `shared`, and `path` is then a
    app.core.server.ServerLocation). Use `read()` for queries and `write()` for one user
    action."""

    def __init__(self, path: Path, engine: Engine, read_only: bool) -> None:
        self.path = path
        self.shared = engine.dialect.name == "postgresql"
        self.engine = engine
        self.read_only = read_only
        self.own_revisions: set[int] = set()  # revisions this Project wrote (shared only)
        with self.read() as s:
            info = s.get(ProjectInfo, s.query(ProjectInfo.id).scalar())
            if info is None:
                raise ProjectError(_("{name} is not a Sitat project.").format(name=path.name))
            self.id = info.id
            self.title = info.title

    # -- lifecycle ---------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike, title: str = "", program: str = "Sitat") -> "Project":
        """A new project: a file at `path`, or Sitat's schema in the empty database a
        PostgreSQL URL names."""
        if is_server_url(path):
            from app.core.server.connect import create_project

            location = ServerLocation.parse(path)
            return cls(location, create_project(location, _init_schema, title),
                       read_only=False)
        path = Path(path)
        if os.path.lexists(path):
            raise ProjectError(
                _("{name} already exists; choose another file name.").format(name=path.name)
            )
        _refuse_linked_companions(path)
        if not path.parent.is_dir():
            raise ProjectError(
                _("The folder {folder} does not exist.").format(folder=str(path.parent))
            )
        from app.core import locking

        locking.acquire(path, program)
        engine = _make_engine(path, read_only=False)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                _init_schema(conn, title or path.stem)
        except (OSError, DBAPIError) as exc:
            engine.dispose()
            locking.release(path)
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                p.unlink(missing_ok=True)
            if disk_full(path.parent):
                raise _full_error(path) from exc
            raise ProjectError(
                _("Could not create {name}: {reason}").format(name=path.name, reason=exc)
            ) from exc
        return cls(path, engine, read_only=False)

    @classmethod
    def open(cls, path: str | os.PathLike, read_only: bool = False,
             program: str = "Sitat") -> "Project":
        """Open a project. For writing, the project is locked for this program until close();
        a second writer gets a message naming who has it (see app.core.locking).
        A PostgreSQL URL opens a shared project: no lock file, as many writers as connect,
        their actions applied one after another (see write())."""
        if is_server_url(path):
            from app.core.server.connect import open_project

            location = ServerLocation.parse(path)
            engine = open_project(location, read_only, known_revisions(), schema_head(),
                                  lambda conn: command_upgrade(conn))
            try:
                return cls(location, engine, read_only=read_only)
            except BaseException:
                engine.dispose()
                raise
        path = Path(path)
        if not path.exists():
            raise ProjectError(_("The project file {name} does not exist.").format(name=path.name))
        if path.is_dir():
            raise ProjectError(_("{name} is a folder, not a project file.").format(name=path.name))
        from app.core.files.reading import open_regular

        try:
            with open_regular(path, ProjectError) as fh:  # a pipe or device is refused, not read
                head = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise ProjectError(
                _("Cannot read {name}: {reason}").format(name=path.name, reason=exc.strerror)
            ) from exc
        if head != SQLITE_MAGIC:
            raise ProjectError(
                _("{name} is not a Sitat project (it is not a project database).").format(
                    name=path.name
                )
            )
        from app.core.files.leftovers import clean_folder

        clean_folder(path.parent)  # temporary files a killed Sitat left beside the project
        _refuse_linked_companions(path)  # SQLite (readers too) would write through them
        app_id, revision, has_project, immutable = _inspect(path)
        if app_id != APPLICATION_ID or not has_project:
            raise ProjectError(
                _("{name} is a database from another program, not a Sitat project.").format(
                    name=path.name
                )
            )
        if revision not in known_revisions():
            raise ProjectError(
                _(
                    "{name} was saved by a newer version of Sitat (schema {revision}). "
                    "Update Sitat to open it."
                ).format(name=path.name, revision=revision)
            )
        if not read_only and not os.access(path, os.W_OK):
            raise ProjectReadOnly(
                _("{name} is read-only; open it read-only or check its permissions.").format(
                    name=path.name
                )
            )
        if not read_only and os.access(path.parent, os.W_OK) and immutable:
            raise _full_error(path)  # the folder is writable, yet SQLite could not share
        if not read_only and not os.access(path.parent, os.W_OK):
            raise ProjectReadOnly(
                _("{name} is in a folder that cannot be written to, so it can only be opened "
                  "read-only (copy it to a folder of your own to change it).").format(
                    name=path.name)
            )
        from app.core import locking

        if not read_only:
            locking.acquire(path, program)
        engine = None
        try:
            engine = _make_engine(path, read_only=read_only, immutable=immutable)
            if revision != schema_head():
                if read_only:
                    engine.dispose()
                    raise ProjectError(
                        _("{name} uses an older file format and must be opened for writing "
                          "once to be upgraded.").format(name=path.name)
                    )
                cls._upgrade(engine)
            return cls(path, engine, read_only=read_only)
        except DBAPIError as exc:
            if engine is not None:
                engine.dispose()
            if not read_only:
                locking.release(path)
            if disk_full(path.parent):
                raise _full_error(path) from exc
            raise ProjectError(_("Cannot open {name}: {reason}").format(
                name=path.name, reason=getattr(exc, "orig", exc))) from exc
        except BaseException:
            if not read_only:
                locking.release(path)
            raise

    @staticmethod
    def needs_upgrade(path: str | os.PathLike) -> bool:
        """True for a Sitat project written by an older (known) schema."""
        if is_server_url(path):
            from app.core.server.connect import needs_upgrade

            return needs_upgrade(ServerLocation.parse(path), known_revisions(), schema_head())
        path = Path(path)
        try:
            app_id, revision, has_project = _inspect_file(path)
        except ProjectError:
            return False
        return (app_id == APPLICATION_ID and has_project and revision in known_revisions()
                and revision != schema_head())

    @staticmethod
    def _upgrade(engine: Engine) -> None:
        token = _begin_mode.set("IMMEDIATE")
        try:
            with engine.begin() as conn:
                command_upgrade(conn)
        finally:
            _begin_mode.reset(token)

    def close(self) -> None:
        """Close the project: a writable one first moves its write-ahead log into the file
        (so the .sitat file alone holds everything), every connection still open is closed,
        and SQLite removes its -wal and -shm files; then the lock is released. A shared
        project has no write-ahead log of ours and no lock file: its connections are closed."""
        if self.shared:
            self._released = True
        if not self.read_only and not getattr(self, "_released", False):
            self._checkpoint()
        for record in list(getattr(self.engine, "sitat_connections", ())):
            try:  # one a view or a forgotten session still held: closed, and marked so its
                record.invalidate()  # holder gets a clear error instead of a reset later
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
        self.engine.dispose()
        if not self.read_only and not getattr(self, "_released", False):
            from app.core import locking

            self._released = True
            locking.release(self.path)

    def _checkpoint(self) -> None:
        try:
            raw = self.engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        except DBAPIError:
            pass  # another program reads it right now: the next close or open finishes it

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        with Session(self.engine, expire_on_commit=False, autoflush=False) as s:
            try:
                yield s
            finally:
                s.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One user action: everything inside commits together, or nothing does."""
        if self.read_only:
            raise ProjectError(
                _("{name} is open read-only; changes are not possible.").format(name=self.path.name)
            )
        token = _begin_mode.set("IMMEDIATE")
        try:
            with Session(self.engine, expire_on_commit=False, autoflush=True) as s:
                try:
                    s.connection()  # BEGIN IMMEDIATE now: take the write lock up front
                    if self.shared:  # PostgreSQL: the project row's lock instead
                        from app.core.server.connect import lock_for_write

                        lock_for_write(s)
                except OperationalError as exc:
                    raise _locked_error(self.path, exc) from exc
                try:
                    yield s
                    s.execute(text("UPDATE project SET revision = revision + 1"))
                    own = s.execute(text("SELECT revision FROM project")).scalar() \
                        if self.shared else None
                    s.commit()
                    if own is not None:  # live updates skip what this connection wrote
                        self.own_revisions.add(int(own))
                except BaseException as exc:
                    s.rollback()
                    if isinstance(exc, DBAPIError) and not self.shared \
                            and disk_full(self.path.parent):
                        raise _full_error(self.path) from exc
                    raise
        except Exception as exc:
            if self.shared:  # refused by the user's role (app.core.server.roles): say which rule
                from app.core.server.denied import denied_error

                denied = denied_error(self, exc)
                if denied is not None:
                    raise denied from exc
            raise
        finally:
            _begin_mode.reset(token)

    def revision(self) -> int:
        with self.read() as s:
            return int(s.execute(text("SELECT revision FROM project")).scalar_one())

    def summary(self) -> ProjectSummary:
        with self.read() as s:
            row = s.execute(
                text(
                    "SELECT (SELECT COUNT(*) FROM document), "
                    "(SELECT COALESCE(SUM(length), 0) FROM document), "
                    "(SELECT COUNT(*) FROM code), (SELECT COUNT(*) FROM coder), "
                    "(SELECT COUNT(*) FROM coding)"
                )
            ).one()
        return ProjectSummary(self.id, self.title, *[int(v) for v in row])


def _locked_error(path: Path, exc: Exception) -> ProjectError:
    from app.core.server.connect import is_lock_timeout

    if "locked" in str(exc).lower() or "busy" in str(exc).lower() or is_lock_timeout(exc):
        return ProjectError(
            _("{name} is being changed by another program right now; try again shortly.").format(
                name=path.name
            )
        )
    return ProjectError(_("Cannot write to {name}: {reason}").format(name=path.name, reason=exc))


def command_upgrade(conn) -> None:
    """Run the migrations up to the newest schema on `conn` (inside its transaction)."""
    from alembic import command

    command.upgrade(_alembic_config(conn), "head")


def _new_id() -> str:
    from app.models import new_guid

    return new_guid()


def _now():
    from app.models import utcnow

    return utcnow()

"""Connecting to a shared project: the engine (psycopg 3, pooled), what a database holds
(schema revision, Sitat's tables), making the schema in an empty database and upgrading it -
the same Alembic migrations as a project file, one upgrader at a time."""

from __future__ import annotations

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from app.core.server.location import ServerLocation, connect_options
from app.errors import ProjectError
from app.i18n import _

# pg_advisory_xact_lock key taken while the schema is made or upgraded ("SITA" in ASCII, as
# a project file's application_id): two people opening an old project at once upgrade it once.
SCHEMA_LOCK = 0x53495441
# SQLSTATE of "lock_timeout reached": another action holds what this one must change
LOCK_TIMEOUT = "55P03"
# A write holds the project row's lock (lock_for_write) until it ends. A Sitat killed inside
# one frees it at once (the server sees the socket close: the load test measures a few ms);
# one that hangs, sleeps or loses its network mid-action would hold it - and make everyone
# else's actions fail after lock_timeout - until the server's TCP keepalive gives up (two
# hours by default). The server ends a transaction idle this long instead. No action of
# Sitat's pauses that long between two statements.
IDLE_IN_TRANSACTION_MS = 60_000


def make_engine(location: ServerLocation, read_only: bool) -> Engine:
    url, args = connect_options(location.url, read_only)
    # first, so an `options` setting of the project URL still wins
    args["options"] = (f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS} "
                       + args["options"])
    # A small pool: a connection costs a server process, and an action runs one at a time.
    engine = create_engine(url, connect_args=args, pool_size=2, max_overflow=8,
                           pool_pre_ping=True)
    engine.sitat_connections = set()  # pool records still open: closed by Project.close

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_conn, record):
        engine.sitat_connections.discard(record)

    @event.listens_for(engine, "connect")
    def _on_connect(_dbapi_conn, record):
        engine.sitat_connections.add(record)

    return engine


def lock_for_write(session) -> None:
    """Take the project row's lock at the start of an action (as BEGIN IMMEDIATE takes a
    project file's write lock): actions are applied one after another, never interleaved, so
    no action can deadlock with another or see half of one."""
    session.execute(text("SELECT revision FROM project FOR UPDATE"))


def is_lock_timeout(exc: BaseException) -> bool:
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == LOCK_TIMEOUT


def _contents(conn: Connection) -> tuple[str | None, bool, set[str]]:
    """(alembic revision or None, has the project table, every table) of the database."""
    tables = set(inspect(conn).get_table_names())
    revision = None
    if "alembic_version" in tables:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return revision, "project" in tables, tables


def _unreachable(location: ServerLocation, exc: DBAPIError) -> ProjectError:
    reason = str(getattr(exc, "orig", exc)).strip()
    return ProjectError(_("Cannot open {name} on the server: {reason}").format(
        name=location.name, reason=reason))


def claim_empty(conn: Connection, location: ServerLocation) -> None:
    """Hold the schema lock for this transaction and refuse a database that holds any table
    (a project already, or another program's data): a new or published project needs an
    empty database of its own."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
    _revision, has_project, tables = _contents(conn)
    if tables:
        raise ProjectError(
            (_("{name} already holds a Sitat project.") if has_project else
             _("{name} is not an empty database; a shared project needs a database of "
               "its own (createdb).")).format(name=location.name))


def create_project(location: ServerLocation, init_schema, title: str) -> Engine:
    """Make Sitat's schema in an empty database; `init_schema(conn, title)` runs the
    migrations and writes the project row (as for a new file). Returns the engine."""
    engine = make_engine(location, read_only=False)
    try:
        with engine.begin() as conn:
            claim_empty(conn, location)
            init_schema(conn, title or location.name)
    except DBAPIError as exc:
        engine.dispose()
        raise ProjectError(_("Could not create {name}: {reason}").format(
            name=location.name, reason=str(getattr(exc, "orig", exc)).strip())) from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def open_project(location: ServerLocation, read_only: bool, known: set[str], head: str,
                 upgrade) -> Engine:
    """The engine of an existing shared project, upgraded to `head` first when it is older
    (`upgrade(conn)` runs the migrations; a reader is refused then)."""
    engine = make_engine(location, read_only=read_only)
    try:
        with engine.connect() as conn:
            revision, has_project, tables = _contents(conn)
        if not tables:
            raise ProjectError(_("{name} is an empty database; make a shared project in it "
                                 "with `sitat new`.").format(name=location.name))
        if not has_project or revision is None:
            raise ProjectError(_("{name} is a database from another program, not a Sitat "
                                 "project.").format(name=location.name))
        if revision not in known:
            raise ProjectError(_("{name} was saved by a newer version of Sitat (schema "
                                 "{revision}). Update Sitat to open it.").format(
                                     name=location.name, revision=revision))
        if revision != head:
            if read_only:
                raise ProjectError(_("{name} uses an older version of Sitat's schema and "
                                     "must be opened for writing once to be upgraded.").format(
                                         name=location.name))
            with engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
                upgrade(conn)  # Alembic reads the revision again, under the lock
    except DBAPIError as exc:
        engine.dispose()
        raise _unreachable(location, exc) from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def needs_upgrade(location: ServerLocation, known: set[str], head: str) -> bool:
    engine = make_engine(location, read_only=True)
    try:
        with engine.connect() as conn:
            revision, has_project, _tables = _contents(conn)
    except DBAPIError:
        return False
    finally:
        engine.dispose()
    return has_project and revision in known and revision != head

"""Following a shared project while others change it: which revisions were someone else's, and
whether an error means the server went away (rather than a refused action)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from app.core.server.connect import is_lock_timeout

# SQLSTATE classes of a lost or refused connection: 08 connection exception, 57P admin
# shutdown / crash / cannot connect now, 53300 too many connections
_DISCONNECT_STATES = ("08", "57P", "53300")


def others_changed(seen: int, now: int, own: set[int]) -> bool:
    """True when a revision in (seen, now] was written by someone else (not in `own`, the
    revisions this program's own actions wrote). The revision only grows; a smaller `now`
    (the project was replaced by a restore) counts as a change too."""
    if now == seen:
        return False
    if now < seen:
        return True
    return any(r not in own for r in range(seen + 1, now + 1))


def is_disconnect(exc: BaseException | None) -> bool:
    """Does this error (or one it came from) say the server cannot be reached or the
    connection broke? A lock timeout or a refused statement does not."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DBAPIError):
            if exc.connection_invalidated:
                return True
            if is_lock_timeout(exc):
                return False
            exc = exc.orig
            continue
        try:
            import psycopg
        except ImportError:  # pragma: no cover - psycopg ships with Sitat
            psycopg = None
        if psycopg is not None and isinstance(exc, psycopg.Error):
            state = getattr(exc, "sqlstate", None) or ""
            if isinstance(exc, psycopg.OperationalError) and not state:
                return True  # no server answer at all: refused, closed, timed out
            return state.startswith(_DISCONNECT_STATES)
        exc = exc.__cause__ or exc.__context__
    return False

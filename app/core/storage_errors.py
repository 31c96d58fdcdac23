"""What to tell a user when the database itself fails (a full disk, an unreadable file, a lost
connection to the server): the front ends ask here instead of knowing the database libraries'
exception types (sqlite3 for a project file, psycopg for a shared project)."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError

from app.i18n import _

try:  # a dependency, but a project file must not need it
    import psycopg
except ImportError:  # pragma: no cover
    psycopg = None

# What reading or writing a project can raise besides SitatError (the drivers' own errors come
# through where Sitat uses a driver's connection directly, as merging does).
STORAGE_ERRORS = (sqlite3.Error, DBAPIError, OSError) + ((psycopg.Error,) if psycopg else ())

# SQLSTATE classes and codes of PostgreSQL (see its "Error Codes" appendix)
_LOST = ("08", "57P01", "57P02", "57P03")  # connection exceptions, the server shut down
_FULL = ("53100", "53200")  # disk full, out of memory
_DENIED = ("42501", "28")  # insufficient privilege, invalid authorisation


def _driver_error(exc: BaseException) -> BaseException | None:
    if isinstance(exc, DBAPIError):
        return exc.orig if exc.orig is not None else exc
    if isinstance(exc, sqlite3.Error) or (psycopg is not None and isinstance(exc, psycopg.Error)):
        return exc
    return None


def storage_failure(exc: BaseException) -> str | None:
    """The message for a failure of the database under a project, or None when `exc` is not
    one (then it is a bug and should be seen as one)."""
    orig = _driver_error(exc)
    if orig is None:
        return None
    reason = str(orig).strip()
    if psycopg is not None and isinstance(orig, psycopg.Error):
        return _server_failure(exc, orig, reason)
    if "disk" in reason or "full" in reason:
        return _full(reason)
    if "readonly" in reason or "permission" in reason.lower():
        return _denied(reason)
    return _("The project file could not be read or written: {reason}").format(reason=reason)


def _server_failure(exc: BaseException, orig, reason: str) -> str:
    state = getattr(orig, "sqlstate", None) or ""
    closed = getattr(getattr(orig, "pgconn", None), "status", None)
    if state.startswith(_LOST) or getattr(exc, "connection_invalidated", False) or (
            not state and isinstance(orig, psycopg.OperationalError)) or closed == 1:
        return _("The connection to the server was lost ({reason}); the last action was not "
                 "saved. Check the network and open the project again.").format(reason=reason)
    if state.startswith(_FULL):
        return _full(reason)
    if state.startswith(_DENIED):
        return _denied(reason)
    return _("The shared project could not be read or written: {reason}").format(reason=reason)


def _full(reason: str) -> str:
    return _("The disk is full or cannot be written to ({reason}); the project was not "
             "changed.").format(reason=reason)


def _denied(reason: str) -> str:
    return _("Permission denied ({reason}); the project was not changed. Ask whoever manages "
             "the project for access.").format(reason=reason)

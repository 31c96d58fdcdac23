"""What to tell a user when the database itself fails (a full disk, an unreadable file): the
front ends ask here instead of knowing the database library's exception types."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError

from app.i18n import _

# What reading or writing the project file can raise besides SitatError.
STORAGE_ERRORS = (sqlite3.Error, DBAPIError, OSError)


def storage_failure(exc: BaseException) -> str | None:
    """The message for a failure of the database under a project, or None when `exc` is not
    one (then it is a bug and should be seen as one)."""
    if not isinstance(exc, DBAPIError):
        return None
    reason = str(exc.orig)
    if "disk" in reason or "full" in reason:
        return _("The disk is full or cannot be written to ({reason}); the project was not "
                 "changed.").format(reason=reason)
    return _("The project file could not be read or written: {reason}").format(reason=exc.orig)

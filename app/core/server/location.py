"""Where a shared project lives: a PostgreSQL URL parsed into a location that stands in for a
project file's path (its `name` in messages; no folder). The password, when a URL holds one,
is used to connect and never kept in what is shown or stored."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from app.errors import ProjectError
from app.i18n import _

_SCHEME = re.compile(r"^postgres(?:ql)?(?:\+psycopg)?://", re.IGNORECASE)


def is_server_url(target: object) -> bool:
    """True for a PostgreSQL project URL (or an already parsed location), False for a path."""
    if isinstance(target, ServerLocation):
        return True
    return isinstance(target, str) and _SCHEME.match(target) is not None


@dataclass(frozen=True)
class ServerLocation:
    """A parsed project URL. `str()` is the URL without its password."""

    url: URL = field(repr=False)  # the psycopg URL, password included when one was given

    @classmethod
    def parse(cls, target: "str | ServerLocation") -> "ServerLocation":
        if isinstance(target, ServerLocation):
            return target
        try:
            url = make_url(_SCHEME.sub("postgresql+psycopg://", target, count=1))
        except ArgumentError as exc:
            raise ProjectError(_("{url} is not a valid project address ({reason}).").format(
                url=target, reason=exc)) from exc
        if not url.database:
            raise ProjectError(_("{url} names no database: a shared project's address ends "
                                 "with the database, as in postgresql://user@host/database.")
                               .format(url=_shown(url)))
        return cls(url)

    @property
    def name(self) -> str:
        """What messages call the project: the database's name."""
        return self.url.database or ""

    @property
    def stem(self) -> str:
        return self.name

    @property
    def parent(self):
        """A shared project has no folder: whatever needs one (backups beside the project,
        leftover files) is for a project file only."""
        raise ProjectError(_("{name} is a shared project on a server; this works only on a "
                             "project file (.sitat).").format(name=self.name))

    def __str__(self) -> str:
        return _shown(self.url)

    def __fspath__(self) -> str:  # open(location) must not quietly make a local file
        raise ProjectError(_("{name} is a shared project on a server; this works only on a "
                             "project file (.sitat).").format(name=self.name))


def _shown(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=True) \
        .replace(":***@", "@")


def connect_options(url: URL, read_only: bool) -> tuple[URL, dict]:
    """The URL (without `options`) and psycopg's connect arguments: UTC for timestamps, a
    5 s wait for a lock (as SQLite's busy timeout), read-only transactions for a reader, the
    program's name for the administrator's view; `options` of the URL kept and added to."""
    query = dict(url.query)
    own = "-c TimeZone=UTC -c lock_timeout=5000"
    if read_only:
        own += " -c default_transaction_read_only=on"
    given = query.pop("options", "")
    if isinstance(given, tuple):
        given = " ".join(given)
    args: dict = {"options": f"{given} {own}".strip()}
    if "application_name" not in query and "PGAPPNAME" not in os.environ:
        args["application_name"] = "Sitat"
    if "connect_timeout" not in query and "PGCONNECT_TIMEOUT" not in os.environ:
        args["connect_timeout"] = 10
    return url.set(query=query), args

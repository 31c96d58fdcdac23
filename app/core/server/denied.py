"""What to tell a team member whom PostgreSQL refused (insufficient privilege, or a row that
row-level security does not allow): the rule of their role that forbids it, in their language,
instead of the server's "permission denied for table code". See app.core.server.roles."""

from __future__ import annotations

import re

from app.core.server.roles import CODEBOOK_TABLES
from app.errors import NotPermitted
from app.i18n import _

INSUFFICIENT_PRIVILEGE = "42501"  # also what a row refused by a policy raises

_WRITTEN = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)
_READ = re.compile(r"\bFROM\s+\"?(\w+)", re.IGNORECASE)
_NAMED = re.compile(r"\"(\w+)\"|\b(?:table|tabell)\s+(\w+)", re.IGNORECASE)


def _driver_error(exc: BaseException):
    orig = getattr(exc, "orig", None)
    return orig if orig is not None else exc


def is_denied(exc: BaseException) -> bool:
    return getattr(_driver_error(exc), "sqlstate", None) == INSUFFICIENT_PRIVILEGE


def refused_table(exc: BaseException) -> str | None:
    """The table the refused statement wrote (or read): from Sitat's own SQL when known (the
    server's message may be in another language), else from the server's diagnostics."""
    statement = getattr(exc, "statement", None) or ""
    found = _WRITTEN.match(statement) or _READ.search(statement)
    if found:
        return found.group(1).lower()
    orig = _driver_error(exc)
    table = getattr(getattr(orig, "diag", None), "table_name", None)
    if table:
        return table
    named = _NAMED.search(str(orig))
    return (named.group(1) or named.group(2)).lower() if named else None


def denied_error(project, exc: BaseException) -> NotPermitted | None:
    """The message for `exc` when PostgreSQL refused it for lack of a right in the open shared
    `project`; None for any other error."""
    if not getattr(project, "shared", False) or not is_denied(exc):
        return None
    from app.core.server.members import whoami_in

    try:
        with project.read() as s:
            who = whoami_in(s)
    except Exception:  # noqa: BLE001 - the refusal itself is still worth saying
        who = None
    reason = str(_driver_error(exc)).strip()
    return NotPermitted(message(who, refused_table(exc), project.path.name, reason))


def message(who, table: str | None, name: str, reason: str) -> str:
    role = who.role if who is not None else None
    if role == "reader":
        return _("You are a reader in this project: you can read it, but not change it.")
    if role == "coder":
        if table in CODEBOOK_TABLES:
            return _("You are a coder in this project: the codebook can only be changed by a "
                     "lead.")
        if table == "coding" and who.coder:
            return _("You are a coder in this project: you can add and change only your own "
                     "codings, as {coder}.").format(coder=who.coder)
        if table == "coding":
            return _("You are a coder in this project, but your login is not linked to a "
                     "coder; ask the project's administrator to link it (sitat server grant "
                     "--coder).")
        return _("You are a coder in this project: you can add and change your codings, but "
                 "this change can only be made by a lead.")
    if role == "lead":
        if table == "coding":
            return _("You are a lead in this project: while a round is open, the codings of "
                     "its coders on its documents are theirs alone; close the round first.")
        return _("You are a lead in this project: this can only be done by the owner of the "
                 "project's database ({reason}).").format(reason=reason)
    if who is not None and role is None:
        return _("Your login {login} has no role in {name}; ask the project's administrator "
                 "for one (sitat server grant).").format(login=who.login, name=name)
    return _("Permission denied ({reason}); the project was not changed. Ask whoever manages "
             "the project for access.").format(reason=reason)

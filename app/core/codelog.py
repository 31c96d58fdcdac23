"""The log of code operations (who changed which code, how and when), for codebook rounds.

Core code operations call `record` in the same transaction as the change. Who acted is set
once by the caller (the GUI's coder, the CLI's --as or the system user) with `acting_as`.
"""

from __future__ import annotations

import contextvars
import getpass
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CodeEvent

OPERATIONS = ("create", "rename", "move", "merge", "split", "definition", "delete", "import",
              "undo", "redo")
_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("sitat_actor", default=None)


def current_actor() -> str:
    name = _actor.get()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this system
        return ""


@contextmanager
def acting_as(name: str | None) -> Iterator[None]:
    token = _actor.set(name.strip() if name else None)
    try:
        yield
    finally:
        _actor.reset(token)


def set_actor(name: str | None) -> None:
    """For long-lived callers (the GUI): who acts from now on in this context."""
    _actor.set(name.strip() if name else None)


def record(s: Session, operation: str, code_guid: str, path: str, **details) -> None:
    s.add(CodeEvent(operation=operation, code_guid=code_guid, path=path,
                    actor=current_actor(), details=json.dumps(details, ensure_ascii=False)))


@dataclass(frozen=True)
class Event:
    at: datetime
    actor: str
    operation: str
    code_guid: str
    path: str
    details: dict

    def as_json(self) -> dict:
        return {"at": self.at.isoformat(timespec="seconds"), "actor": self.actor,
                "operation": self.operation, "code_guid": self.code_guid, "path": self.path,
                "details": self.details}


def events(s: Session, since: datetime | None = None, until: datetime | None = None) -> list[Event]:
    q = select(CodeEvent).order_by(CodeEvent.at, CodeEvent.id)
    if since is not None:
        q = q.where(CodeEvent.at >= since)
    if until is not None:
        q = q.where(CodeEvent.at <= until)
    return [Event(e.at, e.actor, e.operation, e.code_guid, e.path, json.loads(e.details or "{}"))
            for e in s.scalars(q)]

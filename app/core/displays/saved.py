"""Matrix displays saved by name in the project: their specification (rows, columns, cell kind,
filters), so a report writer can reopen the same display later."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.lookup import suggestion
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models import SavedDisplay

SPEC_KEYS = ("rows", "cols", "cell", "coders", "where", "codes", "round", "level", "roll_up")


def save_display(s: Session, name: str, spec: dict, replace: bool = False) -> None:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A saved display needs a name."))
    clean = {k: spec.get(k) for k in SPEC_KEYS if spec.get(k) not in (None, [], {})}
    row = s.scalar(select(SavedDisplay).where(SavedDisplay.name == name))
    if row is not None and not replace:
        raise InvalidInput(_("There is already a display named {name}.").format(name=name))
    if row is None:
        row = SavedDisplay(name=name)
        s.add(row)
    row.spec = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    s.flush()


def saved_displays(s: Session) -> list[tuple[str, dict]]:
    return [(r.name, json.loads(r.spec)) for r in
            s.scalars(select(SavedDisplay).order_by(SavedDisplay.name))]


def load_display(s: Session, name: str) -> dict:
    row = s.scalar(select(SavedDisplay).where(SavedDisplay.name == name))
    if row is None:
        names = [n for n, _spec in saved_displays(s)]
        raise NotFound(_("There is no saved display named {name}.").format(name=name)
                       + suggestion(name, names))
    return json.loads(row.spec)


def delete_display(s: Session, name: str) -> None:
    row = s.scalar(select(SavedDisplay).where(SavedDisplay.name == name))
    if row is None:
        raise NotFound(_("There is no saved display named {name}.").format(name=name))
    s.delete(row)
    s.flush()

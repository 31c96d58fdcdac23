"""Find documents and coders by the names users type, with helpful 'did you mean' messages."""

from __future__ import annotations

import difflib

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.i18n import _
from app.models import Coder, Document


def suggestion(name: str, candidates: list[str]) -> str:
    """' Did you mean: a, b?' or '' - appended to not-found messages."""
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
    if not close:
        return ""
    return " " + _("Did you mean: {names}?").format(names=", ".join(close))


def get_document(s: Session, name: str) -> Document:
    doc = s.scalar(select(Document).where(Document.name == name))
    if doc is None:
        names = list(s.scalars(select(Document.name)))
        raise NotFound(
            _("There is no document named {name} in the project.").format(name=name)
            + suggestion(name, names)
        )
    return doc


def get_coder(s: Session, name: str) -> Coder:
    coder = s.scalar(select(Coder).where(Coder.name == name))
    if coder is None:
        names = list(s.scalars(select(Coder.name)))
        raise NotFound(
            _("There is no coder named {name} in the project.").format(name=name)
            + suggestion(name, names)
        )
    return coder

"""Find documents and coders by the names users type, with helpful 'did you mean' messages.

Names are compared in NFC, so "Åse" typed as A + combining ring finds the stored "Åse" (and a
name stored decomposed, from a file name on a Mac, is found however it is typed)."""

from __future__ import annotations

import difflib
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.i18n import _
from app.models import Coder, Document


def nfc(text: str) -> str:
    """`text` in NFC, the form Sitat stores transcripts in (cheap when it already is)."""
    if not text or text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def suggestion(name: str, candidates: list[str]) -> str:
    """' Did you mean: a, b?' or '' - appended to not-found messages."""
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
    if not close:
        return ""
    return " " + _("Did you mean: {names}?").format(names=", ".join(close))


def _by_name(s: Session, model, name: str):
    """The row of `model` named `name`, exactly or else by NFC form; None if there is none."""
    found = s.scalar(select(model).where(model.name == name))
    if found is None and not name.isascii():
        wanted = nfc(name)
        found = s.scalar(select(model).where(model.name == wanted))
        if found is None:
            ids = [i for i, n in s.execute(select(model.id, model.name))
                   if not n.isascii() and nfc(n) == wanted]
            found = s.get(model, ids[0]) if len(ids) == 1 else None
    return found


def get_document(s: Session, name: str) -> Document:
    doc = _by_name(s, Document, name)
    if doc is None:
        names = list(s.scalars(select(Document.name)))
        raise NotFound(
            _("There is no document named {name} in the project.").format(name=name)
            + suggestion(name, names)
        )
    return doc


def get_coder(s: Session, name: str) -> Coder:
    coder = _by_name(s, Coder, name)
    if coder is None:
        names = list(s.scalars(select(Coder.name)))
        raise NotFound(
            _("There is no coder named {name} in the project.").format(name=name)
            + suggestion(name, names)
        )
    return coder

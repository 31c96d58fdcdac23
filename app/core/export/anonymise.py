"""Anonymised exports: documents numbered by name ("Interview 3"), coders lettered ("Coder B"),
named speakers called "Participant" (role labels such as Moderator or Deltaker 3 name nobody
and stay), and the project's sensitive terms replaced by their pseudonyms in quotes."""

from __future__ import annotations

import re
import string

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.importing.speakers import ROLES
from app.i18n import _
from app.models import Coder, Document

_GENERIC_SPEAKER = re.compile(
    rf"(?:{'|'.join(ROLES)}|interviewer|participant)(?:[ \t]?\d{{1,3}})?"
    r"|[^\W\d_]{1,3}[ \t]?\d{1,3}", re.IGNORECASE)


def is_generic_speaker(label: str) -> bool:
    """Role labels (Moderator, Intervjuer, Informant, Deltaker 3, I, D1 ...) name nobody."""
    return bool(_GENERIC_SPEAKER.fullmatch(label.strip()))


def _letters(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA ..."""
    out = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        out = string.ascii_uppercase[rem] + out
    return out


class Anonymiser:
    """Stable replacements for one project: documents numbered by name ("Interview 3"),
    coders lettered by name ("Coder B"), named speakers as "Participant"; off, it changes
    nothing."""

    def __init__(self, s: Session, enabled: bool):
        self.enabled = enabled
        self.documents: dict[str, str] = {}
        self.coders: dict[str, str] = {}
        if enabled:
            def key(n: str):
                return n.casefold(), n

            names = sorted(s.scalars(select(Document.name)), key=key)
            self.documents = {n: _("Interview {n}").format(n=i) for i, n in
                              enumerate(names, start=1)}
            coders = sorted(s.scalars(select(Coder.name)), key=key)
            self.coders = {n: _("Coder {letter}").format(letter=_letters(i)) for i, n in
                           enumerate(coders)}
        self.participant = _("Participant")
        self.terms = []
        if enabled:  # the project's sensitive terms become their pseudonyms in the quotes
            from app.core.privacy.terms import terms

            self.terms = terms(s)

    def text(self, quote: str) -> str:
        if not self.terms:
            return quote
        from app.core.privacy.replace import pseudonymise_text

        return pseudonymise_text(quote, self.terms)[0]

    def document(self, name: str) -> str:
        return self.documents.get(name, name)

    def coder(self, name: str) -> str:
        return self.coders.get(name, name)

    def speaker(self, label: str) -> str:
        if not self.enabled or not label or is_generic_speaker(label):
            return label
        return self.participant

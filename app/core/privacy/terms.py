"""The project's sensitive terms and their pseudonyms (table `pseudonym`, app.models.privacy).

Default pseudonyms are Norwegian and numbered per kind: "[Navn 1]", "[Sted 2]",
"[Institusjon 3]". They are part of the transcript text, so they are not translated.
Numbers are never reused: a new default number is higher than any number of that kind in
the list and in any document's text (pseudonyms already written by an earlier apply).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models import Pseudonym

KINDS = ("name", "place", "institution")
LABELS = {"name": "Navn", "place": "Sted", "institution": "Institusjon"}
MAX_TERM = 200

pseudonym_table = Pseudonym.__table__


@dataclass(frozen=True)
class Term:
    """A sensitive term and what replaces it."""

    term: str
    pseudonym: str
    kind: str = "name"

    def as_json(self) -> dict:
        return {"term": self.term, "pseudonym": self.pseudonym, "kind": self.kind}


def terms(s: Session) -> list[Term]:
    """Every listed term, longest first then alphabetical (the order replacement uses)."""
    t = pseudonym_table.c
    rows = s.execute(select(t.term, t.pseudonym, t.kind)).all()
    out = [Term(term, pseud, kind) for term, pseud, kind in rows]
    out.sort(key=lambda x: (-len(x.term), x.term))
    return out


def _clean(value: str) -> str:
    return " ".join((value or "").split())


def _next_number(s: Session, kind: str) -> int:
    """One more than the highest default number of this kind in the list or in any text."""
    label = LABELS[kind]
    pattern = re.compile(r"\[" + label + r" (\d+)\]")
    highest = 0
    for (pseud,) in s.execute(select(pseudonym_table.c.pseudonym)):
        m = pattern.fullmatch(pseud)
        if m:
            highest = max(highest, int(m.group(1)))
    from app.models import Document

    needle = f"%[{label} %"
    for (body,) in s.execute(select(Document.text).where(Document.text.like(needle))):
        for m in pattern.finditer(body):
            highest = max(highest, int(m.group(1)))
    return highest + 1


def add_term(s: Session, term: str, pseudonym: str | None = None, kind: str = "name") -> Term:
    """List a sensitive term; without a pseudonym the next default of its kind is used."""
    term = _clean(term)
    if kind not in KINDS:
        raise InvalidInput(_("The kind must be one of: {kinds}.").format(kinds=", ".join(KINDS)))
    if not term or len(term) > MAX_TERM:
        raise InvalidInput(_("The term must be 1 to {max} characters.").format(max=MAX_TERM))
    if not any(ch.isalnum() for ch in term):
        raise InvalidInput(_("The term {term} has no letters or digits.").format(term=term))
    if term.lower() in {label.lower() for label in LABELS.values()}:
        raise InvalidInput(
            _("{term} is part of the default pseudonyms and cannot be a term.").format(term=term))
    existing = {t.term: t for t in terms(s)}
    if term in existing:
        raise InvalidInput(
            _("{term} is already listed, replaced by {pseudonym}.").format(
                term=term, pseudonym=existing[term].pseudonym))
    if pseudonym is None:
        pseudonym = f"[{LABELS[kind]} {_next_number(s, kind)}]"
    pseudonym = _clean(pseudonym)
    if not pseudonym or len(pseudonym) > MAX_TERM:
        raise InvalidInput(
            _("The pseudonym must be 1 to {max} characters.").format(max=MAX_TERM))
    if pseudonym == term:
        raise InvalidInput(_("The pseudonym must differ from the term."))
    if pseudonym in existing:
        raise InvalidInput(
            _("{pseudonym} is itself listed as a sensitive term; choose another pseudonym.")
            .format(pseudonym=pseudonym))
    s.execute(pseudonym_table.insert().values(term=term, pseudonym=pseudonym, kind=kind))
    return Term(term, pseudonym, kind)


def remove_term(s: Session, term: str) -> Term:
    """Take a term off the list; returns what was removed."""
    term = _clean(term)
    found = [t for t in terms(s) if t.term == term]
    if not found:
        raise NotFound(_("{term} is not in the list of sensitive terms.").format(term=term))
    s.execute(delete(pseudonym_table).where(pseudonym_table.c.term == term))
    return found[0]


def clear_terms(s: Session) -> int:
    """Remove every term (after they were applied); returns how many there were."""
    return s.execute(delete(pseudonym_table)).rowcount or 0

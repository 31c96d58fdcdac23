"""The project's sensitive terms and their pseudonyms (table `pseudonym`, app.models.privacy).

Default pseudonyms are Norwegian and numbered per kind: "[Navn 1]", "[Sted 2]",
"[Institusjon 3]". They are part of the transcript text, so they are not translated.
Numbers are never reused: a new default number is higher than any number of that kind in
the list and in any document's text (pseudonyms already written by an earlier apply).

Terms and pseudonyms are kept in NFC, as the transcripts are, so a name typed with a combining
accent ("A" + ring) still finds "Åse". Control characters are refused in both; a pseudonym
stored with one before that rule is read without it, so no export carries it.
"""

from __future__ import annotations

import re
import unicodedata
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
    """Every listed term, longest first then alphabetical (the order replacement uses); terms
    in NFC and pseudonyms without control characters, also when stored otherwise."""
    t = pseudonym_table.c
    rows = s.execute(select(t.term, t.pseudonym, t.kind).order_by(t.id)).all()
    out: dict[str, Term] = {}
    for term, pseud, kind in rows:
        term = _clean(term)
        pseud = _clean(_CONTROL.sub("", pseud or "")) or f"[{LABELS.get(kind, 'Navn')}]"
        out.setdefault(term, Term(term, pseud, kind))
    return sorted(out.values(), key=lambda x: (-len(x.term), x.term))


# Control characters (C0, DEL, C1) and the two non-characters XML cannot hold.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")


def _clean(value: str) -> str:
    """NFC, white space runs as one space, no space at either end."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _refuse_controls(value: str | None, what: str) -> None:
    """InvalidInput when `value` holds a control character other than tab or line break
    (escape, NUL ...): it would end up in transcripts and break exported files."""
    bad = next((ch for ch in value or "" if _CONTROL.match(ch) and ch not in "\t\n\r"), None)
    if bad is not None:
        raise InvalidInput(what.format(code=f"U+{ord(bad):04X}"))


def _rows_of(s: Session, term: str) -> list[int]:
    """Ids of the stored rows that are `term` once cleaned (older rows may not be NFC)."""
    t = pseudonym_table.c
    return [i for i, stored in s.execute(select(t.id, t.term)) if _clean(stored) == term]


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
    _refuse_controls(term, _("The term contains an invisible control character ({code}); "
                             "type it again without it."))
    _refuse_controls(pseudonym, _("The pseudonym contains an invisible control character "
                                  "({code}); type it again without it."))
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
    s.execute(delete(pseudonym_table).where(pseudonym_table.c.id.in_(_rows_of(s, term))))
    return found[0]


def clear_terms(s: Session, only: set[str] | None = None) -> int:
    """Remove every term, or the terms in `only` (after they were applied); returns how many
    rows were removed."""
    if only is None:
        return s.execute(delete(pseudonym_table)).rowcount or 0
    ids = [i for term in sorted(only) for i in _rows_of(s, _clean(term))]
    if not ids:
        return 0
    return s.execute(delete(pseudonym_table).where(pseudonym_table.c.id.in_(ids))).rowcount or 0

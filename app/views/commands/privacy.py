"""Undoable pseudonym table edits: add or remove one sensitive term (the permanent replacement
is not undoable; its key file says what was replaced)."""

from __future__ import annotations

from app.core.privacy import terms as pt
from app.i18n import _
from app.views.commands.base import SessionCommand
from app.views.session import Session


class TermCommand(SessionCommand):
    """Add (or remove) one sensitive term; undo does the opposite."""

    def __init__(self, session: Session, term: str, pseudonym: str | None, kind: str,
                 add: bool) -> None:
        super().__init__(session, (_("Add {term}") if add else _("Remove {term}")).format(
            term=term))
        self.term, self.pseudonym, self.kind, self.add = term, pseudonym, kind, add

    def _add(self, s) -> None:
        t = pt.add_term(s, self.term, self.pseudonym, self.kind)
        self.pseudonym, self.kind = t.pseudonym, t.kind

    def _remove(self, s) -> None:
        t = pt.remove_term(s, self.term)
        self.pseudonym, self.kind = t.pseudonym, t.kind

    def apply(self, s) -> None:
        self._add(s) if self.add else self._remove(s)

    def revert(self, s) -> None:
        self._remove(s) if self.add else self._add(s)

    def refresh(self) -> None:
        self.session.coderChanged.emit()  # dialogs listening refresh their lists

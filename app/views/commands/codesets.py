"""Undoable code set edits: the sets as the dialog left them; undo and redo restore an exact
checkpoint of every set (same guids, names, descriptions and member codes)."""

from __future__ import annotations

from app.core import codesets
from app.i18n import _
from app.views.commands.base import CheckpointCommand
from app.views.session import Session


class CodeSetsCommand(CheckpointCommand):
    """Make the code sets `rows` (guid, name, description, member code guids)."""

    def __init__(self, session: Session, rows: list[codesets.SetRow]) -> None:
        super().__init__(session, _("Edit code sets"))
        self.rows = rows

    def capture(self, s):
        return codesets.checkpoint(s)

    def operate(self, s) -> None:
        codesets.apply_sets(s, self.rows)

    def restore(self, s, state) -> None:
        codesets.restore(s, state)

    def refresh(self) -> None:
        self.session.codebookChanged.emit()

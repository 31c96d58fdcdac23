"""Undoable code tree edits (create, edit, rename, move, merge, delete, import a codebook): the
codebook and the codings the edit touches are checkpointed before and after."""

from __future__ import annotations

from typing import Callable

from app.core import codelog, codetree
from app.views.commands.base import CheckpointCommand
from app.views.session import Session


class CodebookCommand(CheckpointCommand):
    """A code tree edit done by `operation(s)`; `scope(s)` names the codes whose codings it
    touches. Undo and redo restore a checkpoint (same guids) and are written to the code log."""

    def __init__(self, session: Session, text: str, operation: Callable,
                 scope: Callable = lambda s: set()) -> None:
        super().__init__(session, text)
        self.operation, self.scope = operation, scope
        self.guids: set[str] | None = None
        self.result = None

    def capture(self, s) -> codetree.Checkpoint:
        if self.guids is None:
            self.guids = set(self.scope(s))
        return codetree.checkpoint(s, self.guids)

    def operate(self, s) -> None:
        self.result = self.operation(s)

    def restore(self, s, state: codetree.Checkpoint) -> None:
        codetree.restore(s, state)

    def reapply(self, s) -> None:
        super().reapply(s)
        codelog.record(s, "redo", "", "", what=self.text())

    def revert(self, s) -> None:
        super().revert(s)
        codelog.record(s, "undo", "", "", what=self.text())

    def refresh(self) -> None:
        self.session.codebookChanged.emit()
        if self.before.codings != self.after.codings:
            self.session.codingsChanged.emit(None)
        self.session.countsChanged.emit()

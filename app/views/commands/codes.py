"""Undoable code tree edits (create, edit, rename, move, merge, delete, import a codebook): the
codebook, the codings the edit touches and their codes' condensation (condensates, illustrative
quotes, synthesis - a merge carries them along) are checkpointed before and after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from app.core import codelog, codesets, codetree
from app.core.displays import stc_codebook
from app.i18n import _
from app.views.commands.base import CheckpointCommand, refused_undo
from app.views.session import Session


@dataclass(frozen=True)
class TreeState:
    tree: codetree.Checkpoint
    stc: stc_codebook.StcCheckpoint
    sets: tuple = ()  # the code sets (a deleted code leaves them; undo puts it back)

    @property
    def codings(self):
        return self.tree.codings


class CodebookCommand(CheckpointCommand):
    """A code tree edit done by `operation(s)`; `scope(s)` names the codes whose codings it
    touches. Undo and redo restore a checkpoint (same guids) and are written to the code log."""

    def __init__(self, session: Session, text: str, operation: Callable,
                 scope: Callable = lambda s: set()) -> None:
        super().__init__(session, text)
        self.operation, self.scope = operation, scope
        self.guids: set[str] | None = None
        self.result = None

    def capture(self, s) -> TreeState:
        if self.guids is None:
            self.guids = set(self.scope(s))
        return TreeState(codetree.checkpoint(s, self.guids),
                         stc_codebook.checkpoint(s, self.guids), codesets.checkpoint(s))

    def operate(self, s) -> None:
        self.result = self.operation(s)

    def restore(self, s, state: TreeState) -> None:
        codetree.restore(s, state.tree)
        stc_codebook.restore(s, state.stc)
        codesets.restore(s, state.sets)

    def reapply(self, s) -> None:
        super().reapply(s)
        codelog.record(s, "redo", "", "", what=self.text())

    def revert(self, s) -> None:
        super().revert(s)
        codelog.record(s, "undo", "", "", what=self.text())

    def conflict(self, now: TreeState, expected: TreeState, redo: bool = False) -> str:
        """Name the codes someone else changed, added or deleted, and count their codings."""
        was = {r.guid: r for r in expected.tree.codes}
        now_rows = {r.guid: r for r in now.tree.codes}
        names = sorted({(now_rows.get(g) or was[g]).values[0] for g in was.keys() | now_rows.keys()
                        if was.get(g) != now_rows.get(g)}, key=str.casefold)
        codings = len(set(expected.tree.codings) ^ set(now.tree.codings))
        detail = []
        if names:
            detail.append(_("Codes changed: {names}.").format(names=", ".join(names)))
        if codings:
            detail.append(_("Codings changed: {n}.").format(n=codings))
        return refused_undo(self.text(), " ".join(detail), redo=redo)

    def refresh(self) -> None:
        self.session.codebookChanged.emit()
        if self.before.codings != self.after.codings:
            self.session.codingsChanged.emit(None)
        if self.before.stc != self.after.stc:
            for guid in self.guids or ():
                self.session.condensationChanged.emit(guid)
        self.session.countsChanged.emit()

"""The base of every undoable command: one transaction through app/core for each step (do,
redo, undo), errors reported to the user, then the window told what changed.

A command says only what happens inside the transaction: `apply(s)` the first time,
`reapply(s)` on redo (by default the same), `revert(s)` on undo, and what to refresh after.
`CheckpointCommand` is the capture -> operate -> restore pattern: capture what the operation
touches, run it once, capture again; undo and redo restore a capture instead of re-running it,
so guids stay stable for the commands after it on the stack. Undo first captures afresh: when
someone else (another window on a shared project) changed what the command touched since, undo
raises EditConflict saying so and changes nothing (see `conflict`).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from PySide6.QtGui import QUndoCommand

from app.errors import EditConflict
from app.i18n import _

from app.views.session import Session


class SessionCommand(QUndoCommand):
    def __init__(self, session: Session, text: str) -> None:
        super().__init__(text)
        self.session = session
        self._pushed = False

    # -- what a command says -----------------------------------------------------------------
    def apply(self, s) -> None:
        """The change, the first time (inside the transaction)."""
        raise NotImplementedError

    def reapply(self, s) -> None:
        """The change again on redo (inside the transaction)."""
        self.apply(s)

    def revert(self, s) -> None:
        """Undo the change (inside the transaction)."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Tell the window what changed, after do and redo (and undo, unless
        `refresh_undone` says otherwise). By default: everything."""
        self.session.refresh_all()

    def refresh_undone(self) -> None:
        self.refresh()

    # -- the plumbing --------------------------------------------------------------------------
    def first(self) -> None:
        """Do it now; a SitatError propagates (Session.execute shows it and pushes nothing)."""
        with self.session.project.write() as s:
            self.apply(s)
        self.refresh()

    def redo(self) -> None:
        if not self._pushed:  # QUndoStack.push calls redo(): the work was done in first()
            self._pushed = True
            return
        self._step(self.reapply, self.refresh)

    def undo(self) -> None:
        self._step(self.revert, self.refresh_undone)

    def _step(self, step, refresh) -> None:
        try:
            with self.session.project.write() as s:
                step(s)
        except Exception as exc:  # noqa: BLE001 - reported to the user, stack reset
            self.session.report(exc)
            return
        refresh()


class CheckpointCommand(SessionCommand):
    """Capture -> operate -> capture; undo restores the first capture, redo the second."""

    def __init__(self, session: Session, text: str) -> None:
        super().__init__(session, text)
        self.before: Any = None
        self.after: Any = None

    def capture(self, s) -> Any:
        raise NotImplementedError

    def operate(self, s) -> None:
        raise NotImplementedError

    def restore(self, s, state) -> None:
        raise NotImplementedError

    def apply(self, s) -> None:
        self.before = self.capture(s)
        self.operate(s)
        self.after = self.capture(s)

    def reapply(self, s) -> None:
        now = self.capture(s)
        if not same_state(now, self.before):
            raise EditConflict(self.conflict(now, self.before, redo=True))
        self.restore(s, self.after)

    def revert(self, s) -> None:
        now = self.capture(s)
        if not same_state(now, self.after):
            raise EditConflict(self.conflict(now, self.after))
        self.restore(s, self.before)

    def conflict(self, now: Any, expected: Any, redo: bool = False) -> str:
        """What someone else changed, for the message of a refused undo or redo (a subclass
        may name the codes or codings that differ)."""
        return refused_undo(self.text(), redo=redo)


def refused_undo(action: str, detail: str = "", redo: bool = False) -> str:
    message = (_("Someone else has changed what «{action}» touches since you undid it, so it "
                 "was not redone and nothing was changed.") if redo else
               _("Someone else has changed what «{action}» touched since you did it, so it "
                 "was not undone and nothing was changed.")).format(action=action)
    return f"{message} {detail}" if detail else message


def same_state(a: Any, b: Any) -> bool:
    """Two captures hold the same rows: dataclasses field by field, and a tuple or list of
    rows (dataclasses or tuples) in any order - the database returns rows in no fixed order."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(
            same_state(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        if len(a) != len(b):
            return False
        rows = all(isinstance(x, tuple) or dataclasses.is_dataclass(x) for x in (*a, *b))
        if rows:
            try:
                return Counter(a) == Counter(b)
            except TypeError:  # unhashable rows: compare them in a stable order
                return sorted(map(repr, a)) == sorted(map(repr, b))
        return list(a) == list(b)
    return a == b
